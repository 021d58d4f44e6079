/**
 * Bulk import: `npm run import -- FILE [--strict] [--actor NAME]`
 *
 * Loads entries from NDJSON (.ndjson, .jsonl: one create body a line) or CSV (.csv, header line with
 * the columns of src/services/import.ts) into the store named by the usual configuration (UPC_DB,
 * UPC_CONFIG, UPC_ROLE, UPC_ESTABLISHMENT ...), for either role. Every row is validated with the
 * API's rules and bad rows are reported by number; the good rows go in one transaction, or none
 * with --strict. A running daemon sees them within seconds (it watches the store).
 * Exit code: 0 all rows imported, 1 some rows rejected, 2 nothing could be done.
 */
import { readFileSync } from 'node:fs'
import pino from 'pino'
import { ConfigError, loadConfig } from '../src/config.js'
import { createServices } from '../src/services/create-services.js'
import { importRows, readRows } from '../src/services/import.js'
import { loadDataKeys, loadHashKey } from '../src/services/key-file.js'
import { openDatabase } from '../src/store/db.js'
import { migrate } from '../src/store/migrations.js'

const args = process.argv.slice(2)
const file = args.find((arg) => !arg.startsWith('--') && args[args.indexOf(arg) - 1] !== '--actor')
const strict = args.includes('--strict')
const actorAt = args.indexOf('--actor')
const actor = actorAt === -1 ? 'import' : args[actorAt + 1] ?? 'import'
const say = (line: string) => process.stdout.write(`${line}\n`)

if (file === undefined) {
  process.stderr.write('usage: npm run import -- FILE.ndjson|FILE.csv [--strict] [--actor NAME]\n')
  process.exit(2)
}
let config
try {
  config = loadConfig(process.env)
} catch (err) {
  process.stderr.write(`${err instanceof ConfigError ? err.message : String(err)}\n`)
  process.exit(2)
}
let text: string
try {
  text = readFileSync(file, 'utf8')
} catch {
  process.stderr.write(`cannot read ${file}\n`)
  process.exit(2)
}
const format = /\.csv$/i.test(file) ? 'csv' : 'ndjson'
const db = openDatabase(config.db)
migrate(db)
const hashKey = loadHashKey(config)
// The daemon's own keys: the rows are sealed and keyed as the daemon would (services/at-rest.ts).
const services = createServices(db, config, { hashKey, dataKeys: loadDataKeys(config), clock: Date.now, logger: pino({ level: 'silent' }) })
const report = importRows(readRows(text, format), services.entries, actor, Date.now(), strict)
services.auditWriter.close()
db.close()

for (const problem of report.rejected) say(`row ${problem.row}: rejected: ${problem.message}`)
for (const problem of report.warnings) say(`row ${problem.row}: warning: ${problem.message}`)
say(`${report.rows} rows read from ${file} (${format}); ${report.imported} imported into ${config.db}; ${report.rejected.length} rejected${strict && report.rejected.length > 0 ? ' (--strict: nothing imported)' : ''}`)
process.exit(report.rejected.length === 0 ? 0 : 1)

/**
 * Online backup: `npm run backup -- DEST [--db FILE]`
 *
 * Writes one consistent copy of the store (the configuration's, UPC_DB ..., or --db) to DEST while
 * the daemon runs: SQLite's VACUUM INTO reads the store in one read transaction, so the copy is the
 * store as it was at one moment, with every committed write before it (WAL included) and none after;
 * checks and writes go on meanwhile. DEST is created 600 and never overwritten. The key files are NOT
 * in the copy: they are named, to be backed up apart (docs/OPERATIONS.md, Backups).
 * Exit code: 0 written, 1 the copy failed, 2 usage (no store, DEST exists).
 */
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { ConfigError, copyStore, openStore, storePlaces, summarise } from './lib/store-copy.js'

const args = process.argv.slice(2)
const say = (line: string) => process.stdout.write(`${line}\n`)
const usage = (problem: string): never => {
  process.stderr.write(`${problem}\nusage: npm run backup -- DEST [--db FILE]\n`)
  process.exit(2)
}

const dbAt = args.indexOf('--db')
const dbArg = dbAt === -1 ? undefined : args[dbAt + 1] ?? usage('--db needs a file')
const positional = args.filter((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--db')
const unknown = args.find((arg) => arg.startsWith('--') && arg !== '--db')
if (unknown !== undefined) usage(`unknown option ${unknown}`)
if (positional.length !== 1) usage('one DEST file')
const dest = resolve(positional[0] as string)

let places
try {
  places = storePlaces(process.env, dbArg)
} catch (err) {
  usage(err instanceof ConfigError ? err.message : 'the configuration cannot be read')
}
const { db: file, hashKey, dataKey } = places as NonNullable<typeof places>
if (!existsSync(file)) usage(`no store at ${file}`)
if (existsSync(dest)) usage(`${dest} exists: a backup is never written over another file`)

let source
try {
  source = openStore(file)
} catch (err) {
  usage(err instanceof Error ? err.message : `${file} cannot be opened`)
}
const db = source as NonNullable<typeof source>
try {
  copyStore(db, dest)
} catch (err) {
  process.stderr.write(`backup failed: ${err instanceof Error ? err.message : 'unknown error'}\n`)
  process.exit(1)
} finally {
  db.close()
}
const copy = openStore(dest)
const summary = summarise(copy)
copy.close()
say(`backup written: ${dest} (mode 600): ${summary.entries} entries, ${summary.auditRows} audit rows, from ${file}`)
if (summary.lastAudit !== null) say(`audit chain anchor: ${summary.lastAudit} (pass it to audit:verify as --anchor)`)
say('The key files are NOT in this backup. Back them up apart from it, once and after each rotation:')
say(`  HMAC key: ${hashKey}`)
say(dataKey === null ? '  data key: UPC_DATA_KEY (kept wherever it is set)' : `  data key: ${dataKey}`)
say('Without them the backup\'s contact details cannot be read and its blocks do not match.')

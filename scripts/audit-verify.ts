/**
 * Audit chain check: `npm run audit:verify -- [DB] [--key FILE] [--no-key] [--anchor ID:HASH ...]`
 *
 * Walks the audit trail of the store (DB, else UPC_DB / UPC_CONFIG as the daemon reads them) in id
 * order and reports how many rows were checked and the first broken link: a row whose content no
 * longer matches its hash, a row that does not link to the one before it, or missing rows. With the
 * daemon's key (--key, else the config's keyFile, else the store's own key file beside it, hub.key
 * for hub.db, if it exists) it also checks the keyed head, which catches a chain rewritten and rehashed from some row
 * onward. Each --anchor (a row's hash noted earlier, off this host) must still hold: that catches a
 * rollback, or a rewrite by someone holding the key. The last row's id and hash are printed, to be
 * noted as the next anchor. The store is opened read-only; only row ids and hashes are printed,
 * never a row's content.
 * Exit code: 0 intact, 1 broken, 2 usage errors (no such store, bad key file, not a chained store).
 */
import { existsSync, readFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import { ConfigError, loadConfig } from '../src/config.js'
import { hashKeyFile } from '../src/services/key-file.js'
import { verifyChain } from '../src/audit/chain.js'
import type { ChainAnchor } from '../src/audit/chain.js'

const args = process.argv.slice(2)
const say = (line: string) => process.stdout.write(`${line}\n`)
const usage = (problem: string): never => {
  process.stderr.write(`${problem}\nusage: npm run audit:verify -- [DB] [--key FILE] [--no-key] [--anchor ID:HASH ...]\n`)
  process.exit(2)
}

const keyAt = args.indexOf('--key')
const keyArg = keyAt === -1 ? undefined : args[keyAt + 1] ?? usage('--key needs a file')
const noKey = args.includes('--no-key')
const anchors: ChainAnchor[] = []
args.forEach((arg, i) => {
  if (arg !== '--anchor') return
  const match = /^([1-9][0-9]{0,15}):([0-9a-fA-F]{64})$/.exec(args[i + 1] ?? '')
  if (match === null) usage('--anchor needs ID:HASH (a row id, a colon, 64 hex characters)')
  else anchors.push({ id: Number(match[1]), hash: match[2] as string })
})
const valueAt = (i: number) => i > 0 && (args[i - 1] === '--key' || args[i - 1] === '--anchor')
const positional = args.filter((arg, i) => !arg.startsWith('--') && !valueAt(i))
const unknown = args.find((arg) => arg.startsWith('--') && !['--key', '--no-key', '--anchor'].includes(arg))
if (unknown !== undefined) usage(`unknown option ${unknown}`)
if (positional.length > 1) usage('one store at a time')

let file = positional[0]
let keyFile = keyArg
if (file === undefined || (keyFile === undefined && !noKey)) {
  try {
    const config = loadConfig(process.env)
    file ??= config.db
    keyFile ??= config.keyFile ?? undefined
  } catch (err) {
    if (file === undefined) usage(err instanceof ConfigError ? err.message : 'the configuration cannot be read')
  }
}
if (!existsSync(file as string)) usage(`no store at ${file as string}`)
if (!noKey) keyFile ??= hashKeyFile({ db: file as string, keyFile: null })

let key: Buffer | undefined
if (!noKey && keyFile !== undefined) {
  if (existsSync(keyFile)) {
    const text = readFileSync(keyFile, 'utf8').trim()
    if (!/^[0-9a-f]{64}$/.test(text)) usage(`key file ${keyFile} must hold 64 hex characters`)
    key = Buffer.from(text, 'hex')
  } else if (keyArg !== undefined) {
    usage(`no key file at ${keyFile}`)
  }
}

function openStore (path: string): Database.Database {
  let db: Database.Database
  try {
    db = new Database(path, { readonly: true, fileMustExist: true })
    db.pragma('busy_timeout = 5000')
    const columns = db.prepare("SELECT name FROM pragma_table_info('audit')").pluck().all() as string[]
    if (columns.includes('hash')) return db
  } catch {
    return usage(`${path} cannot be opened as a store`)
  }
  db.close()
  return usage(`${path} has no audit chain (not a store, or not migrated: start the daemon on it once)`)
}

const db = openStore(file as string)
const report = verifyChain(db, key, anchors)
db.close()
const head = report.head === 'verified'
  ? `keyed head verified (row ${report.lastId ?? 0})`
  : report.head === 'absent' ? 'no keyed head recorded yet' : 'keyed head not checked (no key)'
if (report.broken === null) {
  say(`audit chain intact: ${report.checked} rows checked; ${head}${anchors.length > 0 ? `; ${anchors.length} anchor(s) hold` : ''}`)
  if (report.lastId !== null) say(`last row: ${report.lastId}:${report.lastHash ?? ''} (note it elsewhere; pass it as --anchor next time)`)
  process.exit(0)
}
say(`audit chain BROKEN at row ${report.broken.id} (${report.broken.problem}): ${report.broken.message}`)
say(`${report.checked} rows checked intact before it`)
process.exit(1)

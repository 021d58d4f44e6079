/**
 * Audit chain check: `npm run audit:verify -- [DB] [--key FILE] [--anchor L<seq>:<mac> ...]`
 * and its anchor: `npm run audit:anchor -- [DB] [--key FILE]` (the same check; prints the anchor only)
 *
 * Walks the audit trail of the store (DB, else UPC_DB / UPC_CONFIG as the daemon reads them) link by
 * link with the daemon's HMAC key (--key, else the config's keyFile, else the store's own key file
 * beside it, hub.key for hub.db): every row must lie in a link whose MAC holds, each link following
 * the one before it (src/audit/chain.ts). Without the key nothing can be proved, so it is required.
 * Each --anchor (a link noted earlier, off this host, as the daemon logs them; or `ID:HASH`, a row's
 * plain hash noted before the chain was keyed) must still hold: that catches links cut from the end
 * (a rollback) and a rewrite by someone holding the key. It says what it proved and what it did
 * not, and prints the last link as the next anchor. The store is opened read-only; only ids, link
 * numbers and MACs are printed, never a row's content.
 * Exit code: 0 intact, 1 broken (the first break named), 2 usage errors (no such store, no or bad
 * key file, not a store).
 */
import { existsSync, readFileSync } from 'node:fs'
import Database from 'better-sqlite3'
import { ConfigError, loadConfig } from '../src/config.js'
import { hashKeyFile } from '../src/services/key-file.js'
import { formatAnchor, parseAnchor, verifyChain } from '../src/audit/chain.js'
import type { ChainAnchor } from '../src/audit/chain.js'

const args = process.argv.slice(2)
const say = (line: string) => process.stdout.write(`${line}\n`)
const usage = (problem: string): never => {
  process.stderr.write(`${problem}\nusage: npm run audit:verify -- [DB] [--key FILE] [--anchor L<seq>:<mac> ...]\n       npm run audit:anchor -- [DB] [--key FILE]\n`)
  process.exit(2)
}

const keyAt = args.indexOf('--key')
const keyArg = keyAt === -1 ? undefined : args[keyAt + 1] ?? usage('--key needs a file')
const anchorOnly = args.includes('--anchor-only')
const anchors: ChainAnchor[] = []
args.forEach((arg, i) => {
  if (arg !== '--anchor') return
  const anchor = parseAnchor(args[i + 1] ?? '')
  if (anchor === null) usage('--anchor needs L<seq>:<mac> (as the daemon logs it) or ID:HASH (a row\'s plain hash from before keying)')
  else anchors.push(anchor)
})
const valueAt = (i: number) => i > 0 && (args[i - 1] === '--key' || args[i - 1] === '--anchor')
const positional = args.filter((arg, i) => !arg.startsWith('--') && !valueAt(i))
const unknown = args.find((arg) => arg.startsWith('--') && !['--key', '--anchor', '--anchor-only'].includes(arg))
if (unknown !== undefined) usage(`unknown option ${unknown}`)
if (positional.length > 1) usage('one store at a time')

let file = positional[0]
let keyFile = keyArg
if (file === undefined || keyFile === undefined) {
  try {
    const config = loadConfig(process.env)
    file ??= config.db
    keyFile ??= config.keyFile ?? undefined
  } catch (err) {
    if (file === undefined) usage(err instanceof ConfigError ? err.message : 'the configuration cannot be read')
  }
}
if (!existsSync(file as string)) usage(`no store at ${file as string}`)
keyFile ??= hashKeyFile({ db: file as string, keyFile: null })

if (!existsSync(keyFile)) usage(`no key file at ${keyFile}: the chain is made with the daemon's key, and cannot be verified without it (--key FILE)`)
const keyText = readFileSync(keyFile, 'utf8').trim()
if (!/^[0-9a-f]{64}$/.test(keyText)) usage(`key file ${keyFile} must hold 64 hex characters`)
const key = Buffer.from(keyText, 'hex')

function openStore (path: string): Database.Database {
  let db: Database.Database
  try {
    db = new Database(path, { readonly: true, fileMustExist: true })
    db.pragma('busy_timeout = 5000')
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('audit', 'audit_link')").pluck().all() as string[]
    if (tables.length === 2) return db
  } catch {
    return usage(`${path} cannot be opened as a store`)
  }
  db.close()
  return usage(`${path} has no keyed audit chain (not a store, or not migrated: start the daemon on it once)`)
}

const db = openStore(file as string)
const report = verifyChain(db, key, anchors)
db.close()
const head = report.head === null ? null : formatAnchor(report.head)
if (report.broken !== null) {
  const where = report.broken.id === null ? `link ${report.broken.link ?? 0}` : `row ${report.broken.id}${report.broken.link === null ? '' : ` (link ${report.broken.link})`}`
  say(`audit chain BROKEN at ${where}, ${report.broken.problem}: ${report.broken.message}`)
  say(`verified before it: ${report.links} link(s), ${report.rows} row(s)`)
  process.exit(1)
}
if (anchorOnly) {
  say(head ?? 'no anchor: the trail is empty')
  process.exit(0)
}
if (report.head === null) {
  say('audit chain intact: the trail is empty (no row, no link)')
  process.exit(0)
}
say(`audit chain intact: ${report.rows} rows in ${report.links} links, up to row ${report.head.lastId}`)
say('proved: every row is in a link made with the key, each link follows the one before it from the first, and no row in them was changed, added or removed since its link was written')
say(anchors.length > 0
  ? `proved: the ${anchors.length} anchor(s) given hold: nothing up to them was cut, rolled back or rewritten, even by a holder of the key`
  : 'not proved: that no links were cut from the end, or the whole trail rewritten by a holder of the key: pass anchors noted earlier (--anchor)')
say(`anchor: ${head ?? ''} (note it elsewhere; pass it as --anchor next time)`)
process.exit(0)

/**
 * Restore: `npm run restore -- SRC [--db FILE] [--force]`
 *
 * Puts a backup (scripts/backup.ts) in place as the store (the configuration's, UPC_DB ..., or --db).
 * Refuses while any process has that store open (the daemon: stop it first), and refuses to replace
 * an existing store without --force. The copy is made beside the store (600), checked, and renamed
 * over it; the old store's -wal is folded into it and removed first and its -shm removed, so no
 * journal of the old store is ever read with the new one. The keys are not touched: the key files
 * of the backup's time must be put back beside it (docs/OPERATIONS.md, Backups).
 * Exit code: 0 restored, 1 the copy failed, 2 usage (no backup, store in use, store exists).
 */
import { existsSync, renameSync, rmSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import Database from 'better-sqlite3'
import { makePrivateDir } from '../src/store/private-files.js'
import { ConfigError, copyStore, openStore, storeInUse, storePlaces, summarise } from './lib/store-copy.js'

const args = process.argv.slice(2)
const say = (line: string) => process.stdout.write(`${line}\n`)
const usage = (problem: string): never => {
  process.stderr.write(`${problem}\nusage: npm run restore -- SRC [--db FILE] [--force]\n`)
  process.exit(2)
}

const dbAt = args.indexOf('--db')
const dbArg = dbAt === -1 ? undefined : args[dbAt + 1] ?? usage('--db needs a file')
const force = args.includes('--force')
const positional = args.filter((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--db')
const unknown = args.find((arg) => arg.startsWith('--') && !['--db', '--force'].includes(arg))
if (unknown !== undefined) usage(`unknown option ${unknown}`)
if (positional.length !== 1) usage('one SRC backup file')
const src = resolve(positional[0] as string)
if (!existsSync(src)) usage(`no backup at ${src}`)

let places
try {
  places = storePlaces(process.env, dbArg === undefined ? undefined : resolve(dbArg))
} catch (err) {
  usage(err instanceof ConfigError ? err.message : 'the configuration cannot be read')
}
const { db: file, hashKey, dataKey } = places as NonNullable<typeof places>
if (resolve(file) === src) usage('the backup is the store itself')

if (existsSync(file)) {
  if (storeInUse(file)) usage(`${file} is open in another process (the daemon?): stop it, then restore`)
  if (!force) usage(`${file} exists: --force replaces it with the backup`)
}

let backup
try {
  backup = openStore(src)
} catch (err) {
  usage(err instanceof Error ? err.message : `${src} cannot be opened`)
}
const from = backup as NonNullable<typeof backup>
makePrivateDir(dirname(file))
const staged = `${file}.restoring`
rmSync(staged, { force: true })
try {
  copyStore(from, staged)
} catch (err) {
  process.stderr.write(`restore failed, the store is unchanged: ${err instanceof Error ? err.message : 'unknown error'}\n`)
  process.exit(1)
} finally {
  from.close()
}

if (existsSync(file)) {
  // Under an exclusive lock (refused if a process opened the store meanwhile), the old store's WAL
  // is checkpointed into it and deleted (journal_mode DELETE), so it can never be replayed into the
  // restored store; then its -shm goes too.
  const old = new Database(file, { fileMustExist: true })
  try {
    old.pragma('busy_timeout = 0')
    old.pragma('locking_mode = EXCLUSIVE')
    old.pragma('wal_checkpoint(TRUNCATE)')
    if (old.pragma('journal_mode = DELETE', { simple: true }) !== 'delete') throw new Error('journal mode unchanged')
  } catch {
    old.close()
    rmSync(staged, { force: true })
    usage(`${file} was opened by another process during the restore: stop it, then restore`)
  }
  old.close()
}
rmSync(`${file}-wal`, { force: true })
rmSync(`${file}-shm`, { force: true })
renameSync(staged, file)

const restored = openStore(file)
const summary = summarise(restored)
restored.close()
say(`restored: ${file} from ${src}: ${summary.entries} entries, ${summary.auditRows} audit rows`)
if (summary.lastAudit !== null) say(`audit chain anchor: ${summary.lastAudit}`)
say('The keys are not part of a backup: put the key files of the backup\'s time in place before starting:')
say(`  HMAC key: ${hashKey}${existsSync(hashKey) ? ' (a file is there: it must be the backup\'s)' : ' (MISSING)'}`)
say(dataKey === null ? '  data key: UPC_DATA_KEY' : `  data key: ${dataKey}${existsSync(dataKey) ? ' (a file is there: it must be the backup\'s)' : ' (MISSING)'}`)
say(`Then check the audit chain with its key: npm run audit:verify -- ${file} --key ${hashKey}`)

import { chmodSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { startDaemon } from '../../scripts/lib/daemon.js'
import { buildTestApp, tempDir, writeKeyFiles } from '../helper.js'

/**
 * The store is for the daemon's user alone: a new store's folders are 700 and its database, -wal,
 * -shm and key files 600 whatever the umask; an existing store that lets other users in is named in
 * one warning at start-up, and left as it is. Modes are read with stat, so the checks hold for root
 * (CI) as for any other user.
 */
const mode = (path: string) => statSync(path).mode & 0o7777

interface Line { level: number, msg: string, open?: Array<{ path: string, mode: string }>, fix?: string }
const linesOf = (text: string): Line[] => text.trim().split('\n').filter((raw) => raw.startsWith('{')).map((raw) => JSON.parse(raw) as Line)
const OPEN_WARNING = /can be read or written by other users/

t.test('the real daemon under umask 000 makes its folders 700 and its database, -wal, -shm and keys 600', async (t) => {
  const top = tempDir(t)
  const folder = join(top, 'store', 'hli')
  const db = join(folder, 'upc-guard.db')
  const logFile = join(tempDir(t), 'daemon.log')
  // A child process inherits its parent's umask: the daemon starts under 000.
  const umask = process.umask(0o000)
  t.teardown(() => { process.umask(umask) })
  const daemon = await startDaemon({ UPC_DB: db, UPC_ESTABLISHMENT: 'HLI', UPC_LOG_LEVEL: 'info' }, { logFile })
  t.teardown(() => { daemon.child.kill('SIGKILL') })
  t.equal((await fetch(`${daemon.base}/healthz`)).status, 200)

  t.equal(mode(join(top, 'store')), 0o700, 'a folder made on the way: 700, not 777')
  t.equal(mode(folder), 0o700, 'the store\'s folder: 700')
  for (const file of [db, `${db}-wal`, `${db}-shm`, join(folder, 'upc-guard.key'), join(folder, 'upc-guard.data.key')]) {
    t.equal(mode(file), 0o600, `${file.slice(folder.length + 1)}: 600`)
  }
  daemon.child.kill('SIGTERM')
  t.equal(await daemon.exited, 0)
  const lines = linesOf(readFileSync(logFile, 'utf8'))
  t.ok(lines.some((line) => line.msg === 'stopped'), 'the log was read whole')
  t.same(lines.filter((line) => OPEN_WARNING.test(line.msg)), [], 'a store it made itself is not reported')
})

t.test('an existing store open to other users: one warning naming each path and mode, modes left as they were', async (t) => {
  const dir = tempDir(t)
  const db = join(dir, 'upc-guard.db')
  writeKeyFiles(dir)
  const first = await buildTestApp(t, { dir })
  await first.app.close()
  // As an older version, a copy or an operator's umask would have left it.
  chmodSync(dir, 0o755)
  chmodSync(db, 0o644)
  chmodSync(join(dir, 'upc-guard.data.key'), 0o640)

  const logFile = join(tempDir(t), 'daemon.log')
  const { app } = await buildTestApp(t, { dir, logFile })
  const warnings = linesOf(readFileSync(logFile, 'utf8')).filter((line) => OPEN_WARNING.test(line.msg))
  t.equal(warnings.length, 1, 'one line')
  const warning = warnings[0]
  t.equal(warning?.level, 40, 'a warning')
  // SQLite made the -wal and -shm with the database file's mode; the HMAC key file, 600, is not named.
  t.same(warning?.open, [
    { path: dir, mode: '0755' },
    { path: db, mode: '0644' },
    { path: `${db}-wal`, mode: '0644' },
    { path: `${db}-shm`, mode: '0644' },
    { path: join(dir, 'upc-guard.data.key'), mode: '0640' }
  ])
  t.equal(warning?.fix, `chmod 600 ${db} ${db}-wal ${db}-shm ${join(dir, 'upc-guard.data.key')} && chmod 700 ${dir}`)
  t.equal(mode(dir), 0o755, 'the folder is not changed behind the operator\'s back')
  t.equal(mode(db), 0o644, 'nor the database')
  t.equal(mode(join(dir, 'upc-guard.data.key')), 0o640, 'nor the key file')
  await app.close()
})

t.test('a private store starts without the warning', async (t) => {
  const dir = tempDir(t)
  writeKeyFiles(dir)
  const logFile = join(tempDir(t), 'daemon.log')
  const { app } = await buildTestApp(t, { dir, logFile })
  t.equal(mode(join(dir, 'upc-guard.db')), 0o600)
  t.same(linesOf(readFileSync(logFile, 'utf8')).filter((line) => OPEN_WARNING.test(line.msg)), [])
  await app.close()
})

/**
 * The restore drill: a real daemon (child process) with blocks, backed up by `npm run backup` while
 * checks and new blocks keep coming; the backup restored into a new folder with the key files
 * copied beside it; its audit chain verifies with the key, a daemon on it blocks every block made
 * before the backup, and its audit has every entry it holds. Around it, what the two scripts refuse.
 */
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { ROOT, api, startDaemon } from '../../scripts/lib/daemon.js'
import { TOKENS, tempDir } from '../helper.js'

const CLIENTS = JSON.stringify([
  { name: 'spoc', roles: ['admin'], token: TOKENS.admin },
  { name: 'pbx', roles: ['check'], token: TOKENS.check }
])
const BEFORE = 40

/** Runs one of the package's scripts (as npm run does, through tsx) to its end. */
async function script (name: string, args: string[]): Promise<{ code: number | null, out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join('scripts', `${name}.ts`), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { out += chunk.toString() })
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  return { code, out }
}

/** An Ofcom drama mobile number, 07700 900000 to 900999. */
const phone = (i: number) => `07700 900${String(i).padStart(3, '0')}`

async function create (base: string, i: number): Promise<string | null> {
  const res = await api(base, TOKENS.admin, 'POST', '/v1/entries', { scope: 'establishment', phones: [phone(i)], reason: 'Victim asked for no contact' })
  return res.status === 201 ? res.json.id as string : null
}

async function decision (base: string, i: number): Promise<string> {
  const res = await api(base, TOKENS.check, 'GET', `/v1/check/phone?prisoner=A1234BC&number=${encodeURIComponent(phone(i))}`)
  return res.json.decision as string
}

t.test('restore drill: backed up under load, restored with its keys, every block blocks', async (t) => {
  const dir = tempDir(t)
  const live = join(dir, 'live', 'upc-guard.db')
  const daemon = await startDaemon({ UPC_DB: live, UPC_ESTABLISHMENT: 'HLI', UPC_TOKENS: CLIENTS })
  t.teardown(() => { daemon.child.kill('SIGKILL') })
  const before: string[] = []
  for (let i = 0; i < BEFORE; i++) before.push(await create(daemon.base, i) as string)
  t.equal(before.filter((id) => typeof id === 'string').length, BEFORE, `${BEFORE} blocks made before the backup`)

  // Load while the backup runs: checks of the blocks, and new blocks, until it ends.
  const dest = join(dir, 'backups', 'upc-guard-backup.db')
  let running = true
  let checks = 0
  let checksAnswered = 0
  let madeDuring = 0
  // Recent writes sit in the WAL, not yet in the database file: a copy of that file alone would miss them.
  t.ok(statSync(`${live}-wal`).size > 0, 'the store has writes in its WAL')
  const checking = Promise.all([0, 1, 2, 3].map(async (start) => {
    for (let i = start; running; i = (i + 4) % BEFORE) {
      checks++
      if (await decision(daemon.base, i) === 'block') checksAnswered++
    }
  }))
  let next = BEFORE
  const writing = Promise.all([0, 1].map(async () => {
    while (running && next < 999) if (await create(daemon.base, next++) !== null) madeDuring++
  }))
  mkdirSync(join(dir, 'backups'))
  const backup = await script('backup', [dest, '--db', live])
  running = false
  await Promise.all([checking, writing])
  t.equal(backup.code, 0, backup.code === 0 ? 'backup written while the daemon ran' : backup.out)
  t.ok(checks > 0, `checks went on during the backup (${checks})`)
  t.equal(checksAnswered, checks, 'and each answered block')
  t.ok(madeDuring > 0, `blocks were made during the backup (${madeDuring})`)
  t.equal(statSync(dest).mode & 0o777, 0o600, 'the backup is 600')
  t.match(backup.out, /backup written: .*upc-guard-backup\.db \(mode 600\)/)
  t.match(backup.out, /key files are NOT in this backup/)
  t.match(backup.out, `HMAC key: ${join(dir, 'live', 'upc-guard.key')}`, 'it names the HMAC key file')
  t.match(backup.out, `data key: ${join(dir, 'live', 'upc-guard.data.key')}`, 'and the data key file')

  const again = await script('backup', [dest, '--db', live])
  t.equal(again.code, 2, 'a second backup to the same file is refused')
  t.match(again.out, /exists: a backup is never written over another file/)

  const busy = await script('restore', [dest, '--db', live, '--force'])
  t.equal(busy.code, 2, 'a restore over the running daemon\'s store is refused, even with --force')
  t.match(busy.out, /is open in another process \(the daemon\?\): stop it/)
  t.equal(await decision(daemon.base, 0), 'block', 'and the daemon goes on')

  // The restore, into a new folder, with the key files of the backup's time copied beside it.
  const restored = join(dir, 'restored', 'upc-guard.db')
  const restore = await script('restore', [dest, '--db', restored])
  t.equal(restore.code, 0, restore.code === 0 ? 'restored' : restore.out)
  t.match(restore.out, /HMAC key: .*\(MISSING\)/, 'it says the keys are still to be put back')
  t.equal(statSync(restored).mode & 0o777, 0o600, 'the restored store is 600')
  for (const key of ['upc-guard.key', 'upc-guard.data.key']) copyFileSync(join(dir, 'live', key), join(dir, 'restored', key))

  const verify = await script('audit-verify', [restored, '--key', join(dir, 'restored', 'upc-guard.key')])
  t.equal(verify.code, 0, 'npm run audit:verify passes on the restored store')
  t.match(verify.out, /audit chain intact: \d+ rows in \d+ links, up to row \d+/)

  const copy = new Database(restored, { readonly: true })
  const ids = copy.prepare('SELECT id FROM entries').pluck().all() as string[]
  const audited = new Set(copy.prepare("SELECT entry_id FROM audit WHERE action = 'entry.create'").pluck().all() as string[])
  copy.close()
  t.ok(before.every((id) => ids.includes(id)), 'every block made before the backup is in it')
  t.ok(ids.every((id) => audited.has(id)), 'each entry it holds has its audit row (one snapshot, no torn write)')
  t.equal(audited.size, ids.length, 'and no audit row of an entry it does not hold')

  const second = await startDaemon({ UPC_DB: restored, UPC_ESTABLISHMENT: 'HLI', UPC_TOKENS: CLIENTS })
  t.teardown(() => { second.child.kill('SIGKILL') })
  let blocking = 0
  for (let i = 0; i < BEFORE; i++) if (await decision(second.base, i) === 'block') blocking++
  t.equal(blocking, BEFORE, 'a daemon on the restored store blocks every block made before the backup')
  t.equal(await decision(second.base, 999), 'allow', 'and allows a number never blocked')
  second.child.kill('SIGTERM')
  t.equal(await second.exited, 0)

  const exists = await script('restore', [dest, '--db', restored])
  t.equal(exists.code, 2, 'restoring over a store without --force is refused')
  t.match(exists.out, /exists: --force replaces it/)
  const forced = await script('restore', [dest, '--db', restored, '--force'])
  t.equal(forced.code, 0, 'with --force, and the daemon stopped, it is replaced')
  t.notOk(existsSync(`${restored}-wal`), 'and no journal of the old store is left beside it')
  t.notOk(existsSync(`${restored}.restoring`), 'nor the staged copy')
})

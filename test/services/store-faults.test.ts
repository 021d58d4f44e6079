import { execFileSync } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, truncateSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import type { Test } from 'tap'
import { TOKENS, auth, buildTestApp, entryBody, tempDir } from '../helper.js'

/**
 * The store's disk fails under a running daemon: it fills up, or the filesystem turns read-only
 * (what ext4 does with errors=remount-ro after an I/O error). An admin write must answer a clear
 * 503 and change nothing (no half entry, the index as it was), checks must go on answering from
 * memory, and the check records queued meanwhile must be kept, not lost. Real filesystems, not a
 * fake: a small tmpfs for the full disk, an ext4 image on a loop device for the read-only one.
 * Both need root and mount(8); where the sandbox refuses, the test skips and says why.
 */

function run (command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
  } catch {
    return null
  }
}

/** Mounts a filesystem on a fresh folder; unmounted (lazily, so never busy) when the test ends. */
function mountOn (t: Test, args: string[]): string | null {
  const dir = tempDir(t)
  if (run('mount', [...args, dir]) === null) return null
  t.teardown(() => { run('umount', ['-l', dir]) })
  return dir
}

const check = async (app: Awaited<ReturnType<typeof buildTestApp>>['app'], phone: string) =>
  app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone } })
const readyVersion = async (app: Awaited<ReturnType<typeof buildTestApp>>['app']) =>
  (await app.inject({ method: 'GET', url: '/readyz' })).json().indexVersion as number
const STORE_UNAVAILABLE = { error: 'store_unavailable', message: 'the store could not be written; nothing was changed' }

/** Fills the filesystem at dir until a write fails for want of space. */
function fillUp (dir: string): string {
  const ballast = join(dir, 'ballast')
  const fd = openSync(ballast, 'w')
  const chunk = Buffer.alloc(64 * 1024, 1)
  try {
    for (;;) writeSync(fd, chunk)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err
  } finally {
    closeSync(fd)
  }
  return ballast
}

/** Why a filesystem cannot be made here, or false: probed once, so that a test skips with a reason. */
function probe (): { tmpfs: string | false, ext4: string | false } {
  if (process.getuid?.() !== 0) return { tmpfs: 'needs root to mount a filesystem', ext4: 'needs root to mount a filesystem' }
  const dir = mkdtempSync(join(tmpdir(), 'upc-probe-'))
  try {
    const tmpfs = run('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]) === null ? 'mount -t tmpfs is not permitted here' : false
    if (tmpfs === false) run('umount', [dir])
    const image = join(dir, 'probe.img')
    closeSync(openSync(image, 'w'))
    truncateSync(image, 16 * 1024 * 1024)
    if (run('mkfs.ext4', ['-q', '-F', image]) === null) return { tmpfs, ext4: 'mkfs.ext4 is not installed' }
    const mnt = join(dir, 'mnt')
    mkdirSync(mnt)
    if (run('mount', ['-o', 'loop', image, mnt]) === null) return { tmpfs, ext4: 'mounting an ext4 image on a loop device is not permitted here' }
    const trigger = triggerFor(mnt)
    run('umount', [mnt])
    return { tmpfs, ext4: trigger === null ? 'this kernel has no /sys/fs/ext4/*/trigger_fs_error' : false }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** ext4's own switch for testing its error handling (Documentation/ABI/testing/sysfs-fs-ext4). */
function triggerFor (mountPoint: string): string | null {
  const device = run('findmnt', ['-n', '-o', 'SOURCE', mountPoint])?.trim()
  const trigger = device === undefined ? null : `/sys/fs/ext4/${basename(device)}/trigger_fs_error`
  return trigger !== null && existsSync(trigger) ? trigger : null
}

const can = probe()

t.test('disk full during admin writes: 503, nothing half-written, checks answered, audit kept, then writes again', { skip: can.tmpfs }, async (t) => {
  const dir = mountOn(t, ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs'])
  if (dir === null) throw new Error('the tmpfs mount failed after the probe succeeded')
  const logFile = join(tempDir(t), 'daemon.log')
  const emptyPage = () => new Response(JSON.stringify({ changes: [], next: 0, hasMore: false }), { status: 200, headers: { 'content-type': 'application/json' } })
  const { app, config } = await buildTestApp(t, {
    dir,
    logFile,
    fetch: (async () => emptyPage()) as typeof fetch,
    env: { UPC_UPSTREAM_URL: 'http://127.0.0.1:1', UPC_UPSTREAM_TOKEN: TOKENS.feed, UPC_SYNC_CRON: '0 0 1 1 *' }
  })
  t.equal((await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })).statusCode, 201)
  t.equal((await app.inject({ method: 'POST', url: '/v1/sync', headers: auth('admin') })).json().ok, true)
  let checks = 0
  const counted = async (phone: string) => { checks++; return check(app, phone) }
  t.equal((await counted('07700 900123')).json().decision, 'block')

  const ballast = fillUp(dir)
  // The write-ahead log reuses the space it already has, so the first writes after the disk fills
  // may still fit; one of the next few must meet the full disk.
  let created = 1
  let failed: { phone: string, body: unknown } | null = null
  for (let i = 200; i < 999 && failed === null; i++) {
    const phone = `07700 900${i}`
    const before = await readyVersion(app)
    const reply = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: [phone], emails: [], addresses: [] }) })
    if (reply.statusCode === 201) {
      created++
      continue
    }
    t.equal(reply.statusCode, 503, 'a full disk is a 503')
    t.same(reply.json(), STORE_UNAVAILABLE)
    t.equal(await readyVersion(app), before, 'the index did not move')
    failed = { phone, body: reply.json() }
  }
  if (failed === null) throw new Error('the disk never filled')
  t.comment(`${created - 1} more entries fitted after the disk was full, in the log's own space`)

  const list = (await app.inject({ method: 'GET', url: '/v1/entries?limit=1', headers: auth('admin') })).json()
  t.equal(list.total, created, 'no half entry')
  t.equal((await counted(failed.phone)).json().decision, 'allow', 'the failed entry blocks nothing')
  t.equal((await counted('07700 900123')).json().decision, 'block', 'what blocked still blocks')
  for (let i = 0; i < 40; i++) t.equal((await counted('07700 900123')).statusCode, 200)
  const lift = await app.inject({ method: 'POST', url: `/v1/entries/${list.items[0].id as string}/lift`, headers: auth('admin'), payload: { reason: 'Person asked' } })
  if (lift.statusCode !== 200) {
    t.equal(lift.statusCode, 503, 'a lift on a full disk is a 503 too')
    t.equal((await counted('07700 900123')).json().decision, 'block', 'and the block stays in force')
  }
  const sync = await app.inject({ method: 'POST', url: '/v1/sync', headers: auth('admin') })
  if (sync.statusCode === 200) t.equal(sync.json().ok, false, 'a sync on a full disk fails')
  else t.same([sync.statusCode, sync.json()], [503, STORE_UNAVAILABLE], 'a sync that cannot even record its failure is a 503')
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'the daemon is alive')
  t.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200, 'and ready: checks need no disk')

  rmSync(ballast)
  const again = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: [failed.phone], emails: [], addresses: [] }) })
  t.equal(again.statusCode, 201, 'with space freed, the same write goes in')
  t.equal((await counted(failed.phone)).json().decision, 'block')

  await app.close()
  const db = new Database(config.db, { readonly: true })
  t.teardown(() => db.close())
  t.equal(db.prepare("SELECT COUNT(*) FROM audit_all WHERE action = 'check.decide'").pluck().get(), checks, 'every check is in the audit trail: records queued on the full disk were kept and written later')
  t.equal(db.prepare("SELECT COUNT(*) FROM audit WHERE action = 'entry.create'").pluck().get(), created + 1, 'one audit row per entry')
  t.equal(db.prepare('SELECT COUNT(*) FROM entries').pluck().get(), created + 1)
  t.equal(db.prepare('SELECT COUNT(*) FROM entry_details d LEFT JOIN entries e ON e.id = d.entry_id WHERE e.id IS NULL').pluck().get(), 0, 'no detail without its entry')
  const log = readFileSync(logFile, 'utf8')
  t.notMatch(log, /07700|900123|Acacia|example\.org/, 'the log names no contact detail')
  t.match(log, /"status":503/)
  t.match(log, /audit flush failed; will retry/, 'the audit flush met the full disk, and kept its records')
})

t.test('the filesystem turns read-only under the daemon: 503 for writes, checks go on', { skip: can.ext4 }, async (t) => {
  const image = join(tempDir(t), 'store.img')
  closeSync(openSync(image, 'w'))
  truncateSync(image, 16 * 1024 * 1024)
  if (run('mkfs.ext4', ['-q', '-F', image]) === null) throw new Error('mkfs.ext4 failed after the probe succeeded')
  const dir = mountOn(t, ['-o', 'loop,errors=remount-ro', image])
  const trigger = dir === null ? null : triggerFor(dir)
  if (dir === null || trigger === null) throw new Error('the ext4 mount failed after the probe succeeded')

  const logFile = join(tempDir(t), 'daemon.log')
  const { app } = await buildTestApp(t, { dir, logFile })
  const entry = (await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })).json()
  t.equal((await check(app, '07700 900123')).json().decision, 'block')
  const version = await readyVersion(app)

  run('sh', ['-c', `echo 1 > ${trigger}`])
  t.match(run('findmnt', ['-n', '-o', 'OPTIONS', dir]) ?? '', /\bro\b|emergency_ro/, 'the filesystem is read-only now')

  const created = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: ['07700 900555'] }) })
  t.equal(created.statusCode, 503)
  t.same(created.json(), STORE_UNAVAILABLE)
  const lift = await app.inject({ method: 'POST', url: `/v1/entries/${entry.id as string}/lift`, headers: auth('admin'), payload: { reason: 'Person asked' } })
  t.equal(lift.statusCode, 503, 'a lift too')
  t.equal(await readyVersion(app), version, 'the index did not move')
  t.equal((await app.inject({ method: 'GET', url: '/v1/entries', headers: auth('admin') })).json().total, 1, 'reads still work: no half entry')
  t.equal((await app.inject({ method: 'GET', url: `/v1/entries/${entry.id as string}`, headers: auth('admin') })).json().status, 'active')
  for (let i = 0; i < 20; i++) {
    const reply = await check(app, i % 2 === 0 ? '07700 900123' : '07700 900555')
    t.equal(reply.statusCode, 200)
    t.equal(reply.json().decision, i % 2 === 0 ? 'block' : 'allow')
  }
  await new Promise((resolve) => setTimeout(resolve, 300)) // one audit flush, which fails
  t.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200)
  await app.close()
  const log = readFileSync(logFile, 'utf8')
  t.match(log, /audit flush failed; will retry/, 'the lost disk is logged')
  t.notMatch(log, /07700|900123|900555|Acacia|example\.org/, 'the log names no contact detail')
})

import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import t from 'tap'
import { auth, buildTestApp, entryBody } from '../helper.js'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
import { DAEMON_BUSY_TIMEOUT_MS } from '../../src/store/db.js'

/**
 * Another process (an operator's sqlite3 shell, the import CLI) holds the write lock on the store
 * with BEGIN EXCLUSIVE. An admin write waits up to the daemon's busy_timeout for it: within it, the write goes
 * in once the lock is released; past it, a clear 503 and nothing changed. Checks never touch the
 * store and are answered after. The wait is inside a synchronous better-sqlite3 call, so it holds
 * the event loop: the test measures and reports how long (docs/RELIABILITY.md).
 */
function holdLock (file: string, ms: number): Promise<{ locked: Promise<void>, released: Promise<void> }> {
  const child = spawn(process.execPath, ['-e', `
    const db = new (require('better-sqlite3'))(${JSON.stringify(file)})
    db.exec('BEGIN EXCLUSIVE')
    process.stdout.write('locked\\n')
    setTimeout(() => { db.exec('COMMIT'); db.close(); process.stdout.write('released\\n') }, ${ms})
  `], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  const seen = (word: string) => new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); if (out.includes(word)) resolve() })
    child.on('exit', () => (out.includes(word) ? resolve() : reject(new Error(`the lock holder exited before "${word}"`))))
  })
  return Promise.resolve({ locked: seen('locked'), released: seen('released') })
}

/** The longest the event loop went without running a 10 ms timer, from start() to stop(). */
function loopStall () {
  let last = performance.now()
  let worst = 0
  const timer = setInterval(() => {
    const now = performance.now()
    worst = Math.max(worst, now - last - 10)
    last = now
  }, 10)
  return {
    /** after one more tick, so that a stall just ended is counted */
    stop: async () => {
      await new Promise((resolve) => setTimeout(resolve, 30))
      clearInterval(timer)
      return Math.round(worst)
    }
  }
}

const checkPayload = { channel: 'phone', prisoner: 'A1234BC', phone: '07700 900123' }

t.test('a lock held for less than busy_timeout: the write waits, then goes in; checks answered', async (t) => {
  const { app, config } = await buildTestApp(t)
  t.equal((await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })).statusCode, 201)
  const lock = await holdLock(config.db, Math.round(DAEMON_BUSY_TIMEOUT_MS / 3))
  await lock.locked
  const stall = loopStall()
  const started = performance.now()
  const write = app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: ['07700 900555'] }) })
  const checks = Array.from({ length: 20 }, () => app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: checkPayload }))
  const created = await write
  const waited = performance.now() - started
  const answers = await Promise.all(checks)
  const stalled = await stall.stop()
  await lock.released
  t.equal(created.statusCode, 201, 'the write went in once the lock was released')
  t.ok(answers.every((a) => a.json().decision === 'block'), 'every check meanwhile answered block')
  t.comment(`the write waited ${Math.round(waited)} ms; event loop held up to ${stalled} ms`)
  const check = await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { ...checkPayload, phone: '07700 900555' } })
  t.equal(check.json().decision, 'block', 'the new entry blocks')
})

t.test('a lock held past busy_timeout: 503, nothing changed, checks answered after', { timeout: 60_000 }, async (t) => {
  const { app, config } = await buildTestApp(t)
  t.equal((await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })).statusCode, 201)
  const version = (await app.inject({ method: 'GET', url: '/readyz' })).json().indexVersion
  const lock = await holdLock(config.db, DAEMON_BUSY_TIMEOUT_MS + 2500)
  await lock.locked
  const stall = loopStall()
  const write = app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: ['07700 900555'] }) })
  const checks = Array.from({ length: 20 }, () => app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: checkPayload }))
  const refused = await write
  const answers = await Promise.all(checks)
  const stalled = await stall.stop()
  t.equal(refused.statusCode, 503)
  t.same(refused.json(), { error: 'store_unavailable', message: 'the store could not be written; nothing was changed' })
  t.ok(answers.every((a) => a.statusCode === 200 && a.json().decision === 'block'), 'every check answered block')
  t.equal((await app.inject({ method: 'GET', url: '/readyz' })).json().indexVersion, version, 'the index did not move')
  t.comment(`event loop held up to ${stalled} ms by the wait for the lock`)
  await lock.released
  const db = new Database(config.db, { readonly: true })
  t.teardown(() => db.close())
  t.equal(db.prepare('SELECT COUNT(*) FROM entries').pluck().get(), 1, 'no half entry')
  const again = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: ['07700 900555'] }) })
  t.equal(again.statusCode, 201, 'with the lock released, the write goes in')
  t.equal(db.prepare("SELECT COUNT(*) FROM audit_all WHERE action = 'check.decide'").pluck().get(), 20, 'the check records queued behind the lock were kept and written')
})

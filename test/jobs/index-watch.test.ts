import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { openDatabase } from '../../src/store/db.js'
import { auth, buildTestApp, entryBody } from '../helper.js'

// The watch looks every 2 s (src/jobs/index-watch.ts); these tests wait for it, never for a time.
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const reloads = (logFile: string) => readFileSync(logFile, 'utf8').split('\n').filter((line) => line.includes('reloading the index')).length
const attempt = { channel: 'phone', prisoner: 'A1234BC', phone: '07700900123' }

t.test('an edit by another connection that keeps the count of entries reloads the index', async (t) => {
  const { app, dir } = await buildTestApp(t)
  await app.ready()
  const created = (await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })).json()
  const check = async () => (await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: attempt })).json().decision
  t.equal(await check(), 'block')
  // An operator's script ends the entry yesterday: still one active entry, but no longer in force.
  const other = openDatabase(join(dir, 'upc-guard.db'))
  other.prepare('UPDATE entries SET expires_at = ? WHERE id = ?').run(Date.now() - 86_400_000, created.id)
  other.close()
  let seen = 'block'
  for (let i = 0; i < 60 && seen !== 'allow'; i++) {
    await sleep(100)
    seen = await check()
  }
  t.equal(seen, 'allow', 'the watch saw the edit and rebuilt the index')
})

t.test('the audit thread\'s commits and the daemon\'s own writes do not reload the index', async (t) => {
  t.testdir({})
  const logFile = join(t.testdirName, 'log')
  const { app } = await buildTestApp(t, { logFile })
  await app.ready()
  await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })
  // Checks audited for longer than two looks of the watch: the audit thread commits meanwhile.
  const until = Date.now() + 4500
  let checks = 0
  let notBlocked = 0
  while (Date.now() < until) {
    const res = await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: attempt })
    if (res.json().decision !== 'block') notBlocked++
    checks++
    if (checks % 200 === 0) {
      // One more write of our own now and then, on the daemon's connection.
      await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: [`07700 900${String(100 + (checks / 200)).padStart(3, '0')}`] }) })
      await sleep(250)
    }
  }
  t.ok(checks > 200, 'checks ran for the whole time')
  t.equal(notBlocked, 0, 'the entry blocked throughout')
  const audited = (await app.inject({ method: 'GET', url: '/v1/audit?action=check&limit=1', headers: auth('admin') })).json()
  t.ok(audited.items.length === 1, 'the checks were audited (by the thread)')
  t.equal(reloads(logFile), 0, 'no reload')
})

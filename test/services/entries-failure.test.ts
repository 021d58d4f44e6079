import t from 'tap'
import Database from 'better-sqlite3'
import { auth, buildTestApp, entryBody } from '../helper.js'

/**
 * A write that fails in the store must change nothing: no half entry, no audit row, and the index
 * exactly as before, so what blocked still blocks and nothing new is half-blocked. The fault is a
 * trigger added from a second connection behind the daemon's back.
 */
t.test('a failed create leaves no half entry and the index unchanged', async (t) => {
  const { app, config } = await buildTestApp(t)
  const kept = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })
  t.equal(kept.statusCode, 201)
  const version = (await app.inject({ method: 'GET', url: '/readyz' })).json().indexVersion

  const saboteur = new Database(config.db)
  t.teardown(() => saboteur.close())
  saboteur.exec("CREATE TRIGGER fail_details BEFORE INSERT ON entry_details BEGIN SELECT RAISE(ABORT, 'disk says no'); END")

  const failed = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: ['07700 900555'] }) })
  t.equal(failed.statusCode, 503)
  t.same(failed.json(), { error: 'store_unavailable', message: 'the store could not be written; nothing was changed' })
  t.equal(saboteur.prepare('SELECT COUNT(*) FROM entries').pluck().get(), 1, 'no half entry')
  t.equal(saboteur.prepare("SELECT COUNT(*) FROM audit WHERE action = 'entry.create'").pluck().get(), 1, 'no audit row for it')
  t.equal((await app.inject({ method: 'GET', url: '/readyz' })).json().indexVersion, version, 'the index did not move')
  const check = (phone: string) => app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone } })
  t.equal((await check('07700 900555')).json().decision, 'allow', 'the failed entry does not half-exist in the index')
  t.equal((await check('07700 900123')).json().decision, 'block', 'what blocked still blocks')
})

t.test('a failed lift keeps the block in force', async (t) => {
  const { app, config } = await buildTestApp(t)
  const entry = (await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })).json()
  const saboteur = new Database(config.db)
  t.teardown(() => saboteur.close())
  saboteur.exec("CREATE TRIGGER fail_audit BEFORE INSERT ON audit WHEN NEW.action = 'entry.lift' BEGIN SELECT RAISE(ABORT, 'disk says no'); END")

  const lift = await app.inject({ method: 'POST', url: `/v1/entries/${entry.id}/lift`, headers: auth('admin'), payload: { reason: 'Person asked' } })
  t.equal(lift.statusCode, 503)
  t.equal(saboteur.prepare('SELECT status FROM entries WHERE id = ?').pluck().get(entry.id), 'active', 'the lift rolled back with its audit row')
  const check = await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: '07700 900123' } })
  t.equal(check.json().decision, 'block')
  const read = await app.inject({ method: 'GET', url: `/v1/entries/${entry.id}`, headers: auth('admin') })
  t.equal(read.json().status, 'active')
})

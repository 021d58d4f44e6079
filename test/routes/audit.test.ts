import { createHmac } from 'node:crypto'
import t from 'tap'
import { HASH_KEY, auth, buildTestApp, entryBody } from '../helper.js'

t.test('every create, lift and check decision is in the audit trail, newest first, with no contact detail', async (t) => {
  const start = Date.parse('2026-11-23T10:00:00Z')
  let now = start
  const { app } = await buildTestApp(t, { clock: () => now })
  now = start + 1000
  const entry = (await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })).json()
  now = start + 2000
  await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: '07700 900123' } })
  now = start + 3000
  await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: '07700 900999' } })
  now = start + 4000
  await app.inject({ method: 'POST', url: `/v1/entries/${entry.id}/lift`, headers: auth('admin'), payload: { reason: 'Person asked for contact again' } })

  const res = await app.inject({ method: 'GET', url: '/v1/audit', headers: auth('admin') })
  t.equal(res.statusCode, 200)
  const items = res.json().items
  t.same(items.map((row: { action: string }) => row.action), ['entry.lift', 'check.decide', 'check.decide', 'entry.create'])
  t.same(items.map((row: { actor: string }) => row.actor), ['spoc', 'pbx', 'pbx', 'spoc'])
  // A reason is named by its keyed hash (HMAC-SHA-256 under the daemon key, 24 hex digits), never its text.
  const reasonHash = (text: string) => createHmac('sha256', HASH_KEY).update(`reason\0${text}`).digest('hex').slice(0, 24)
  t.same([items[0].reason, items[0].detail], [null, { reasonHash: reasonHash('Person asked for contact again') }])
  t.equal(items[3].reason, null)
  t.equal(items[3].detail.reasonHash, reasonHash('Victim asked for no contact from the establishment'))
  t.equal(items[3].entryId, entry.id)
  t.same(items[3].detail.details, { phones: 1, emails: 1, addresses: 1 })
  t.equal(items[2].detail.decision, 'block')
  t.same(items[2].detail.entryIds, [entry.id])
  t.equal(items[1].detail.decision, 'allow')
  t.match(items[1].detail.keyHashes[0], /^[0-9a-f]{24}$/)
  t.equal(items[3].at, '2026-11-23T10:00:01.000Z')
  t.notMatch(res.body, /7700|900123|victim@|acacia|LS1/i, 'no contact detail in the trail')
  t.notMatch(res.body, /asked for/, 'no reason\'s text in the trail')

  const forEntry = await app.inject({ method: 'GET', url: `/v1/audit?entryId=${entry.id}&action=entry.lift`, headers: auth('admin') })
  t.same(forEntry.json().items.map((row: { action: string }) => row.action), ['entry.lift'])
  const byActor = await app.inject({ method: 'GET', url: '/v1/audit?actor=pbx', headers: auth('admin') })
  t.equal(byActor.json().items.length, 2)
  const window = await app.inject({ method: 'GET', url: '/v1/audit?from=2026-11-23T10:00:02Z&to=2026-11-23T10:00:03Z', headers: auth('admin') })
  t.equal(window.json().items.length, 2)
  const page = await app.inject({ method: 'GET', url: '/v1/audit?limit=3', headers: auth('admin') })
  t.equal(page.json().items.length, 3)
  const next = await app.inject({ method: 'GET', url: `/v1/audit?limit=3&before=${page.json().next}`, headers: auth('admin') })
  t.same(next.json().items.map((row: { action: string }) => row.action), ['entry.create'])
  t.equal(next.json().next, null)
})

t.test('the audit table refuses updates and deletes', async (t) => {
  const { app, config } = await buildTestApp(t)
  await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })
  const { default: Database } = await import('better-sqlite3')
  const db = new Database(config.db)
  t.throws(() => db.prepare("UPDATE audit SET reason = 'changed'").run(), /append-only/)
  t.throws(() => db.prepare('DELETE FROM audit').run(), /append-only/)
  db.close()
})

import t from 'tap'
import { ajv } from '../../src/schemas/ajv.js'
import { feedChange, feedPage } from '../../src/schemas/feed.js'
import { auth, buildTestApp, entryBody } from '../helper.js'

t.test('the feed pages the changes that concern the caller\'s establishment, oldest first', async (t) => {
  const { app } = await buildTestApp(t, { env: { UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB' } })
  const make = async (body: Record<string, unknown>) => (await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ emails: [], addresses: [], ...body }) })).json()
  const a = await make({ scope: 'establishment', establishment: 'HLI', phones: ['07700 900801'] })
  await make({ scope: 'establishment', establishment: 'LEI', phones: ['07700 900802'] })
  const c = await make({ scope: 'national', phones: ['07700 900803'] })
  const d = await make({ scope: 'prisoner', prisoner: 'A1234BC', establishment: 'HLI', phones: ['07700 900804'] })
  const page = async (query: string) => (await app.inject({ method: 'GET', url: `/v1/feed?${query}`, headers: auth('feed') })).json()

  const all = await page('since=0')
  t.same(all.changes.map((c: { entry: { id: string } }) => c.entry.id), [a.id, c.id, d.id], 'HLI\'s, national and its prisoner\'s; not LEI\'s')
  t.same(all.changes.map((c: { seq: number }) => c.seq), [1, 3, 4])
  t.equal(all.next, 4)
  t.equal(all.hasMore, false)
  t.same(all.changes[0].entry.phones, ['07700 900801'], 'the details as entered')
  // What the hub sends passes the schema the establishment checks it with.
  t.ok(ajv.validate(feedPage, all), 'the page envelope')
  for (const change of all.changes) t.ok(ajv.validate(feedChange, change), `change ${change.seq}`)
  t.notOk('keys' in all.changes[0].entry)

  const first = await page('since=0&limit=2')
  t.same([first.changes.length, first.next, first.hasMore], [2, 3, true])
  const rest = await page(`since=${first.next}&limit=2`)
  t.same([rest.changes.length, rest.next, rest.hasMore], [1, 4, false])
  const none = await page('since=4')
  t.same(none, { changes: [], next: 4, hasMore: false })

  // A lift moves the entry to the end of the log: compacted, it appears once, in its latest state.
  await app.inject({ method: 'POST', url: `/v1/entries/${a.id}/lift`, headers: auth('admin'), payload: { reason: 'Asked' } })
  const after = await page('since=0')
  t.same(after.changes.map((c: { entry: { id: string } }) => c.entry.id), [c.id, d.id, a.id])
  t.equal(after.changes[2].entry.status, 'lifted')
  t.equal(after.changes[2].seq, 5)
  for (const change of after.changes) t.ok(ajv.validate(feedChange, change), `lifted change ${change.seq}`)
  t.same((await page('since=4')).changes.map((c: { seq: number }) => c.seq), [5])
})

t.test('a feed client must have an establishment; bad cursors are 400', async (t) => {
  const { app } = await buildTestApp(t, {
    env: { UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB', UPC_TOKENS: JSON.stringify([{ name: 'lost', roles: ['feed'], token: 'lost-feed-ed0d7562582c84f7ea884cac' }]) }
  })
  const res = await app.inject({ method: 'GET', url: '/v1/feed', headers: { authorization: 'Bearer lost-feed-ed0d7562582c84f7ea884cac' } })
  t.equal(res.statusCode, 403)
  t.match(res.json().message, /no establishment/)
  const bad = await app.inject({ method: 'GET', url: '/v1/feed?since=-1', headers: { authorization: 'Bearer lost-feed-ed0d7562582c84f7ea884cac' } })
  t.equal(bad.statusCode, 400)
})

t.test('POST /v1/sync with no upstream says so; GET /v1/sync shows sync off', async (t) => {
  const { app } = await buildTestApp(t)
  const post = await app.inject({ method: 'POST', url: '/v1/sync', headers: auth('admin') })
  t.equal(post.statusCode, 409)
  t.equal(post.json().error, 'sync_off')
  const status = (await app.inject({ method: 'GET', url: '/v1/sync', headers: auth('admin') })).json()
  t.equal(status.configured, false)
  t.equal(status.staleness, 'fresh')
  t.equal((await app.inject({ method: 'GET', url: '/readyz' })).json().status, 'ready')
})

t.test('at the hub: establishment required where it cannot be known', async (t) => {
  const { app } = await buildTestApp(t, { env: { UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB' } })
  const estab = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ scope: 'establishment' }) })
  t.equal(estab.statusCode, 400)
  t.match(estab.json().message, /establishment is required at the hub/)
  const prisoner = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ scope: 'prisoner', prisoner: 'Z9999ZZ' }) })
  t.equal(prisoner.statusCode, 400)
  t.match(prisoner.json().message, /does not know where this prisoner is held/)
})

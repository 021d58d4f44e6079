import t from 'tap'
import { auth, buildTestApp, entryBody } from '../helper.js'

const T0 = Date.parse('2026-12-07T09:00:00Z')
const MIN = 60_000
const A = 'A1234BC'
const B = 'B2345CD'

t.test('GET /v1/entries/:id/attempts: blocked attempts on the block, newest first, counted, paged, with audit ids and the links that cover them', async (t) => {
  let now = T0
  const { app } = await buildTestApp(t, { clock: () => now })
  const block = (await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })).json()
  const other = (await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: ['020 7946 0123'], emails: [], addresses: [] }) })).json()
  const check = (payload: object) => app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload })
  // By hand: A rings at +1, B writes at +2, A emails at +3, A rings at +4; A rings the other block
  // and an unblocked number, which are not this block's.
  const tries: Array<[number, object]> = [
    [1, { channel: 'phone', prisoner: A, phone: '07700 900123' }],
    [2, { channel: 'mail', prisoner: B, address: 'Flat 2, 14 Acacia Avenue, Leeds LS1 4AP' }],
    [3, { channel: 'email', prisoner: A, email: 'jane.victim@example.org' }],
    [4, { channel: 'phone', prisoner: A, phone: '+44 7700 900123' }],
    [5, { channel: 'phone', prisoner: A, phone: '020 7946 0123' }],
    [6, { channel: 'phone', prisoner: A, phone: '07700 900999' }]
  ]
  for (const [minute, payload] of tries) {
    now = T0 + minute * MIN
    t.equal((await check(payload)).json().decision, minute === 6 ? 'allow' : 'block')
  }

  const res = await app.inject({ method: 'GET', url: `/v1/entries/${block.reference}/attempts`, headers: auth('admin') })
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.same([body.entryId, body.reference, body.establishment], [block.id, block.reference, 'HLI'])
  t.same(body.items.map((a: any) => [a.at, a.prisoner, a.channel, a.establishment, a.client]), [ // eslint-disable-line @typescript-eslint/no-explicit-any
    [new Date(T0 + 4 * MIN).toISOString(), A, 'phone', 'HLI', 'pbx'],
    [new Date(T0 + 3 * MIN).toISOString(), A, 'email', 'HLI', 'pbx'],
    [new Date(T0 + 2 * MIN).toISOString(), B, 'mail', 'HLI', 'pbx'],
    [new Date(T0 + MIN).toISOString(), A, 'phone', 'HLI', 'pbx']
  ])
  t.same(body.counts, {
    total: 4,
    byPrisoner: [{ prisoner: A, attempts: 3 }, { prisoner: B, attempts: 1 }],
    byChannel: [{ channel: 'phone', attempts: 2 }, { channel: 'email', attempts: 1 }, { channel: 'mail', attempts: 1 }]
  })
  t.equal(body.next, null)

  // Each attempt is its audit row: the same id, and the anchor of the chain's link that covers it.
  const audit = (await app.inject({ method: 'GET', url: `/v1/audit?entryId=${block.id}&action=check.decide`, headers: auth('admin') })).json().items
  t.same(body.items.map((a: { auditId: number }) => a.auditId), audit.map((row: { id: number }) => row.id))
  for (const item of body.items) t.match(item.link, /^L[1-9][0-9]*:[0-9a-f]{64}$/, 'an anchor: a link and its MAC')

  const page = (await app.inject({ method: 'GET', url: `/v1/entries/${block.id}/attempts?limit=3`, headers: auth('admin') })).json()
  t.equal(page.items.length, 3)
  t.equal(page.next, page.items[2].auditId)
  const rest = (await app.inject({ method: 'GET', url: `/v1/entries/${block.id}/attempts?limit=3&before=${page.next}`, headers: auth('admin') })).json()
  t.same(rest.items.map((a: { at: string }) => a.at), [new Date(T0 + MIN).toISOString()])
  t.equal(rest.counts.total, 4, 'the counts are the period\'s, not the page\'s')

  const period = (await app.inject({ method: 'GET', url: `/v1/entries/${block.id}/attempts?from=${new Date(T0 + 2 * MIN).toISOString()}&to=${new Date(T0 + 3 * MIN).toISOString()}`, headers: auth('admin') })).json()
  t.same(period.items.map((a: { channel: string }) => a.channel), ['email', 'mail'])
  t.same(period.counts.byPrisoner, [{ prisoner: A, attempts: 1 }, { prisoner: B, attempts: 1 }])

  const others = (await app.inject({ method: 'GET', url: `/v1/entries/${other.id}/attempts`, headers: auth('admin') })).json()
  t.same(others.items.map((a: { prisoner: string }) => a.prisoner), [A])
  t.notMatch(res.body + JSON.stringify(others), /900123|7946|example\.org|Acacia|LS1|Jane/, 'no detail tried, no protected person')

  t.equal((await app.inject({ method: 'GET', url: '/v1/entries/00000000-0000-4000-8000-000000000000/attempts', headers: auth('admin') })).statusCode, 404)
  const bad = await app.inject({ method: 'GET', url: `/v1/entries/${block.id}/attempts?from=yesterday`, headers: auth('admin') })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().message, /from/)
  t.equal((await app.inject({ method: 'GET', url: `/v1/entries/${block.id}/attempts`, headers: auth('check') })).statusCode, 403)
})

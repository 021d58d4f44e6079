import t from 'tap'
import { CLOCK_SKEW_MS, stalenessOf } from '../../src/domain/staleness.js'
import { TOKENS, auth, buildTestApp, entryBody } from '../helper.js'

/**
 * The wall clock steps (an NTP correction, a VM resumed, an operator's mistake): every decision is
 * judged at the moment of the check by the clock as it is then (docs/MATCHING.md), and a clock stepped
 * backwards never makes a stale copy of the hub's entries look fresh.
 */
const T0 = Date.parse('2026-12-01T12:00:00.000Z')
const HOUR = 3_600_000

t.test('an entry with a window blocks by the clock at each check, however the clock steps', async (t) => {
  let now = T0
  const { app } = await buildTestApp(t, { clock: () => now })
  const created = await app.inject({
    method: 'POST',
    url: '/v1/entries',
    headers: auth('admin'),
    payload: entryBody({ effectiveFrom: new Date(T0 + HOUR).toISOString(), expiresAt: new Date(T0 + 2 * HOUR).toISOString() })
  })
  t.equal(created.statusCode, 201)
  const check = async () => (await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: '07700 900123' } })).json().decision
  const batch = async () => (await app.inject({ method: 'POST', url: '/v1/check/batch', headers: auth('check'), payload: { items: [{ channel: 'email', prisoner: 'A1234BC', email: 'Jane.Victim@example.org' }] } })).json().results[0].decision
  const phoneGet = async () => (await app.inject({ method: 'GET', url: '/v1/check/phone?prisoner=A1234BC&number=%2B447700900123', headers: auth('check') })).json().decision

  // [where the clock is, what every kind of check must say]
  const steps: Array<[string, number, 'block' | 'allow']> = [
    ['before effectiveFrom', T0, 'allow'],
    ['forward into the window', T0 + HOUR + 1, 'block'],
    ['back before effectiveFrom', T0 + HOUR - 1, 'allow'],
    ['forward to the last millisecond', T0 + 2 * HOUR - 1, 'block'],
    ['forward onto expiresAt', T0 + 2 * HOUR, 'allow'],
    ['a day past expiresAt', T0 + 26 * HOUR, 'allow'],
    ['back into the window', T0 + 1.5 * HOUR, 'block'],
    ['back a year', T0 - 365 * 24 * HOUR, 'allow'],
    ['forward into the window again', T0 + HOUR, 'block']
  ]
  for (const [what, at, expected] of steps) {
    now = at
    t.same([await check(), await batch(), await phoneGet()], [expected, expected, expected], what)
  }
  const read = (await app.inject({ method: 'GET', url: `/v1/entries/${created.json().id as string}`, headers: auth('admin') })).json()
  t.equal(read.status, 'active', 'the expiry is judged, not written: the entry itself never changed')
})

t.test('a lift made while the clock was ahead still holds when the clock steps back', async (t) => {
  let now = T0 + 10 * HOUR
  const { app } = await buildTestApp(t, { clock: () => now })
  const entry = (await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })).json()
  await app.inject({ method: 'POST', url: `/v1/entries/${entry.id as string}/lift`, headers: auth('admin'), payload: { reason: 'Person asked' } })
  now = T0
  const check = await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: '07700 900123' } })
  t.equal(check.json().decision, 'allow', 'a lift is a fact, not a time window')
  const again = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: ['07700 900124'] }) })
  t.equal(again.statusCode, 201, 'writes go on with the clock behind the newest record')
})

t.test('staleness with the clock stepping: backwards is unknown, so stale; never a crash', async (t) => {
  const limits = { warnAfterSeconds: 300, failAfterSeconds: 1800 }
  t.equal(stalenessOf(T0, T0, limits), 'fresh')
  t.equal(stalenessOf(T0, T0 - CLOCK_SKEW_MS, limits), 'fresh', 'an NTP-sized correction changes nothing')
  t.equal(stalenessOf(T0, T0 - CLOCK_SKEW_MS - 1, limits), 'fail', 'past the skew, a last success in the future has no known age')
  t.equal(stalenessOf(T0, T0 - 365 * 24 * HOUR, limits), 'fail', 'a year back does not look fresh for a year')
  t.equal(stalenessOf(T0, T0 + 301_000, limits), 'warn')
  t.equal(stalenessOf(T0, T0 + 1_801_000, limits), 'fail')
  t.equal(stalenessOf(T0, Number.NaN, limits), 'fail', 'a clock that gives NaN is no clock')
})

t.test('a daemon syncing from a hub refuses checks after a backward step until a sync succeeds', async (t) => {
  let now = T0
  const emptyPage = () => new Response(JSON.stringify({ changes: [], next: 0, hasMore: false }), { status: 200, headers: { 'content-type': 'application/json' } })
  const { app } = await buildTestApp(t, {
    clock: () => now,
    fetch: (async () => emptyPage()) as typeof fetch,
    env: { UPC_UPSTREAM_URL: 'http://127.0.0.1:1', UPC_UPSTREAM_TOKEN: TOKENS.feed, UPC_SYNC_CRON: '0 0 1 1 *' }
  })
  await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody() })
  t.equal((await app.inject({ method: 'POST', url: '/v1/sync', headers: auth('admin') })).json().ok, true)
  const check = () => app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: '07700 900123' } })
  const ready = async () => (await app.inject({ method: 'GET', url: '/readyz' })).json().staleness

  t.equal((await check()).json().decision, 'block')
  now = T0 - 24 * HOUR
  const refused = await check()
  t.equal(refused.statusCode, 503, 'a day back: the copy\'s age is unknown')
  t.equal(refused.json().decision, 'unavailable')
  t.equal(await ready(), 'fail')
  now = T0 + 60_000
  t.equal((await check()).json().decision, 'block', 'the clock put right: fresh again')
  now = T0 + 31 * 60_000
  t.equal((await check()).statusCode, 503, 'forward past failAfter: stale')
  now = T0 - 24 * HOUR
  t.equal((await app.inject({ method: 'POST', url: '/v1/sync', headers: auth('admin') })).json().ok, true)
  t.equal(await ready(), 'fresh', 'a sync at the new time makes the copy fresh by the new clock')
  t.equal((await check()).json().decision, 'block')
})

import t from 'tap'
import type { Test } from 'tap'
import { TOKENS, auth, buildTestApp, hubEntry, signPage } from '../helper.js'

const ID1 = '11111111-1111-4111-8111-111111111111'
const ID2 = '22222222-2222-4222-8222-222222222222'
const ID3 = '33333333-3333-4333-8333-333333333333'

const HLI_ENTRY = (id: string, phone: string, times: Record<string, string | null> = {}) => hubEntry(id, [phone], times)

type Page = { changes: Array<{ seq: number, op: 'upsert', entry: ReturnType<typeof HLI_ENTRY> }>, next: number, hasMore: boolean }

/**
 * An establishment whose hub serves the given pages, one a fetch. Every daemon syncs once when it
 * starts: that run is given an empty page and awaited, so the pages go to the runs the test makes.
 */
async function establishment (t: Test, pages: Page[]) {
  const replies: Page[] = [{ changes: [], next: 0, hasMore: false }, ...pages]
  const fetchImpl = (async () => new Response(JSON.stringify(signPage(replies.shift() ?? { changes: [], next: 0, hasMore: false })), { status: 200 })) as typeof fetch
  const built = await buildTestApp(t, {
    fetch: fetchImpl,
    env: { UPC_ESTABLISHMENT: 'HLI', UPC_UPSTREAM_URL: 'http://127.0.0.1:1', UPC_UPSTREAM_TOKEN: TOKENS.feed, UPC_SYNC_CRON: '0 0 1 1 *' }
  })
  await built.app.ready()
  for (let i = 0; i < 200; i++) {
    const status = (await built.app.inject({ method: 'GET', url: '/v1/sync', headers: auth('admin') })).json()
    if (status.lastAttemptAt !== null && status.running === false) break
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return built.app
}

type App = Awaited<ReturnType<typeof establishment>>
const run = async (app: App) => (await app.inject({ method: 'POST', url: '/v1/sync', headers: auth('admin') })).json()
const decision = async (app: App, phone: string) =>
  (await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone } })).json().decision
const status = async (app: App) => (await app.inject({ method: 'GET', url: '/v1/sync', headers: auth('admin') })).json()

t.test('feed entries whose dates pass the old schema but do not read are quarantined, never stored', async (t) => {
  const page: Page = {
    changes: [
      { seq: 1, op: 'upsert', entry: HLI_ENTRY(ID1, '07700 900501', { expiresAt: '2099-01-01T00:00:00+01' }) },
      { seq: 2, op: 'upsert', entry: HLI_ENTRY(ID2, '07700 900502', { effectiveFrom: '2020-01-01T00:00:00+01' }) },
      { seq: 3, op: 'upsert', entry: HLI_ENTRY(ID3, '07700 900503', { expiresAt: '2099-12-31T23:59:60Z' }) }
    ],
    next: 3,
    hasMore: false
  }
  const app = await establishment(t, [page])
  const report = await run(app)
  t.same([report.ok, report.applied, report.quarantined, report.cursor], [true, 0, 3, 3], 'three quarantined, none applied, the cursor past them')
  const reasons = (await status(app)).quarantine.map((q: { entryId: string, reason: string }) => [q.entryId, q.reason])
  t.same(reasons.sort(), [
    [ID1, 'the item does not match the feed schema: entry.expiresAt must match format "date-time"'],
    [ID2, 'the item does not match the feed schema: entry.effectiveFrom must match format "date-time"'],
    [ID3, 'the item does not match the feed schema: entry.expiresAt must match format "date-time"']
  ], 'each reason names the field')
  t.equal((await app.inject({ method: 'GET', url: '/v1/entries', headers: auth('admin') })).json().total, 0, 'nothing stored')
})

t.test('a quarantined update of an entry held here leaves its block in force', async (t) => {
  const phone = '07700 900511'
  const pages: Page[] = [
    { changes: [{ seq: 1, op: 'upsert', entry: HLI_ENTRY(ID1, phone) }], next: 1, hasMore: false },
    // An end that does not read: had it been stored as NaN, the index would have let calls through.
    { changes: [{ seq: 2, op: 'upsert', entry: HLI_ENTRY(ID1, phone, { expiresAt: '2099-01-01T00:00:00+01' }) }], next: 2, hasMore: false },
    // A start that does not read.
    { changes: [{ seq: 3, op: 'upsert', entry: HLI_ENTRY(ID1, phone, { effectiveFrom: '2020-01-01T00:00:00+01' }) }], next: 3, hasMore: false },
    // A lift whose time does not read, and a lift with no time at all.
    { changes: [{ seq: 4, op: 'upsert', entry: HLI_ENTRY(ID1, phone, { status: 'lifted', liftedAt: '2099-12-31T23:59:60Z', liftedBy: 'hub-spoc', liftReason: 'Asked' }) }], next: 4, hasMore: false },
    { changes: [{ seq: 5, op: 'upsert', entry: HLI_ENTRY(ID1, phone, { status: 'lifted', liftedAt: null, liftedBy: 'hub-spoc', liftReason: 'Asked' }) }], next: 5, hasMore: false },
    // Then a lift that reads: it applies.
    { changes: [{ seq: 6, op: 'upsert', entry: HLI_ENTRY(ID1, phone, { status: 'lifted', liftedAt: '2026-11-21T10:00:00+01:00', liftedBy: 'hub-spoc', liftReason: 'Asked' }) }], next: 6, hasMore: false }
  ]
  const app = await establishment(t, pages)
  t.same([(await run(app)).applied, await decision(app, phone)], [1, 'block'], 'the entry arrives and blocks')
  const expected = [
    [2, /entry\.expiresAt must match format "date-time"/],
    [3, /entry\.effectiveFrom must match format "date-time"/],
    [4, /entry\.liftedAt must match format "date-time"/],
    [5, /^liftedAt must be set exactly when status is lifted$/]
  ] as const
  for (const [cursor, reason] of expected) {
    const report = await run(app)
    t.same([report.ok, report.applied, report.quarantined, report.cursor], [true, 0, 1, cursor], `update ${cursor} quarantined`)
    t.match((await status(app)).quarantine[0]?.reason, reason)
    t.equal(await decision(app, phone), 'block', `after update ${cursor} the block holds`)
    const stored = (await app.inject({ method: 'GET', url: `/v1/entries/${ID1}`, headers: auth('admin') })).json()
    t.same([stored.status, stored.effectiveFrom, stored.expiresAt, stored.liftedAt], ['active', null, null, null], 'the stored entry is as it was')
  }
  const lift = await run(app)
  t.same([lift.ok, lift.applied, lift.quarantined], [true, 1, 0])
  t.equal(await decision(app, phone), 'allow', 'a lift that reads lifts the block')
  const lifted = (await app.inject({ method: 'GET', url: `/v1/entries/${ID1}`, headers: auth('admin') })).json()
  t.equal(lifted.liftedAt, '2026-11-21T09:00:00.000Z', 'the lift time read with its offset, stored in UTC')
})

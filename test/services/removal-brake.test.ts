import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import { rotateDataKey } from '../../src/services/key-rotation.js'
import { openDatabase } from '../../src/store/db.js'
import { HASH_KEY, TOKENS, auth, buildTestApp, hubEntry, signPage, tempDir, writeKeyFiles } from '../helper.js'

type App = Awaited<ReturnType<typeof buildTestApp>>['app']

const ENTRY = (id: string, phones: string[], over: Record<string, unknown> = {}) => hubEntry(id, phones, over)
const LIFTED = { status: 'lifted', liftedAt: '2026-12-01T10:00:00.000Z', liftedBy: 'hub-spoc', liftReason: 'Asked' }

/** Entry ids and Ofcom drama numbers: block i is `idOf(i)`, blocking 07700 900(100 + i). */
const idOf = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`
const phoneOf = (i: number) => `07700 900${100 + i}`

type Page = { changes: unknown[], next: number, hasMore: boolean }

/**
 * A scripted hub: each fetch takes the next page; once the script is spent, an empty page at the
 * last cursor given (a hub with nothing new).
 */
function scriptedHub () {
  const pages: Page[] = []
  let last = 0
  const fetchImpl = (async () => {
    const page = pages.shift() ?? { changes: [], next: last, hasMore: false }
    last = Math.max(last, page.next)
    return new Response(JSON.stringify(signPage(page)), { status: 200, headers: { 'content-type': 'application/json' } })
  }) as unknown as typeof fetch
  return { pages, fetchImpl }
}

/** An establishment pulling from the script, on a clock the test moves; its start-up run is done. */
async function establishment (t: Test, hub: ReturnType<typeof scriptedHub>, clock: () => number, options: { dir?: string, env?: Record<string, string> } = {}) {
  const built = await buildTestApp(t, {
    clock,
    fetch: hub.fetchImpl,
    ...(options.dir === undefined ? {} : { dir: options.dir }),
    env: { UPC_UPSTREAM_URL: 'https://hub.invalid', UPC_UPSTREAM_TOKEN: TOKENS.feed, UPC_SYNC_CRON: '0 0 1 1 *', ...options.env }
  })
  await built.app.ready()
  await run(built.app) // queued behind the run every daemon makes at start
  return built
}

const run = async (app: App) => {
  const res = await app.inject({ method: 'POST', url: '/v1/sync', headers: auth('admin') })
  if (res.statusCode !== 200) throw new Error(`sync answered ${res.statusCode}`)
  return res.json() as { ok: boolean, applied: number, removed: number, held: number, cursor: number, error: string | null }
}
const decision = async (app: App, phone: string, prisoner = 'A1234BC') =>
  (await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner, phone } })).json().decision as string
const heldList = async (app: App) => (await app.inject({ method: 'GET', url: '/v1/sync/held', headers: auth('admin') })).json()
const trail = async (app: App, action: string) =>
  (await app.inject({ method: 'GET', url: `/v1/audit?action=${action}&limit=500`, headers: auth('admin') })).json().items as Array<{ actor: string, entryId: string | null, reason: string | null, detail: Record<string, unknown> }>
const post = (app: App, url: string, payload: unknown) => app.inject({ method: 'POST', url, headers: auth('admin'), payload: payload as Record<string, unknown> })

/** Pages of upserts that make blocks `from` to `to` (seq i for block i). */
const makes = (from: number, to: number): Page => ({
  changes: Array.from({ length: to - from + 1 }, (_, k) => ({ seq: from + k, op: 'upsert', entry: ENTRY(idOf(from + k), [phoneOf(from + k)]) })),
  next: to,
  hasMore: false
})

t.test('a page that removes 100 blocks removes 10 (10% of 100); the other 90 keep blocking until a SPOC releases them', async (t) => {
  const hub = scriptedHub()
  const now = Date.parse('2026-12-07T12:00:00Z')
  const { app } = await establishment(t, hub, () => now)
  hub.pages.push(makes(1, 100))
  t.same((await run(app)).applied, 100, 'creations flow')
  hub.pages.push({ changes: Array.from({ length: 100 }, (_, k) => ({ seq: 101 + k, op: 'remove', entry: { id: idOf(1 + k) } })), next: 200, hasMore: false })
  const report = await run(app)
  // By hand: min(25, 10% of 100) = 10 removals; the other 90 wait.
  t.same([report.ok, report.removed, report.held, report.cursor], [true, 10, 90, 200], 'ten go, ninety are held, the cursor passes them')
  t.equal(await decision(app, phoneOf(1)), 'allow', 'the first ten removals in the feed\'s order were applied')
  t.equal(await decision(app, phoneOf(10)), 'allow')
  for (const i of [11, 50, 100]) t.equal(await decision(app, phoneOf(i)), 'block', `block ${i} keeps blocking`)
  const active = (await app.inject({ method: 'GET', url: '/v1/entries?status=active&limit=1', headers: auth('admin') })).json()
  t.equal(active.total, 90)

  const list = await heldList(app)
  t.same([list.total, list.threshold, list.appliedLastHour], [90, 10, 10])
  t.same(list.items[0], { id: list.items[0].id, entryId: idOf(11), requestRef: null, seq: 111, op: 'remove', kind: 'remove', heldAt: '2026-12-07T12:00:00.000Z', upstream: 'https://hub.invalid' })
  const ready = await app.inject({ method: 'GET', url: '/readyz' })
  t.same([ready.statusCode, ready.json().status, ready.json().heldRemovals], [200, 'degraded', 90], 'degraded, still ready: every held block blocks')
  const metrics = (await app.inject({ method: 'GET', url: '/metrics', headers: auth('metrics') })).body
  t.match(metrics, /^upc_sync_removals_held 90$/m)
  t.match(metrics, /^upc_sync_removals_held_total 90$/m)
  t.equal((await trail(app, 'sync.remove')).length, 10, 'each applied removal is in the trail')
  const holds = await trail(app, 'sync.hold')
  t.equal(holds.length, 90, 'each held one too')
  t.match(holds.at(-1), { actor: 'sync', entryId: idOf(11), detail: { seq: 111, kind: 'remove', upstream: 'hub.invalid' } })

  // The same page read again changes nothing: its seqs are behind the cursor.
  hub.pages.push({ changes: [{ seq: 150, op: 'remove', entry: { id: idOf(50) } }], next: 200, hasMore: false })
  t.same([(await run(app)).removed, (await heldList(app)).total], [0, 90])

  await t.test('release one, keep one blocking, release the rest: each audited with who and why', async (t) => {
    const [first, second] = list.items as Array<{ id: number, entryId: string }>
    const released = await post(app, '/v1/sync/held/release', { ids: [first?.id], reason: 'Checked with the national hub by phone' })
    t.equal(released.statusCode, 200)
    t.same(released.json(), { changes: [{ id: first?.id, entryId: idOf(11), kind: 'remove' }] })
    t.equal(await decision(app, phoneOf(11)), 'allow', 'released: the block is off')
    const kept = await post(app, '/v1/sync/held/discard', { ids: [second?.id], reason: 'The hub cannot say who lifted it' })
    t.equal(kept.statusCode, 200)
    t.equal(await decision(app, phoneOf(12)), 'block', 'discarded: the block keeps blocking')
    t.equal((await post(app, '/v1/sync/held/release', { ids: [second?.id], reason: 'Again' })).statusCode, 409, 'a discarded change cannot be released after')

    const [release] = await trail(app, 'sync.release')
    t.match(release, { actor: 'spoc', entryId: idOf(11), reason: 'Checked with the national hub by phone', detail: { held: first?.id, seq: 111, kind: 'remove', upstream: 'hub.invalid' } })
    const [discard] = await trail(app, 'sync.discard')
    t.match(discard, { actor: 'spoc', entryId: idOf(12), reason: 'The hub cannot say who lifted it' })

    const rest = await post(app, '/v1/sync/held/release', { all: true, reason: 'The hub confirmed the transfer of these prisoners' })
    t.equal(rest.json().changes.length, 88)
    t.equal(await decision(app, phoneOf(100)), 'allow')
    t.equal((await trail(app, 'sync.release')).length, 89)
    const after = await app.inject({ method: 'GET', url: '/readyz' })
    t.same([after.json().status, after.json().heldRemovals], ['ready', 0], 'nothing waits: ready again')
    const counted = (await app.inject({ method: 'GET', url: '/metrics', headers: auth('metrics') })).body
    t.match(counted, /^upc_sync_removals_held 0$/m)
    t.match(counted, /^upc_sync_removals_resolved_total\{outcome="released"\} 89$/m)
    t.match(counted, /^upc_sync_removals_resolved_total\{outcome="discarded"\} 1$/m)
  })
})

t.test('the hour rolls: small pages cannot get past it, a restart does not reset it, an hour later removals flow', async (t) => {
  const hub = scriptedHub()
  let now = Date.parse('2026-12-07T12:00:00Z')
  const dir = tempDir(t)
  const first = await establishment(t, hub, () => now, { dir })
  hub.pages.push(makes(1, 30))
  await run(first.app)
  const removes = (seq: number, ...blocks: number[]): Page => ({ changes: blocks.map((i, k) => ({ seq: seq + k, op: 'remove', entry: { id: idOf(i) } })), next: seq + blocks.length - 1, hasMore: false })
  // By hand: min(25, 10% of 30) = 3 an hour.
  hub.pages.push(removes(31, 1, 2))
  t.same([(await run(first.app)).removed], [2])
  now += 10 * 60 * 1000
  hub.pages.push(removes(33, 3, 4))
  const third = await run(first.app)
  t.same([third.removed, third.held], [1, 1])
  t.same((await heldList(first.app)).items.map((item: { entryId: string }) => item.entryId), [idOf(4)], 'the third goes, the fourth waits')
  await first.app.close()

  const second = await establishment(t, hub, () => now, { dir })
  now += 10 * 60 * 1000
  hub.pages.push(removes(35, 5))
  const fifth = await run(second.app)
  t.same([fifth.removed, fifth.held], [0, 1], 'after a restart the hour still counts three removals')
  t.equal(await decision(second.app, phoneOf(5)), 'block')
  now += 41 * 60 * 1000 // past an hour after the first two
  hub.pages.push(removes(36, 6, 7))
  const later = await run(second.app)
  t.same([later.removed, later.held], [2, 0], 'the first two have left the hour')
  t.same((await heldList(second.app)).items.map((item: { entryId: string }) => item.entryId), [idOf(4), idOf(5)])
})

t.test('every way an upsert can take a block off is a removal; changes that take nothing off apply', async (t) => {
  const hub = scriptedHub()
  const now = Date.parse('2026-12-07T12:00:00Z')
  // No removal without a person: every one is held, so each shows its kind.
  const { app } = await establishment(t, hub, () => now, { env: { UPC_SYNC_MAX_REMOVALS: '0' } })
  const address = '7 Rowan Close, Hull HU3 5QT'
  const before: Record<number, Record<string, unknown>> = {
    1: {},
    2: {},
    3: {},
    4: {},
    5: {},
    6: { phones: [phoneOf(6), '07700 900206'] },
    7: { phones: [], addresses: [address], protectedPerson: 'Jane Doe' },
    8: {},
    9: {},
    10: {},
    11: { ...LIFTED },
    12: { expiresAt: '2026-12-01T00:00:00.000Z' },
    13: { expiresAt: '2027-12-01T00:00:00.000Z' }
  }
  hub.pages.push({ changes: Object.entries(before).map(([i, over]) => ({ seq: Number(i), op: 'upsert', entry: ENTRY(idOf(Number(i)), [phoneOf(Number(i))], over) })), next: 13, hasMore: false })
  t.equal((await run(app)).applied, 13)
  const after: Record<number, Record<string, unknown> | null> = {
    1: { ...LIFTED },
    2: { expiresAt: '2026-12-07T11:00:00.000Z' }, // in the past
    3: { expiresAt: '2030-01-01T00:00:00.000Z' }, // ends, where it did not
    4: { effectiveFrom: '2026-12-31T00:00:00.000Z' }, // starts later
    5: { scope: 'prisoner', prisoner: 'B2345CD' }, // one prisoner, not all
    6: { phones: [phoneOf(6)] }, // a number dropped
    7: { phones: [], addresses: [address], protectedPerson: 'Jane Doe', addressMode: 'named' }, // only her letters
    8: null, // remove
    9: {}, // the same again
    10: { phones: [phoneOf(10), '07700 900210'] }, // a number added
    11: { ...LIFTED, reason: 'Victim asked again' }, // not blocking: nothing to take off
    12: { expiresAt: '2026-11-01T00:00:00.000Z' }, // expired already
    13: { expiresAt: '2028-12-01T00:00:00.000Z' } // ends later
  }
  hub.pages.push({
    changes: Object.entries(after).map(([i, over], k) => over === null
      ? { seq: 14 + k, op: 'remove', entry: { id: idOf(Number(i)) } }
      : { seq: 14 + k, op: 'upsert', entry: ENTRY(idOf(Number(i)), [phoneOf(Number(i))], { ...before[Number(i)], ...over }) }),
    next: 26,
    hasMore: false
  })
  const report = await run(app)
  t.same([report.applied, report.held], [5, 8])
  const kinds = Object.fromEntries((await heldList(app)).items.map((item: { entryId: string, kind: string }) => [item.entryId, item.kind]))
  t.same(kinds, {
    [idOf(1)]: 'lift',
    [idOf(2)]: 'expiry',
    [idOf(3)]: 'expiry',
    [idOf(4)]: 'start',
    [idOf(5)]: 'scope',
    [idOf(6)]: 'details',
    [idOf(7)]: 'address_mode',
    [idOf(8)]: 'remove'
  })
  for (const i of [1, 2, 3, 4, 5, 8]) t.equal(await decision(app, phoneOf(i), 'C3456DE'), 'block', `block ${i} keeps blocking every prisoner`)
  t.equal(await decision(app, '07700 900206'), 'block', 'the dropped number keeps blocking')
  t.equal(await decision(app, '07700 900210'), 'block', 'an added number applies')

  await t.test('a later change to a held block: one that keeps it supersedes the hold, another removal replaces it', async (t) => {
    hub.pages.push({
      changes: [
        { seq: 27, op: 'upsert', entry: ENTRY(idOf(1), [phoneOf(1)]) },
        { seq: 28, op: 'upsert', entry: ENTRY(idOf(8), [phoneOf(8)], LIFTED) }
      ],
      next: 28,
      hasMore: false
    })
    const again = await run(app)
    t.same([again.applied, again.held], [1, 1])
    const items = (await heldList(app)).items as Array<{ entryId: string, seq: number, kind: string }>
    t.equal(items.length, 7, 'block 1 no longer waits; block 8 waits once')
    t.match(items.find((item) => item.entryId === idOf(8)), { seq: 28, kind: 'lift' }, 'the latest change is the one a release applies')
    t.match(await trail(app, 'sync.supersede'), [{ entryId: idOf(1), detail: { seq: 27 } }])
    t.equal(await decision(app, phoneOf(1)), 'block')
    const released = await post(app, '/v1/sync/held/release', { all: true, reason: 'Confirmed with the national hub' })
    t.equal(released.json().changes.length, 7)
    const eight = (await app.inject({ method: 'GET', url: `/v1/entries/${idOf(8)}`, headers: auth('admin') })).json()
    t.same([eight.status, eight.liftReason], ['lifted', 'Asked'], 'the held lift is applied as the hub sent it')
    t.equal(await decision(app, phoneOf(5), 'C3456DE'), 'allow', 'the narrowed scope applies once released')
    t.equal(await decision(app, phoneOf(5), 'B2345CD'), 'block')
    t.equal(await decision(app, '07700 900206'), 'allow')
  })
})

t.test('a hub whose cursor goes back is refused: nothing it no longer lists comes off, the cursor stays', async (t) => {
  const hub = scriptedHub()
  const now = Date.parse('2026-12-07T12:00:00Z')
  const { app } = await establishment(t, hub, () => now, { env: { UPC_SYNC_MAX_REMOVALS_PERCENT: '100' } })
  hub.pages.push(makes(1, 5))
  await run(app)
  const rewinds: Page[] = [
    { changes: [], next: 0, hasMore: false }, // a hub restored from an empty backup
    { changes: [{ seq: 1, op: 'upsert', entry: ENTRY(idOf(1), [phoneOf(1)]) }], next: 1, hasMore: false }, // a snapshot of one block of five
    { changes: [{ seq: 2, op: 'remove', entry: { id: idOf(2) } }], next: 2, hasMore: false } // a replay of old seqs
  ]
  for (const page of rewinds) {
    hub.pages.push(page)
    const report = await run(app)
    t.same([report.ok, report.removed, report.cursor], [false, 0, 5])
    t.equal(report.error, 'the hub\'s cursor went back behind this establishment\'s')
  }
  hub.pages.push({ changes: [{ seq: 2, op: 'remove', entry: { id: idOf(2) } }], next: 5, hasMore: false })
  t.same((await run(app)).removed, 0, 'an old seq at our cursor is behind it: read, not applied')
  for (let i = 1; i <= 5; i++) t.equal(await decision(app, phoneOf(i)), 'block', `block ${i} still blocks`)
  const runs = await trail(app, 'sync')
  t.match(runs[1], { reason: 'the hub\'s cursor went back behind this establishment\'s', detail: { ok: false, cursor: 5 } }, 'the refusal is in the trail')
})

t.test('release and discard: a reason and a selection are required, named in a 400; over a real socket', async (t) => {
  const hub = scriptedHub()
  const now = Date.parse('2026-12-07T12:00:00Z')
  const { app } = await establishment(t, hub, () => now, { env: { UPC_SYNC_MAX_REMOVALS: '0' } })
  hub.pages.push(makes(1, 2))
  await run(app)
  hub.pages.push({ changes: [{ seq: 3, op: 'upsert', entry: ENTRY(idOf(1), [phoneOf(1)], LIFTED) }], next: 3, hasMore: false })
  t.equal((await run(app)).held, 1)
  const [held] = (await heldList(app)).items as Array<{ id: number }>
  const cases: Array<[unknown, RegExp]> = [
    [{ ids: [held?.id] }, /reason/],
    [{ ids: [held?.id], reason: '' }, /reason/],
    [{ reason: 'Checked' }, /ids/],
    [{ ids: [], reason: 'Checked' }, /ids/],
    [{ ids: [held?.id], all: true, reason: 'Checked' }, /ids or all/],
    [{ ids: [held?.id], reason: 'She said call 07700 900123' }, /reason must not contain/],
    [{ ids: ['one'], reason: 'Checked' }, /ids\/0/]
  ]
  for (const [body, message] of cases) {
    for (const url of ['/v1/sync/held/release', '/v1/sync/held/discard']) {
      const res = await post(app, url, body)
      t.equal(res.statusCode, 400, `${url} ${JSON.stringify(body)}`)
      t.match(res.json().message, message)
      t.notMatch(res.body, /07700/, 'the value is never echoed')
    }
  }
  t.equal((await post(app, '/v1/sync/held/release', { ids: [9999], reason: 'Checked' })).statusCode, 404)
  t.equal((await heldList(app)).total, 1, 'nothing changed')
  t.equal(await decision(app, phoneOf(1)), 'block')

  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  const res = await fetch(`http://127.0.0.1:${port}/v1/sync/held/release`, {
    method: 'POST',
    headers: { ...auth('admin'), 'content-type': 'application/json' },
    body: JSON.stringify({ ids: [held?.id], reason: 'Confirmed with the national hub' })
  })
  t.equal(res.status, 200)
  t.equal(await decision(app, phoneOf(1)), 'allow')
  t.equal((await post(app, '/v1/sync/held/release', { ids: [held?.id], reason: 'Again' })).statusCode, 409, 'released once only')
})

t.test('a held change is sealed like every stored detail, and rotate-key re-seals it', async (t) => {
  const hub = scriptedHub()
  const now = Date.parse('2026-12-07T12:00:00Z')
  const dir = tempDir(t)
  writeKeyFiles(dir)
  const env = { UPC_SYNC_MAX_REMOVALS: '0' }
  const first = await establishment(t, hub, () => now, { dir, env })
  hub.pages.push(makes(1, 2))
  await run(first.app)
  hub.pages.push({ changes: [{ seq: 3, op: 'upsert', entry: ENTRY(idOf(1), [phoneOf(1)], { ...LIFTED, liftReason: 'Asked by Jane Doe' }) }], next: 3, hasMore: false })
  t.equal((await run(first.app)).held, 1)
  await first.app.close()

  const db = openDatabase(join(dir, 'upc-guard.db'))
  t.match(db.prepare('SELECT item FROM held_changes').pluck().get(), /^aes1:/, 'the held item is sealed')
  const newKey = Buffer.alloc(32, 9)
  // By hand: two details (one phone each), the two entries' reasons and the held item.
  t.equal(rotateDataKey(db, join(dir, 'upc-guard.data.key'), () => now, { hashKey: HASH_KEY, newKey }).values, 5)
  db.close()

  const third = await buildTestApp(t, { dir, clock: () => now, dataKeys: [newKey], fetch: hub.fetchImpl, env: { UPC_UPSTREAM_URL: 'https://hub.invalid', UPC_UPSTREAM_TOKEN: TOKENS.feed, UPC_SYNC_CRON: '0 0 1 1 *', ...env } })
  const released = await post(third.app, '/v1/sync/held/release', { all: true, reason: 'Confirmed with the national hub' })
  t.equal(released.statusCode, 200, 'the held item opens under the new key')
  const entry = (await third.app.inject({ method: 'GET', url: `/v1/entries/${idOf(1)}`, headers: auth('admin') })).json()
  t.same([entry.status, entry.liftReason], ['lifted', 'Asked by Jane Doe'])
})

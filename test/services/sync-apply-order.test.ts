import t from 'tap'
import type { Test } from 'tap'
import { TOKENS, auth, buildTestApp, holdLock, hubEntry, signPage } from '../helper.js'

/** A hub entry for HLI with one drama-range phone. */
const HLI_ENTRY = (id: string, phone: string) => hubEntry(id, [phone])
const id = (i: number) => `${String(i).padStart(8, '0')}-3333-4333-8333-333333333333`

/** An establishment whose hub answers each fetch with the next page pushed, else an empty page. */
async function establishment (t: Test) {
  const pages: unknown[] = []
  const fetchImpl = (async () => new Response(JSON.stringify(signPage(pages.shift() ?? { changes: [], next: 0, hasMore: false })), { status: 200 })) as unknown as typeof fetch
  const built = await buildTestApp(t, {
    fetch: fetchImpl,
    env: { UPC_ESTABLISHMENT: 'HLI', UPC_UPSTREAM_URL: 'http://127.0.0.1:1', UPC_UPSTREAM_TOKEN: TOKENS.feed, UPC_SYNC_CRON: '0 0 1 1 *' }
  })
  await built.app.ready()
  // The run every daemon makes at start, given the empty page.
  for (let i = 0; i < 300; i++) {
    const status = (await built.app.inject({ method: 'GET', url: '/v1/sync', headers: auth('admin') })).json()
    if (status.lastAttemptAt !== null && status.running === false) break
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return { ...built, pages }
}

const run = async (app: Awaited<ReturnType<typeof buildTestApp>>['app']) =>
  (await app.inject({ method: 'POST', url: '/v1/sync', headers: auth('admin') })).json()

t.test('a quarantine only the store can tell (a local id) is audited after the check records queued before it', async (t) => {
  const { app, pages } = await establishment(t)
  const local = (await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: { scope: 'establishment', phones: ['07700 900761'], reason: 'Local block' } })).json()
  // A check record, queued in the audit writer (written within 200 ms, or at a flush).
  const check = await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: '07700 900761' } })
  t.equal(check.json().decision, 'block')
  // Nothing in this page can be told to be quarantined without the store: its items are well
  // formed, for HLI, with details that key.
  pages.push({ changes: [{ seq: 1, op: 'upsert', entry: HLI_ENTRY(local.id, '07700 900762') }, { seq: 2, op: 'upsert', entry: HLI_ENTRY(id(2), '07700 900763') }], next: 2, hasMore: false })
  const report = await run(app)
  t.same([report.ok, report.applied, report.quarantined], [true, 1, 1])
  const trail = (await app.inject({ method: 'GET', url: '/v1/audit?limit=50', headers: auth('admin') })).json().items as Array<{ id: number, action: string, entryId: string | null }>
  const checkRow = trail.find((row) => row.action === 'check.decide')
  const quarantineRow = trail.find((row) => row.action === 'sync.quarantine')
  t.ok(checkRow !== undefined && quarantineRow !== undefined, 'both are in the trail')
  t.equal(quarantineRow?.entryId, local.id)
  t.ok((checkRow?.id ?? Infinity) < (quarantineRow?.id ?? -Infinity), 'the check, made first, has the lower id: the writer was flushed before the quarantine')
  const status = (await app.inject({ method: 'GET', url: '/v1/sync', headers: auth('admin') })).json()
  t.equal(status.cursor, 2)
  t.same(status.quarantine.map((q: { reason: string }) => q.reason), ['the id belongs to an entry made at this establishment'])
})

t.test('a chunk that finds the store locked past the busy timeout is tried again: the run goes on and applies all', async (t) => {
  const { app, config, pages } = await establishment(t)
  const changes = Array.from({ length: 30 }, (_, i) => ({ seq: i + 1, op: 'upsert', entry: HLI_ENTRY(id(i + 1), `07700 900${String(800 + i)}`) }))
  pages.push({ changes, next: 30, hasMore: false })
  // 600 ms: past the daemon's 250 ms busy timeout once, within the retries.
  const lock = holdLock(config.db, 600)
  await lock.locked
  const report = await run(app)
  await lock.released
  t.equal(report.ok, true, 'the run did not fail on SQLITE_BUSY')
  t.equal(report.applied, 30)
  t.equal(report.cursor, 30)
  for (const i of [0, 29]) {
    const res = await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: `07700 900${String(800 + i)}` } })
    t.equal(res.json().decision, 'block', `entry ${i + 1} is in the index`)
  }
})

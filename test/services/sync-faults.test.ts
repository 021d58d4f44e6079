import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import t from 'tap'
import type { Test } from 'tap'
import { TOKENS, auth, buildTestApp, hubEntry, signPage } from '../helper.js'

const HLI_ENTRY = (id: string, phone: string, status = 'active') => hubEntry(id, [phone], status === 'lifted'
  ? { status, liftedAt: '2026-11-21T10:00:00.000Z', liftedBy: 'hub-spoc', liftReason: 'Asked' }
  : { status })
const ID1 = '11111111-1111-4111-8111-111111111111'
const ID2 = '22222222-2222-4222-8222-222222222222'

type Reply = { status?: number, body?: unknown, raw?: string, fail?: 'refused' | 'hang' | 'cut' }

/** A scripted hub: each call to fetch takes the next reply. Records the URLs asked for. */
function scriptedHub (replies: Reply[]) {
  const asked: string[] = []
  const fetchImpl = (async (url: URL | string, init?: RequestInit) => {
    asked.push(String(url))
    const reply = replies.shift() ?? { body: { changes: [], next: 0, hasMore: false } }
    if (reply.fail === 'refused') throw new TypeError('fetch failed')
    if (reply.fail === 'hang') {
      return new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)))
    }
    if (reply.fail === 'cut') {
      const stream = new ReadableStream({ start (controller) { controller.enqueue(new TextEncoder().encode('{"changes":[')); controller.error(new Error('socket hang up')) } })
      return new Response(stream, { status: 200 })
    }
    return new Response(reply.raw ?? JSON.stringify(signPage(reply.body)), { status: reply.status ?? 200, headers: { 'content-type': 'application/json' } })
  }) as typeof fetch
  return { fetchImpl, asked, replies }
}

/**
 * An establishment whose hub is the script. Every daemon syncs once when it starts: that run is
 * given an empty page and awaited, so the script's replies go to the runs the test makes.
 */
async function establishment (t: Test, replies: Reply[], extra: Record<string, string> = {}) {
  const hub = scriptedHub([{ body: { changes: [], next: 0, hasMore: false } }, ...replies])
  const built = await buildTestApp(t, {
    fetch: hub.fetchImpl,
    env: { UPC_ESTABLISHMENT: 'HLI', UPC_UPSTREAM_URL: 'http://127.0.0.1:1', UPC_UPSTREAM_TOKEN: TOKENS.feed, UPC_SYNC_CRON: '0 0 1 1 *', ...extra }
  })
  await built.app.ready()
  for (let i = 0; i < 200; i++) {
    const status = (await built.app.inject({ method: 'GET', url: '/v1/sync', headers: auth('admin') })).json()
    if (status.lastAttemptAt !== null && status.running === false) break
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  hub.asked.length = 0
  return { ...built, hub }
}

const run = async (app: Awaited<ReturnType<typeof buildTestApp>>['app']) =>
  (await app.inject({ method: 'POST', url: '/v1/sync', headers: auth('admin') })).json()
const decision = async (app: Awaited<ReturnType<typeof buildTestApp>>['app'], phone: string) =>
  (await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone } })).json().decision

t.test('pages are read after the cursor, applied with it, and the same page twice changes nothing', async (t) => {
  const page1 = { changes: [{ seq: 1, op: 'upsert', entry: HLI_ENTRY(ID1, '07700 900701') }], next: 1, hasMore: true }
  const page2 = { changes: [{ seq: 2, op: 'upsert', entry: HLI_ENTRY(ID2, '07700 900702') }], next: 2, hasMore: false }
  const { app, hub } = await establishment(t, [{ body: page1 }, { body: page2 }, { body: page2 }, { body: { changes: [], next: 2, hasMore: false } }])
  const report = await run(app)
  t.same([report.ok, report.pages, report.applied, report.cursor], [true, 2, 2, 2])
  t.match(hub.asked[0], /\/v1\/feed\?since=0&limit=100$/)
  t.match(hub.asked[1], /since=1&/)
  t.equal(await decision(app, '07700 900701'), 'block')
  t.equal(await decision(app, '07700 900702'), 'block')
  const again = await run(app)
  t.equal(again.applied, 0, 'a page read again (its items at or below the cursor) changes nothing')
  t.equal(again.cursor, 2)
  const list = (await app.inject({ method: 'GET', url: '/v1/entries', headers: auth('admin') })).json()
  t.equal(list.total, 2, 'none twice')
})

t.test('a page that is not JSON, not 200, or not of the feed schema applies nothing', async (t) => {
  const good = { changes: [{ seq: 1, op: 'upsert', entry: HLI_ENTRY(ID1, '07700 900711') }], next: 1, hasMore: false }
  const cases: Array<[Reply, RegExp]> = [
    [{ raw: '<html>proxy error</html>' }, /the page is not JSON/],
    [{ status: 401, body: { error: 'unauthorized' } }, /the hub answered 401/],
    [{ body: { changes: good.changes, next: 1 } }, /does not match the feed schema/],
    [{ body: { ...good, extra: true } }, /does not match the feed schema/],
    [{ body: { changes: good.changes, next: 0, hasMore: false } }, /next cursor is behind/]
  ]
  for (const [reply, message] of cases) {
    const { app } = await establishment(t, [reply])
    const report = await run(app)
    t.equal(report.ok, false)
    t.match(report.error, message)
    t.equal(report.applied, 0)
    const status = (await app.inject({ method: 'GET', url: '/v1/sync', headers: auth('admin') })).json()
    t.equal(status.cursor, 0, 'the cursor did not move')
    t.match(status.lastError, message)
    t.equal((await app.inject({ method: 'GET', url: '/v1/entries', headers: auth('admin') })).json().total, 0)
  }
})

t.test('HTTP errors, refusals, timeouts and cut connections retry with backoff, then succeed', async (t) => {
  const page = { changes: [{ seq: 5, op: 'upsert', entry: HLI_ENTRY(ID1, '07700 900721') }], next: 5, hasMore: false }
  const { app, hub } = await establishment(t, [{ status: 503, body: {} }, { fail: 'refused' }, { fail: 'cut' }, { body: page }], { UPC_CONFIG: '' })
  const report = await run(app)
  t.equal(report.ok, true)
  t.equal(hub.asked.length, 4, 'three retries')
  t.equal(await decision(app, '07700 900721'), 'block')
})

t.test('a hub that never answers times out; after the retries the run fails and checks go on', async (t) => {
  const dir = t.testdir({ 'fast.json': JSON.stringify({ sync: { timeoutMs: 100, retries: 1, retryBaseMs: 1 } }) })
  const { app, hub } = await establishment(t, [{ fail: 'hang' }, { fail: 'hang' }], { UPC_CONFIG: `${dir}/fast.json` })
  const report = await run(app)
  t.equal(report.ok, false)
  t.equal(report.error, 'the hub did not answer in time')
  t.equal(hub.asked.length, 2)
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
})

t.test('a lift and a remove from the hub take the block away; a remove of a local id is quarantined', async (t) => {
  const page = {
    changes: [
      { seq: 1, op: 'upsert', entry: HLI_ENTRY(ID1, '07700 900731') },
      { seq: 2, op: 'upsert', entry: HLI_ENTRY(ID2, '07700 900732') }
    ],
    next: 2,
    hasMore: false
  }
  const later = {
    changes: [
      { seq: 3, op: 'upsert', entry: HLI_ENTRY(ID1, '07700 900731', 'lifted') },
      { seq: 4, op: 'remove', entry: { id: ID2 } }
    ],
    next: 4,
    hasMore: false
  }
  // Two removals of two hub blocks: within the brake only when it lets all of them through.
  const { app } = await establishment(t, [{ body: page }, { body: later }], { UPC_SYNC_MAX_REMOVALS_PERCENT: '100' })
  await run(app)
  t.equal(await decision(app, '07700 900731'), 'block')
  const report = await run(app)
  t.same([report.applied, report.removed, report.held], [1, 1, 0])
  t.equal(await decision(app, '07700 900731'), 'allow')
  t.equal(await decision(app, '07700 900732'), 'allow')
  t.equal((await app.inject({ method: 'GET', url: `/v1/entries/${ID2}`, headers: auth('admin') })).statusCode, 404)
})

t.test('an item for another establishment, a malformed one, or one with a local id is quarantined; its page-mates apply', async (t) => {
  const { app, hub } = await establishment(t, [])
  const local = (await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: { scope: 'establishment', phones: ['07700 900742'], reason: 'Local block' } })).json()
  hub.replies.push({
    body: {
      changes: [
        { seq: 1, op: 'upsert', entry: { ...HLI_ENTRY(ID1, '07700 900743'), establishment: 'LEI' } },
        { seq: 2, op: 'upsert', entry: HLI_ENTRY(local.id, '07700 900744') },
        { seq: 3, op: 'remove', entry: { id: local.id } },
        { seq: 4, op: 'upsert', entry: HLI_ENTRY(ID2, '07700 900745') },
        { seq: 5, op: 'upsert', entry: { id: ID1, constructor: { prototype: { polluted: true } } } }
      ],
      next: 5,
      hasMore: false
    }
  })
  const report = await run(app)
  t.equal(report.ok, true)
  t.equal(report.applied, 1, 'the good item applies')
  t.equal(report.quarantined, 4)
  t.equal(await decision(app, '07700 900745'), 'block')
  t.equal(await decision(app, '07700 900743'), 'allow', 'another establishment\'s entry is not applied')
  t.equal(await decision(app, '07700 900742'), 'block', 'the local entry is untouched: neither replaced nor removed')
  t.equal(await decision(app, '07700 900744'), 'allow')
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution')
  const reasons = (await app.inject({ method: 'GET', url: '/v1/sync', headers: auth('admin') })).json().quarantine.map((q: { reason: string }) => q.reason)
  t.same(reasons.sort(), [
    'the entry is for another establishment',
    'the id belongs to an entry made at this establishment',
    'the id belongs to an entry made at this establishment',
    'the item does not match the feed schema: entry must have required property \'scope\''
  ].sort())
})

/**
 * The same faults from a real hub over a real socket, where fetch's own timeout and stream errors
 * are what the daemon meets: a page that comes slowly but in time, one trickled past the timeout,
 * one cut off mid-body, bytes that are not JSON, and a page that never ends.
 */
type HubStep = (req: IncomingMessage, res: ServerResponse) => void
async function realHub (t: Test, steps: HubStep[]) {
  const asked: string[] = []
  const server = createServer((req, res) => {
    // The requests feed, pulled after each sync, has nothing waiting: the steps are the entries feed's.
    if ((req.url ?? '').startsWith('/v1/feed/requests')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ changes: [], next: 0, hasMore: false }))
      return
    }
    asked.push(req.url ?? '')
    const step = steps.shift() ?? ((_req: IncomingMessage, res: ServerResponse) => { res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ changes: [], next: 0, hasMore: false })) })
    step(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  return { url: `http://127.0.0.1:${port}`, asked }
}

const json = (body: unknown): HubStep => (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(signPage(body))) }
const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function establishmentOf (t: Test, hubUrl: string, sync: Record<string, number>) {
  const dir = t.testdir({ 'sync.json': JSON.stringify({ sync }) })
  const built = await buildTestApp(t, {
    env: { UPC_ESTABLISHMENT: 'HLI', UPC_UPSTREAM_URL: hubUrl, UPC_UPSTREAM_TOKEN: TOKENS.feed, UPC_SYNC_CRON: '0 0 1 1 *', UPC_CONFIG: `${dir}/sync.json` }
  })
  await built.app.ready()
  // The run every daemon makes at start (given the empty page the hub answers by default).
  for (let i = 0; i < 300; i++) {
    const status = (await built.app.inject({ method: 'GET', url: '/v1/sync', headers: auth('admin') })).json()
    if (status.lastAttemptAt !== null && status.running === false) break
    await later(10)
  }
  return built
}

t.test('a real hub answering slowly but within the timeout: the page applies', async (t) => {
  const page = JSON.stringify(signPage({ changes: [{ seq: 1, op: 'upsert', entry: HLI_ENTRY(ID1, '07700 900751') }], next: 1, hasMore: false }))
  const steps: HubStep[] = [json({ changes: [], next: 0, hasMore: false })]
  const hub = await realHub(t, steps)
  const { app } = await establishmentOf(t, hub.url, { timeoutMs: 5000, retries: 0 })
  steps.push((_req, res) => {
    void (async () => {
      await later(200)
      res.writeHead(200, { 'content-type': 'application/json' })
      for (let i = 0; i < page.length; i += 40) { res.write(page.slice(i, i + 40)); await later(20) }
      res.end()
    })()
  })
  const report = await run(app)
  t.equal(report.ok, true, report.error)
  t.equal(report.applied, 1)
  t.equal(await decision(app, '07700 900751'), 'block')
})

t.test('a real hub trickling its page past the timeout: the run fails, nothing applied, checks answered meanwhile', async (t) => {
  const page = JSON.stringify(signPage({ changes: [{ seq: 1, op: 'upsert', entry: HLI_ENTRY(ID1, '07700 900752') }], next: 1, hasMore: false }))
  const trickle: HubStep = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(page)) })
    let at = 0
    const timer = setInterval(() => { if (at < page.length && !res.destroyed) res.write(page[at++]); else clearInterval(timer) }, 50)
    res.on('close', () => clearInterval(timer))
  }
  const steps: HubStep[] = [json({ changes: [], next: 0, hasMore: false })]
  const hub = await realHub(t, steps)
  const { app } = await establishmentOf(t, hub.url, { timeoutMs: 400, retries: 1, retryBaseMs: 1 })
  steps.push(trickle, trickle)
  await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: { scope: 'establishment', phones: ['07700 900753'], reason: 'Local block' } })
  hub.asked.length = 0
  const running = run(app)
  const meanwhile = await decision(app, '07700 900753')
  const report = await running
  t.equal(meanwhile, 'block', 'a check during the slow sync is answered from the index')
  t.equal(report.ok, false)
  t.equal(report.error, 'the hub did not answer in time', 'a body too slow is a timeout, not a cut')
  t.equal(hub.asked.length, 2, 'retried once')
  t.equal(report.applied, 0)
  t.equal((await app.inject({ method: 'GET', url: '/v1/sync', headers: auth('admin') })).json().cursor, 0, 'the cursor did not move')
  t.equal(await decision(app, '07700 900752'), 'allow', 'no half page')
})

t.test('a real hub cutting the connection mid-page: retried, and only the whole page applies', async (t) => {
  const page = JSON.stringify(signPage({ changes: [{ seq: 1, op: 'upsert', entry: HLI_ENTRY(ID1, '07700 900754') }, { seq: 2, op: 'upsert', entry: HLI_ENTRY(ID2, '07700 900755') }], next: 2, hasMore: false }))
  const cut: HubStep = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(page)) })
    res.write(page.slice(0, Math.floor(page.length / 2)), () => res.socket?.destroy())
  }
  const steps: HubStep[] = [json({ changes: [], next: 0, hasMore: false })]
  const hub = await realHub(t, steps)
  const { app } = await establishmentOf(t, hub.url, { timeoutMs: 5000, retries: 2, retryBaseMs: 1 })
  steps.push(cut, cut, (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }).end(page) })
  hub.asked.length = 0
  const report = await run(app)
  t.equal(report.ok, true, report.error)
  t.equal(hub.asked.length, 3, 'two cuts, then the whole page')
  t.same([report.applied, report.cursor], [2, 2])
  t.equal(await decision(app, '07700 900754'), 'block')
  t.equal(await decision(app, '07700 900755'), 'block')
})

t.test('a real hub sending bytes that are not JSON, or a page that never ends: nothing applied, the daemon fine', async (t) => {
  const garbage: HubStep = (_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }).end(Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22, 0x80, 0x81, 0x0a, 0xc3])) }
  let sent = 0
  const endless: HubStep = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.write('{"changes":[')
    const chunk = `${JSON.stringify({ seq: 1, op: 'upsert', entry: HLI_ENTRY(ID1, '07700 900756') })},`.repeat(200)
    const more = () => {
      while (!res.destroyed && sent < 512 * 1024 * 1024) {
        sent += chunk.length
        if (!res.write(chunk)) return res.once('drain', more)
      }
    }
    more()
  }
  const steps: HubStep[] = [json({ changes: [], next: 0, hasMore: false })]
  const hub = await realHub(t, steps)
  const { app } = await establishmentOf(t, hub.url, { timeoutMs: 20000, retries: 0, pageSize: 1 })
  steps.push(garbage, endless)
  const first = await run(app)
  t.equal(first.ok, false)
  t.equal(first.error, 'the page is not JSON')
  const second = await run(app)
  t.equal(second.ok, false)
  t.equal(second.error, 'the page is larger than any page of the feed can be')
  t.ok(sent < 64 * 1024 * 1024, `the daemon stopped reading early (the hub wrote ${Math.round(sent / 1024)} KiB before the connection dropped)`)
  t.equal((await app.inject({ method: 'GET', url: '/v1/sync', headers: auth('admin') })).json().cursor, 0)
  t.equal(await decision(app, '07700 900756'), 'allow')
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200)
})

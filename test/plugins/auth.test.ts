import { timingSafeEqual } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { join } from 'node:path'
import t from 'tap'
import { createClientMatcher } from '../../src/plugins/auth.js'
import { sha256Hex } from '../../src/config.js'
import { TOKENS, auth, buildTestApp, entryBody, tempDir } from '../helper.js'

type Role = 'admin' | 'check' | 'feed' | 'metrics' | 'client' | 'none'

const ID = '00000000-0000-4000-8000-000000000000'

/**
 * Every route (docs/API.md), its rule, and a request that a client of the
 * right role gets past auth with; `ok` is the status that request gets where it is a real success.
 */
const TABLE: Array<{ method: 'GET' | 'POST', url: string, route: string, rule: Role, payload?: object, ok?: number }> = [
  { method: 'GET', url: '/healthz', route: '/healthz', rule: 'none', ok: 200 },
  { method: 'GET', url: '/readyz', route: '/readyz', rule: 'none' },
  { method: 'GET', url: '/openapi.json', route: '/openapi.json', rule: 'none' },
  { method: 'POST', url: '/v1/check', route: '/v1/check', rule: 'check', payload: { channel: 'phone', prisoner: 'A1234BC', phone: '07700900123' }, ok: 200 },
  { method: 'POST', url: '/v1/check/batch', route: '/v1/check/batch', rule: 'check', payload: { items: [{ channel: 'phone', prisoner: 'A1234BC', phone: '07700900123' }] } },
  { method: 'GET', url: '/v1/check/phone?prisoner=A1234BC&number=07700900123', route: '/v1/check/phone', rule: 'check', ok: 200 },
  { method: 'POST', url: '/v1/check/explain', route: '/v1/check/explain', rule: 'admin', payload: { channel: 'phone', prisoner: 'A1234BC', phone: '07700900123' } },
  { method: 'POST', url: '/v1/entries', route: '/v1/entries', rule: 'admin', payload: entryBody(), ok: 201 },
  { method: 'GET', url: '/v1/entries', route: '/v1/entries', rule: 'admin', ok: 200 },
  { method: 'GET', url: `/v1/entries/${ID}`, route: '/v1/entries/:id', rule: 'admin' },
  { method: 'POST', url: `/v1/entries/${ID}/lift`, route: '/v1/entries/:id/lift', rule: 'admin', payload: { reason: 'test' } },
  { method: 'GET', url: '/v1/audit', route: '/v1/audit', rule: 'admin', ok: 200 },
  { method: 'GET', url: '/v1/whoami', route: '/v1/whoami', rule: 'client', ok: 200 },
  { method: 'GET', url: '/v1/feed?since=0', route: '/v1/feed', rule: 'feed', ok: 200 },
  { method: 'GET', url: '/v1/sync', route: '/v1/sync', rule: 'admin', ok: 200 },
  { method: 'POST', url: '/v1/sync', route: '/v1/sync', rule: 'admin' },
  { method: 'GET', url: '/v1/sync/held', route: '/v1/sync/held', rule: 'admin', ok: 200 },
  { method: 'POST', url: '/v1/sync/held/release', route: '/v1/sync/held/release', rule: 'admin', payload: { all: true, reason: 'test' }, ok: 200 },
  { method: 'POST', url: '/v1/sync/held/discard', route: '/v1/sync/held/discard', rule: 'admin', payload: { all: true, reason: 'test' }, ok: 200 },
  { method: 'POST', url: '/v1/prisoners/A1234BC/transfer', route: '/v1/prisoners/:prisoner/transfer', rule: 'admin', payload: { to: 'LEI' } },
  { method: 'GET', url: '/', route: '/', rule: 'none' },
  { method: 'GET', url: '/spoc', route: '/spoc', rule: 'none' },
  { method: 'GET', url: '/assets/upc.css', route: '/assets/*', rule: 'none' },
  { method: 'GET', url: '/metrics', route: '/metrics', rule: 'metrics', ok: 200 },
  { method: 'POST', url: '/v1/requests', route: '/v1/requests', rule: 'admin', payload: { kind: 'restrict', prisoner: 'A1234BC', requester: { kind: 'person' }, outcomeContact: { method: 'post', value: '14 Acacia Avenue' }, consent: false, block: { phones: ['07700 900123'] }, reason: 'test' }, ok: 201 },
  { method: 'GET', url: '/v1/requests', route: '/v1/requests', rule: 'admin', ok: 200 },
  { method: 'GET', url: `/v1/requests/${ID}`, route: '/v1/requests/:id', rule: 'admin' },
  { method: 'POST', url: `/v1/requests/${ID}/decision`, route: '/v1/requests/:id/decision', rule: 'admin', payload: { decision: 'approve', rationale: 'test' } },
  { method: 'POST', url: `/v1/requests/${ID}/notice`, route: '/v1/requests/:id/notice', rule: 'admin', payload: { givenAt: '2026-01-01T10:00:00Z', givenBy: 'Officer 1' } },
  { method: 'GET', url: `/v1/requests/${ID}/notice`, route: '/v1/requests/:id/notice', rule: 'admin' },
  { method: 'GET', url: '/v1/feed/requests?since=0', route: '/v1/feed/requests', rule: 'feed', ok: 200 },
  { method: 'POST', url: '/v1/requests/outcomes', route: '/v1/requests/outcomes', rule: 'feed', payload: { eventId: ID, requestId: ID, status: 'pending', arrivedAt: null, entryId: null, decidedAt: null, decidedBy: null, rationale: null, notice: null } },
  { method: 'GET', url: '/v1/alerts', route: '/v1/alerts', rule: 'admin', ok: 200 },
  { method: 'POST', url: '/v1/alerts/1/acknowledge', route: '/v1/alerts/:id/acknowledge', rule: 'admin', payload: { note: 'test' } },
  { method: 'POST', url: '/v1/alerts/1/close', route: '/v1/alerts/:id/close', rule: 'admin', payload: {} },
  { method: 'GET', url: `/v1/entries/${ID}/attempts`, route: '/v1/entries/:id/attempts', rule: 'admin' },
  { method: 'GET', url: `/v1/entries/${ID}/evidence`, route: '/v1/entries/:id/evidence', rule: 'admin' }
]

t.test('the table lists exactly the routes the daemon registers, each with its rule', async (t) => {
  const { app } = await buildTestApp(t)
  const registered = new Set(app.upc.routes.filter((route) => route.method !== 'HEAD').map((route) => `${route.method} ${route.url} ${route.auth}`))
  const table = new Set(TABLE.map((row) => `${row.method} ${row.route} ${row.rule}`))
  t.ok(registered.size >= 20, `the daemon registers its routes (${registered.size})`)
  // Named, so that the failure says which route to add (with its rule) or which one went away.
  t.same([...registered].filter((route) => !table.has(route)), [], 'registered routes missing from this table: add each with its auth rule')
  t.same([...table].filter((route) => !registered.has(route)), [], 'routes in this table the daemon does not register')
  for (const head of app.upc.routes.filter((route) => route.method === 'HEAD')) {
    const get = app.upc.routes.find((route) => route.method === 'GET' && route.url === head.url)
    t.equal(head.auth, get?.auth, `HEAD ${head.url} has its GET's rule`)
  }
})

/** Who calls, and how: the header and the roles it carries (empty: not a client at all). */
const CALLERS: Array<{ who: string, header: Record<string, string>, roles: Role[] }> = [
  { who: 'no header', header: {}, roles: [] },
  { who: 'Bearer alone', header: { authorization: 'Bearer' }, roles: [] },
  { who: 'Bearer and nothing', header: { authorization: 'Bearer ' }, roles: [] },
  { who: 'Basic x', header: { authorization: 'Basic x' }, roles: [] },
  { who: 'Basic with a real token', header: { authorization: `Basic ${TOKENS.admin}` }, roles: [] },
  { who: 'Bearer two words', header: { authorization: `Bearer  ${TOKENS.admin} ${TOKENS.check}` }, roles: [] },
  { who: 'the token alone', header: { authorization: TOKENS.admin }, roles: [] },
  { who: 'an unknown token', header: { authorization: 'Bearer not-a-token-of-anyone-here' }, roles: [] },
  { who: 'a token one character short', header: { authorization: `Bearer ${TOKENS.admin.slice(0, -1)}` }, roles: [] },
  { who: 'admin', header: auth('admin'), roles: ['admin'] },
  { who: 'check', header: auth('check'), roles: ['check'] },
  { who: 'feed', header: auth('feed'), roles: ['feed'] },
  { who: 'metrics', header: auth('metrics'), roles: ['metrics'] },
  { who: 'admin+check', header: auth('both'), roles: ['admin', 'check'] }
]

t.test('every route, every caller: 401 without a known token, 403 for a wrong role, let through for the right one', async (t) => {
  const { app } = await buildTestApp(t)
  let calls = 0
  for (const row of TABLE) {
    const methods = row.method === 'GET' ? ['GET', 'HEAD'] as const : [row.method]
    for (const method of methods) {
      for (const caller of CALLERS) {
        // Each call from an address of its own: this is the matrix of rules, and an address's
        // unrecognised tokens are limited (test/plugins/auth-failures.test.ts).
        const remoteAddress = `10.0.${calls >> 8}.${calls & 255}`
        const res = await app.inject({ method, url: row.url, headers: caller.header, remoteAddress, ...(row.payload === undefined ? {} : { payload: row.payload }) })
        calls++
        const label = `${method} ${row.route} with ${caller.who}`
        const body = method === 'HEAD' ? null : res.json.bind(res)
        if (row.rule === 'none') {
          t.ok(res.statusCode < 400, `${label}: open (${res.statusCode})`)
        } else if (caller.roles.length === 0) {
          t.equal(res.statusCode, 401, label)
          if (body !== null) t.same(body(), { error: 'unauthorized', message: caller.who === 'an unknown token' || caller.who === 'a token one character short' ? 'the token is not recognised' : 'a bearer token is required' }, label)
        } else if (row.rule !== 'client' && !caller.roles.includes(row.rule)) {
          t.equal(res.statusCode, 403, label)
          if (body !== null) t.same(body(), { error: 'forbidden', message: `this needs the ${row.rule} role` }, label)
        } else {
          t.notOk([401, 403].includes(res.statusCode), `${label}: let through (${res.statusCode})`)
          if (row.ok !== undefined) t.equal(res.statusCode, row.ok, `${label}: a real success`)
        }
      }
    }
  }
  t.ok(calls >= TABLE.length * CALLERS.length, `${calls} calls`)
})

t.test('a route without an auth rule stops the daemon from building', async (t) => {
  const { app } = await buildTestApp(t)
  await t.rejects(async () => {
    app.get('/forgotten', async () => ({}))
  }, /has no auth rule/)
})

t.test('the matcher finds the client by token hash and nothing else', async (t) => {
  const clients = [
    { name: 'a', roles: ['check' as const], tokenSha256: sha256Hex('token-a-0123456789') },
    { name: 'b', roles: ['admin' as const], tokenSha256: sha256Hex('token-b-0123456789') }
  ]
  const match = createClientMatcher(() => clients)
  t.equal(match('token-b-0123456789')?.name, 'b')
  t.equal(match('token-a-0123456789')?.name, 'a')
  t.equal(match('token-a-012345678'), null)
  t.equal(match(''), null)
})

t.test('constant time: the matcher compares the presented hash with every client, whichever matches, or none', async (t) => {
  const clients = Array.from({ length: 100 }, (_, i) => ({ name: `c${i}`, roles: ['check' as const], tokenSha256: sha256Hex(`token-${i}-0123456789abcdef`) }))
  let calls = 0
  const lengths = new Set<string>()
  const counting = (a: Buffer, b: Buffer) => {
    calls++
    lengths.add(`${a.length}/${b.length}`)
    return timingSafeEqual(a, b)
  }
  const match = createClientMatcher(() => clients, counting)
  const cases: Array<[string, string, string | null]> = [
    ['the first client', 'token-0-0123456789abcdef', 'c0'],
    ['a middle client', 'token-57-0123456789abcdef', 'c57'],
    ['the last client', 'token-99-0123456789abcdef', 'c99'],
    ['no client', 'token-100-0123456789abcdef', null],
    ['a prefix of a token', 'token-0-0123456789abcde', null],
    ['an empty token', '', null],
    ['a 512-character token', 'x'.repeat(512), null]
  ]
  for (const [what, token, name] of cases) {
    calls = 0
    t.equal(match(token)?.name ?? null, name, what)
    t.equal(calls, 100, `${what}: all 100 clients compared, no early exit`)
  }
  t.same([...lengths], ['32/32'], 'always two 32-byte hashes: the token\'s length never reaches the comparison')
})

t.test('404s are JSON, name nothing, and carry the security headers', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/v1/nothing/07700900123' })
  t.equal(res.statusCode, 404)
  t.same(res.json(), { error: 'not_found', message: 'no such route' })
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(res.headers['x-content-type-options'], 'nosniff')
  t.equal(res.headers['x-frame-options'], 'DENY')
})

t.test('one keep-alive connection that changes its token: each request is judged by its own header', async (t) => {
  const { app } = await buildTestApp(t)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  let connections = 0
  app.server.on('connection', () => { connections++ })
  const agent = new Agent({ keepAlive: true, maxSockets: 1 })
  t.teardown(() => agent.destroy())
  const body = JSON.stringify({ channel: 'phone', prisoner: 'A1234BC', phone: '07700900123' })
  const post = (headers: Record<string, string>) => new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/check', agent, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end(body)
  })
  const sameLength = `Bearer ${'x'.repeat(TOKENS.check.length)}`
  const statuses = [
    await post(auth('check')),
    await post(auth('admin')),
    await post(auth('check')),
    await post({ authorization: sameLength }),
    await post({}),
    await post(auth('check')),
    await post({ authorization: `bearer ${TOKENS.check}` })
  ]
  t.same(statuses, [200, 403, 200, 401, 401, 200, 200], 'check, admin (wrong role), check, an unknown token of the same length, none, check, the scheme in lower case')
  t.equal(connections, 1, 'all on one connection')
})

t.test('a refusal\'s log line names the client when the token is known: 403 carries it, 401 cannot', async (t) => {
  const logFile = join(tempDir(t), 'log')
  const { app } = await buildTestApp(t, { logFile })
  t.equal((await app.inject({ method: 'GET', url: '/v1/entries', headers: auth('check') })).statusCode, 403)
  t.equal((await app.inject({ method: 'GET', url: '/v1/entries', headers: { authorization: 'Bearer not-a-token-of-anyone-here' } })).statusCode, 401)
  const lines = readFileSync(logFile, 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>)
  const requestLines = lines.filter((line) => line.route === '/v1/entries')
  t.same(requestLines.map((line) => [line.status, line.client]), [[403, 'pbx'], [401, null]])
})

t.test('GET /v1/whoami: the client\'s name and roles, for any known client', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/v1/whoami', headers: auth('check') })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { name: 'pbx', roles: ['check'] })
  t.same((await app.inject({ method: 'GET', url: '/v1/whoami', headers: auth('both') })).json(), { name: 'console', roles: ['admin', 'check'] })
  t.equal((await app.inject({ method: 'GET', url: '/v1/whoami' })).statusCode, 401)
  const trail = (await app.inject({ method: 'GET', url: '/v1/audit', headers: auth('admin') })).json()
  t.same(trail.items, [], 'nothing audited: asking changes nothing')
})

import t from 'tap'
import { createClientMatcher } from '../../src/plugins/auth.js'
import { sha256Hex } from '../../src/config.js'
import { TOKENS, auth, buildTestApp, entryBody } from '../helper.js'

type Role = 'admin' | 'check' | 'feed' | 'none'

const ID = '00000000-0000-4000-8000-000000000000'

/** Every route, its rule, and a request that a client of the right role gets a 2xx/4xx-not-auth for. */
const TABLE: Array<{ method: 'GET' | 'POST', url: string, route: string, rule: Role, payload?: object }> = [
  { method: 'GET', url: '/healthz', route: '/healthz', rule: 'none' },
  { method: 'GET', url: '/readyz', route: '/readyz', rule: 'none' },
  { method: 'GET', url: '/openapi.json', route: '/openapi.json', rule: 'none' },
  { method: 'POST', url: '/v1/check', route: '/v1/check', rule: 'check', payload: { channel: 'phone', prisoner: 'A1234BC', phone: '07700900123' } },
  { method: 'POST', url: '/v1/check/batch', route: '/v1/check/batch', rule: 'check', payload: { items: [{ channel: 'phone', prisoner: 'A1234BC', phone: '07700900123' }] } },
  { method: 'GET', url: '/v1/check/phone?prisoner=A1234BC&number=07700900123', route: '/v1/check/phone', rule: 'check' },
  { method: 'POST', url: '/v1/check/explain', route: '/v1/check/explain', rule: 'admin', payload: { channel: 'phone', prisoner: 'A1234BC', phone: '07700900123' } },
  { method: 'POST', url: '/v1/entries', route: '/v1/entries', rule: 'admin', payload: entryBody() },
  { method: 'GET', url: '/v1/entries', route: '/v1/entries', rule: 'admin' },
  { method: 'GET', url: `/v1/entries/${ID}`, route: '/v1/entries/:id', rule: 'admin' },
  { method: 'POST', url: `/v1/entries/${ID}/lift`, route: '/v1/entries/:id/lift', rule: 'admin', payload: { reason: 'test' } },
  { method: 'GET', url: '/v1/audit', route: '/v1/audit', rule: 'admin' },
  { method: 'GET', url: '/v1/feed?since=0', route: '/v1/feed', rule: 'feed' },
  { method: 'GET', url: '/v1/sync', route: '/v1/sync', rule: 'admin' },
  { method: 'POST', url: '/v1/sync', route: '/v1/sync', rule: 'admin' },
  { method: 'POST', url: '/v1/prisoners/A1234BC/transfer', route: '/v1/prisoners/:prisoner/transfer', rule: 'admin', payload: { to: 'LEI' } },
  { method: 'GET', url: '/', route: '/', rule: 'none' },
  { method: 'GET', url: '/spoc', route: '/spoc', rule: 'none' },
  { method: 'GET', url: '/assets/upc.css', route: '/assets/*', rule: 'none' }
]

t.test('the table lists exactly the routes the daemon registers, each with its rule', async (t) => {
  const { app } = await buildTestApp(t)
  const registered = app.upc.routes
    .filter((route) => route.method !== 'HEAD')
    .map((route) => `${route.method} ${route.url} ${route.auth}`)
    .sort()
  const table = [...new Set(TABLE.map((row) => `${row.method} ${row.route} ${row.rule}`))].sort()
  t.same(registered, table, 'a new route must be added to this table with its auth rule')
  for (const head of app.upc.routes.filter((route) => route.method === 'HEAD')) {
    const get = app.upc.routes.find((route) => route.method === 'GET' && route.url === head.url)
    t.equal(head.auth, get?.auth, `HEAD ${head.url} has its GET's rule`)
  }
})

t.test('every route: no token, malformed header, unknown token, each role', async (t) => {
  const { app } = await buildTestApp(t)
  const headers: Record<string, Record<string, string>> = {
    none: {},
    malformed: { authorization: `Basic ${TOKENS.admin}` },
    empty: { authorization: 'Bearer ' },
    unknown: { authorization: 'Bearer not-a-token-of-anyone-here' },
    admin: auth('admin'),
    check: auth('check'),
    feed: auth('feed')
  }
  for (const row of TABLE) {
    for (const [who, header] of Object.entries(headers)) {
      const res = await app.inject({ method: row.method, url: row.url, headers: header, ...(row.payload === undefined ? {} : { payload: row.payload }) })
      const label = `${row.method} ${row.route} as ${who}`
      if (row.rule === 'none') {
        t.ok(res.statusCode < 400, `${label}: open`)
      } else if (['none', 'malformed', 'empty', 'unknown'].includes(who)) {
        t.equal(res.statusCode, 401, label)
        t.equal(res.json().error, 'unauthorized')
      } else if (who !== row.rule) {
        t.equal(res.statusCode, 403, label)
        t.equal(res.json().error, 'forbidden')
      } else {
        t.notOk([401, 403].includes(res.statusCode), `${label}: let through (${res.statusCode})`)
      }
    }
  }
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

t.test('404s are JSON, name nothing, and carry the security headers', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/v1/nothing/07700900123' })
  t.equal(res.statusCode, 404)
  t.same(res.json(), { error: 'not_found', message: 'no such route' })
  t.equal(res.headers['cache-control'], 'no-store')
  t.equal(res.headers['x-content-type-options'], 'nosniff')
  t.equal(res.headers['x-frame-options'], 'DENY')
})

import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import type { Test } from 'tap'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import Database from 'better-sqlite3'
import { sha256Hex } from '../src/config.js'
import { keysFor } from '../src/domain/contact-keys.js'
import { PAGE_CSP } from '../src/routes/pages.js'
import { TOKENS, auth, buildTestApp, tempDir, entryBody } from './helper.js'

// Beyond the log (test/no-pii.test.ts): every answer that is not an admin reading an entry, the
// audit trail and /metrics hold no contact detail, in any form the daemon makes of it, and no token.

const PHONE = '07700 900123'
const EMAIL = 'Jane.Victim+post@Example.org'
const ADDRESS = 'Flat 2, 14 Acacia Avenue, Leeds LS1 4AP'
const PERSON = 'Jane Doe'

/** The details as sent, the ways they are written, and every match key the daemon makes of them. */
const NEEDLES = [...new Set([
  PHONE, '07700900123', '+447700900123', '447700900123', '+44 7700 900123', '7700900123', '7700 900123',
  EMAIL, 'jane.victim', 'janevictim', '@example.org', 'Jane.Victim%2Bpost', 'jane.victim%40',
  ADDRESS, 'Acacia', 'LS1 4AP', 'LS14AP', 'LS1%204AP', 'Flat 2, 14',
  PERSON, 'Jane%20Doe',
  ...[keysFor('phone', PHONE), keysFor('email', EMAIL), keysFor('address', ADDRESS)].flatMap((keys) => [...keys.store, ...keys.lookup])
].map((needle) => needle.toLowerCase()))]

/** The raw tokens, and their SHA-256 (what the store keeps): neither may leave the process. */
const SECRETS = Object.values(TOKENS).flatMap((token) => [token, sha256Hex(token)])

function leaksIn (text: string): string[] {
  const lower = text.toLowerCase()
  return [...NEEDLES.filter((needle) => lower.includes(needle)), ...SECRETS.filter((secret) => text.includes(secret))]
}

/** Details in the wrong fields, in URLs, in broken JSON: requests that must be refused without an echo. */
function hostileRequests (id: string): Array<InjectOptions & { expect: number }> {
  const check = (payload: unknown) => ({ method: 'POST' as const, url: '/v1/check', headers: auth('check'), payload: payload as object })
  const admin = (url: string, payload?: unknown, method: 'GET' | 'POST' = payload === undefined ? 'GET' : 'POST') =>
    ({ method, url, headers: auth('admin'), ...(payload === undefined ? {} : { payload: payload as object }) })
  const e = encodeURIComponent
  return [
    // validation errors, with a detail in the wrong field or of the wrong shape
    { ...check({ channel: 'phone', prisoner: PHONE, phone: PHONE }), expect: 400 },
    { ...check({ channel: EMAIL, prisoner: 'A1234BC', email: EMAIL }), expect: 400 },
    { ...check({ channel: 'phone', prisoner: 'A1234BC', phone: PHONE, [EMAIL]: ADDRESS }), expect: 400 },
    { ...check({ channel: 'phone', prisoner: 'A1234BC', phone: `${PHONE} `.repeat(8) }), expect: 400 },
    { ...check({ channel: 'email', prisoner: 'A1234BC', email: `${EMAIL},`.repeat(20) }), expect: 400 },
    { ...check({ channel: 'mail', prisoner: 'A1234BC', address: { lines: [ADDRESS], postcode: 'LS1 4AP', flat: PHONE } }), expect: 400 },
    { ...check({ channel: 'mail', prisoner: 'A1234BC', address: [ADDRESS] }), expect: 400 },
    { ...check({ channel: 'phone', prisoner: 'A1234BC', phone: 7700900123 }), expect: 400 },
    { ...check({ channel: 'phone', prisoner: 'A1234BC', recipient: `${PERSON} ${EMAIL}` }), expect: 400 },
    { method: 'POST', url: '/v1/check/batch', headers: auth('check'), payload: { items: [{ channel: 'phone', prisoner: 'A1234BC', phone: PHONE }, { channel: 'phone', prisoner: EMAIL, phone: PHONE }] }, expect: 400 },
    { method: 'POST', url: '/v1/check/batch', headers: auth('check'), payload: { items: [{ channel: 'phone', prisoner: 'A1234BC', recipient: PHONE }] }, expect: 400 },
    { ...admin('/v1/entries', entryBody({ prisoner: PHONE, scope: 'prisoner' })), expect: 400 },
    { ...admin('/v1/entries', entryBody({ requestRef: EMAIL })), expect: 400 },
    { ...admin('/v1/entries', entryBody({ effectiveFrom: ADDRESS })), expect: 400 },
    { ...admin('/v1/entries', entryBody({ establishment: 'LS1 4AP' })), expect: 400 },
    { ...admin('/v1/entries', entryBody({ phones: [7700900123] })), expect: 400 },
    { ...admin('/v1/entries', entryBody({ reason: `She lives at ${ADDRESS}` })), expect: 400 },
    { ...admin('/v1/entries', entryBody({ reason: `ring ${PHONE}` })), expect: 400 },
    { ...admin('/v1/entries', entryBody({ protectedPerson: `${PERSON} `.repeat(30) })), expect: 400 },
    { ...admin(`/v1/entries/${id}/lift`, { reason: `she moved to ${ADDRESS}, email ${EMAIL}` }), expect: 400 },
    { ...admin('/v1/prisoners/A1234BC/transfer', { to: PHONE }), expect: 400 },
    { ...admin(`/v1/prisoners/${e(EMAIL)}/transfer`, { to: 'LEI' }), expect: 400 },
    { method: 'GET', url: `/v1/check/phone?prisoner=A1234BC&number=${e(PHONE.repeat(6))}`, headers: auth('check'), expect: 400 },
    { method: 'GET', url: `/v1/check/phone?prisoner=${e(EMAIL)}&number=${e(PHONE)}`, headers: auth('check'), expect: 400 },
    { method: 'GET', url: `/v1/check/phone?prisoner=A1234BC&number=${e(PHONE)}&email=${e(EMAIL)}`, headers: auth('check'), expect: 400 },
    { ...admin(`/v1/entries?prisoner=${e(PHONE)}`), expect: 400 },
    { ...admin(`/v1/entries?requestRef=${e(EMAIL)}&limit=${e(ADDRESS)}`), expect: 400 },
    { ...admin(`/v1/audit?from=${e(ADDRESS)}`), expect: 400 },
    { ...admin(`/v1/audit?actor=${e(EMAIL)}&limit=${e(PHONE)}`), expect: 400 },
    { method: 'GET', url: `/v1/feed?since=${e(PHONE)}`, headers: auth('feed'), expect: 400 },
    // broken bodies and the wrong content
    { method: 'POST', url: '/v1/check', headers: { ...auth('check'), 'content-type': 'application/json' }, payload: `{"channel":"phone","phone":"${PHONE}","email":"${EMAIL}"`, expect: 400 },
    { method: 'POST', url: '/v1/check', headers: { ...auth('check'), 'content-type': 'application/json' }, payload: `{"phone":"${PHONE}",,}`, expect: 400 },
    { method: 'POST', url: '/v1/check', headers: { ...auth('check'), 'content-type': 'text/plain' }, payload: `phone=${PHONE}`, expect: 415 },
    { method: 'POST', url: '/v1/check', headers: { ...auth('check'), 'content-type': 'application/x-www-form-urlencoded' }, payload: `phone=${e(PHONE)}&email=${e(EMAIL)}`, expect: 415 },
    { method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ reason: `${ADDRESS} `.repeat(30_000) }), expect: 413 },
    // path parameters and unknown routes that carry a detail
    { ...admin(`/v1/entries/${e(EMAIL)}`), expect: 400 },
    { ...admin(`/v1/entries/${e(ADDRESS)}/lift`, { reason: 'test' }), expect: 400 },
    { ...admin(`/v1/entries/${e(EMAIL)}%E0%A4`), expect: 400 },
    { ...admin(`/v1/entries/${e(ADDRESS).repeat(4)}`), expect: 414 },
    { ...admin('/v1/entries/00000000-0000-4000-8000-000000000000'), expect: 404 },
    { method: 'GET', url: `/v1/nowhere/${e(PHONE)}?email=${e(EMAIL)}`, expect: 404 },
    { method: 'GET', url: `/v1/check/${e('+447700900123')}`, headers: auth('check'), expect: 404 },
    { method: 'POST', url: `/${e(EMAIL)}`, payload: { address: ADDRESS }, expect: 404 },
    { method: 'GET', url: `/assets/${e(ADDRESS)}.css`, expect: 404 },
    { method: 'DELETE', url: `/v1/entries/${id}`, headers: auth('admin'), expect: 404 },
    // auth failures that carry a detail or a token
    { method: 'POST', url: '/v1/check', headers: { authorization: `Basic ${TOKENS.check}` }, payload: { channel: 'phone', prisoner: 'A1234BC', phone: PHONE }, expect: 401 },
    { method: 'POST', url: '/v1/check', headers: { authorization: `Bearer ${TOKENS.check}x` }, payload: { channel: 'phone', prisoner: 'A1234BC', phone: PHONE }, expect: 401 },
    { method: 'POST', url: '/v1/entries', headers: auth('check'), payload: entryBody(), expect: 403 },
    { method: 'GET', url: `/v1/entries/${id}`, headers: auth('metrics'), expect: 403 },
    // a conflict
    { ...admin('/v1/sync', {}), expect: 409 }
  ]
}

const SECURITY = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' }

function headersOk (t: Test, res: LightMyRequestResponse | { headers: Record<string, unknown>, statusCode: number }, label: string) {
  for (const [name, value] of Object.entries(SECURITY)) t.equal(res.headers[name], value, `${label}: ${name}`)
}

t.test('error answers, 404s, validation errors, the audit trail and /metrics hold no contact detail and no token', async (t) => {
  const { app, config } = await buildTestApp(t)
  const created = await app.inject({ method: 'POST', url: '/v1/entries', headers: auth('admin'), payload: entryBody({ phones: [PHONE], emails: [EMAIL], addresses: [ADDRESS], protectedPerson: PERSON }) })
  t.equal(created.statusCode, 201)
  const id = created.json().id as string
  t.ok(leaksIn(created.body).length > 0, 'the needles are real: an admin reading the entry sees its details')
  // Checks that block and allow, so that the trail and the counters have something in them.
  for (const channel of ['phone', 'email', 'mail', 'message']) {
    const res = await app.inject({ method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel, prisoner: 'A1234BC', phone: PHONE, email: EMAIL, address: ADDRESS, recipient: PERSON } })
    t.equal(res.json().decision, 'block')
    t.same(leaksIn(res.body), [], `a ${channel} check answer`)
    headersOk(t, res, `check ${channel}`)
  }
  const explain = await app.inject({ method: 'POST', url: '/v1/check/explain', headers: auth('admin'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: PHONE } })
  t.equal(explain.statusCode, 200, 'an explanation (the SPOC sees the keys of the attempt they typed in)')

  let answered = 0
  for (const { expect, ...request } of hostileRequests(id)) {
    const res = await app.inject(request)
    const label = `${request.method} ${String(request.url).slice(0, 60)}`
    t.equal(res.statusCode, expect, label)
    t.same(leaksIn(res.body), [], `${label}: no detail, no token in the answer`)
    t.same(leaksIn(JSON.stringify(res.headers)), [], `${label}: none in a header`)
    headersOk(t, res, label)
    if (res.body !== '') t.match(res.json(), { error: String, message: String }, `${label}: a boring error body`)
    answered++
  }
  t.ok(answered >= 45, `${answered} hostile requests`)

  // The entry is still whole: nothing above changed it.
  t.equal((await app.inject({ method: 'GET', url: `/v1/entries/${id}`, headers: auth('admin') })).json().status, 'active')

  const audit = await app.inject({ method: 'GET', url: '/v1/audit?limit=500', headers: auth('admin') })
  t.equal(audit.statusCode, 200)
  t.ok(audit.json().items.length >= 6, 'the create, four checks and the explanation are in the trail')
  t.same(leaksIn(audit.body), [], 'GET /v1/audit')
  const metrics = await app.inject({ method: 'GET', url: '/metrics', headers: auth('metrics') })
  t.equal(metrics.statusCode, 200)
  t.match(metrics.body, /upc_checks_total\{channel="mail",decision="block"\} 1/)
  t.same(leaksIn(metrics.body), [], 'GET /metrics')
  headersOk(t, metrics, 'GET /metrics')
  await app.close()

  const db = new Database(config.db, { readonly: true })
  const rows = JSON.stringify(db.prepare('SELECT * FROM audit_all').all())
  db.close()
  t.same(leaksIn(rows), [], 'the audit table itself, every column')
})

t.test('no-store, nosniff and frame-deny on every kind of answer: 2xx, 4xx, 401, 404, 429, 503', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'limits.json'), JSON.stringify({ http: { rateLimit: { max: 2, timeWindowMs: 60000 } } }))
  const limited = await buildTestApp(t, { dir, env: { UPC_CONFIG: join(dir, 'limits.json') } })
  const statuses = new Set<number>()
  const seen = async (app: typeof limited.app, request: InjectOptions, label: string) => {
    const res = await app.inject(request)
    statuses.add(res.statusCode)
    headersOk(t, res, `${label} (${res.statusCode})`)
    return res
  }
  for (let i = 0; i < 3; i++) await seen(limited.app, { method: 'GET', url: '/v1/check/phone?prisoner=A1234BC&number=07700900123', headers: auth('check') }, 'a check')
  for (let i = 0; i < 3; i++) await seen(limited.app, { method: 'GET', url: '/v1/entries', headers: auth('admin') }, 'a list')
  for (let i = 0; i < 3; i++) await seen(limited.app, { method: 'GET', url: '/nothing/here' }, 'a 404')
  await seen(limited.app, { method: 'GET', url: '/healthz' }, 'health')
  await seen(limited.app, { method: 'GET', url: '/v1/audit' }, 'no token')
  await seen(limited.app, { method: 'GET', url: '/v1/entries/%E0%A4' }, 'regression: a malformed URL (fastify\'s framework errors bypassed onSend and its headers)')
  await seen(limited.app, { method: 'GET', url: '/openapi.json' }, 'the OpenAPI document')

  let now = Date.parse('2026-03-01T10:00:00Z')
  const stale = await buildTestApp(t, { clock: () => now, env: { UPC_UPSTREAM_URL: 'http://127.0.0.1:1', UPC_UPSTREAM_TOKEN: TOKENS.feed, UPC_SYNC_CRON: '0 0 1 1 *' } })
  now += 3600_000
  const unavailable = await seen(stale.app, { method: 'POST', url: '/v1/check', headers: auth('check'), payload: { channel: 'phone', prisoner: 'A1234BC', phone: '07700900123' } }, 'a stale check')
  t.equal(unavailable.json().decision, 'unavailable')
  await seen(stale.app, { method: 'GET', url: '/readyz' }, 'readyz when stale')
  for (const status of [200, 400, 401, 404, 429, 503]) t.ok(statuses.has(status), `a ${status} was among them`)
  for (const [url, label] of [['/', 'mail room'], ['/spoc', 'SPOC page'], ['/assets/upc.css', 'stylesheet']]) {
    const page = await seen(limited.app, { method: 'GET', url: url as string, headers: { 'x-forwarded-for': '198.51.100.7' } }, label as string)
    t.equal(page.headers['content-security-policy'], PAGE_CSP, `${label}: the strict CSP`)
  }
})

t.test('on a real socket: the headers, and bodies with no detail, as a client sees them', async (t) => {
  const { app } = await buildTestApp(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`
  const answers = [
    await fetch(`${base}/v1/nowhere/${encodeURIComponent(EMAIL)}`),
    await fetch(`${base}/v1/check`, { method: 'POST', headers: { authorization: `Bearer ${TOKENS.check}`, 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'phone', prisoner: PHONE }) }),
    await fetch(`${base}/v1/check`, { method: 'POST', headers: { authorization: `Bearer ${TOKENS.admin}`, 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'phone', prisoner: 'A1234BC', phone: PHONE }) }),
    await fetch(`${base}/v1/check/phone?prisoner=A1234BC&number=${encodeURIComponent(PHONE)}`, { headers: { authorization: `Bearer ${TOKENS.check}` } })
  ]
  t.same(answers.map((res) => res.status), [404, 400, 403, 200])
  for (const res of answers) {
    const headers = Object.fromEntries(res.headers.entries())
    headersOk(t, { headers, statusCode: res.status }, `${res.status}`)
    t.same(leaksIn(await res.text()), [], `${res.status}: no detail`)
  }
})

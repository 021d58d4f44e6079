import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import t from 'tap'
import { fuzzInject, fuzzSocket } from '../scripts/lib/fuzz.js'
import { TOKENS, buildTestApp } from './helper.js'

// The short version of scripts/fuzz.ts (npm run fuzz -- --requests 1000000): hostile requests over
// every route the daemon registers (app.upc.routes, so a new route is fuzzed without a line here).
const REQUESTS = Number(process.env.UPC_FUZZ_REQUESTS ?? 10_000)
const SEED = Number(process.env.UPC_FUZZ_SEED ?? 20260301)
const ROLES = { admin: TOKENS.admin, check: TOKENS.check, feed: TOKENS.feed, metrics: TOKENS.metrics }

// About 30-60 s alone; on a busy machine more than the suite's 120 s per file, so this file asks for more.
t.setTimeout(600_000)

t.test(`${REQUESTS} generated hostile requests: no 5xx, no crash, nothing changed by a refused request, memory back`, async (t) => {
  const dir = t.testdir()
  // No rate limit in the way: the run is one client sending as fast as it can.
  writeFileSync(join(dir, 'fuzz.json'), JSON.stringify({ http: { rateLimit: { max: 100_000_000, timeWindowMs: 60000 } } }))
  const { app, config } = await buildTestApp(t, { dir, env: { UPC_CONFIG: join(dir, 'fuzz.json') } })
  const report = await fuzzInject(app, config.db, ROLES, config.http.bodyLimit, { requests: REQUESTS, seed: SEED, warmup: 1000, shrink: true })
  t.comment(`fuzzed ${report.requests} requests in ${report.ms} ms; statuses ${JSON.stringify(report.byStatus)}`)
  t.comment(`rss after warm-up ${(report.rss.start / 2 ** 20).toFixed(1)} MiB, at the end ${(report.rss.end / 2 ** 20).toFixed(1)} MiB, peak ${(report.rss.peak / 2 ** 20).toFixed(1)} MiB`)
  t.equal(report.error, null, 'fast-check found no counterexample')
  t.same(report.violations, [], 'no 5xx, bad error body, missing header, leak, allowed block or store change')
  t.ok(report.requests >= REQUESTS, `${report.requests} requests judged`)
  t.equal(report.byStatus['5xx'], undefined, 'no 5xx at all')
  t.ok((report.byStatus['4xx'] ?? 0) > REQUESTS / 2, 'most were refused')
  t.ok((report.byStatus['2xx'] ?? 0) > REQUESTS / 20, 'and enough got through to reach the services')
  t.ok(report.blocksHeld > 0, `${report.blocksHeld} answered checks carried a blocked detail, and every one said block`)
  t.ok(report.acceptedWrites > 0, `${report.acceptedWrites} accepted writes, each a 2xx POST`)
  t.ok(report.unchangedChecked > REQUESTS / 2, `${report.unchangedChecked} requests after which no table had changed`)
  t.equal(report.auditChecks.found, report.auditChecks.expected, `one audit row per decision answered (${report.auditChecks.expected}), none for a refused check`)
  t.ok(report.rss.end <= report.rss.start * 1.1, `RSS back within 10% of where it started (${(100 * report.rss.end / report.rss.start - 100).toFixed(1)}%)`)

  // The daemon still answers, and a slice of malformed HTTP on a real socket gets a 4xx or a close.
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const socket = await fuzzSocket(port, ROLES, 300, SEED)
  t.comment(`socket: ${socket.sent} sent, answers ${JSON.stringify(socket.answered)}, closed without an answer ${socket.closedSilently}, timed out ${socket.timedOut}`)
  t.same(socket.violations, [], 'no 5xx and no token on the socket')
  t.equal(socket.timedOut, 0, 'every malformed request was answered or closed')
  t.ok(Object.keys(socket.answered).some((status) => status.startsWith('4')), 'malformed requests got 4xx')
  const health = await fetch(`http://127.0.0.1:${port}/healthz`)
  t.equal(health.status, 200, 'alive after it all')
})

t.test('the fuzz catches what it is for: a route broken on purpose (a 5xx, a write by a refused request, a leak)', async (t) => {
  const dir = t.testdir()
  writeFileSync(join(dir, 'fuzz.json'), JSON.stringify({ http: { rateLimit: { max: 100_000_000, timeWindowMs: 60000 } } }))
  const { app, config } = await buildTestApp(t, { dir, env: { UPC_CONFIG: join(dir, 'fuzz.json') } })
  const db = new Database(config.db)
  t.teardown(() => db.close())
  let calls = 0
  // Registered like any route, so the fuzz finds it in app.upc.routes without being told.
  app.post('/v1/broken-on-purpose', { config: { auth: 'admin' } }, async (_request, reply) => {
    calls++
    if (calls % 2 === 1) throw new Error('broken on purpose')
    db.prepare("INSERT INTO audit (at, actor, action) VALUES (0, 'test', 'entry.create')").run()
    return reply.code(400).send({ error: 'invalid_request', message: 'phone 07700 900123 is not allowed' })
  })
  const report = await fuzzInject(app, config.db, ROLES, config.http.bodyLimit, { requests: 600, seed: SEED, warmup: 100, shrink: false })
  t.ok(calls >= 4, `the broken route was called ${calls} times`)
  const kinds = new Set(report.violations.map((violation) => violation.kind))
  for (const kind of ['5xx', 'store changed', 'detail in error']) t.ok(kinds.has(kind), `a ${kind} is reported`)
  t.ok(report.violations.every((violation) => violation.request.includes('/v1/broken-on-purpose')), 'and only for that route')
})

import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import t from 'tap'
import { fuzzInject } from '../scripts/lib/fuzz.js'
import type { FuzzReport, SocketReport } from '../scripts/lib/fuzz.js'
import { TOKENS, buildTestApp, tempDir } from './helper.js'

// The short version of scripts/fuzz.ts (npm run fuzz -- --requests 1000000): hostile requests over
// every route the daemon registers (app.upc.routes, so a new route is fuzzed without a line here).
const REQUESTS = Number(process.env.UPC_FUZZ_REQUESTS ?? 10_000)
const SEED = Number(process.env.UPC_FUZZ_SEED ?? 20260301)
const execFileAsync = promisify(execFile)
const ROLES = { admin: TOKENS.admin, check: TOKENS.check, feed: TOKENS.feed, metrics: TOKENS.metrics }
const ROOT = fileURLToPath(new URL('../', import.meta.url))

// About 30-60 s alone; on a busy machine more than the suite's 120 s per file, so this file asks for more.
t.setTimeout(900_000)

t.test(`${REQUESTS} generated hostile requests: no 5xx, no crash, nothing changed by a refused request, memory back`, async (t) => {
  // In a child process, like the long run: tap's coverage instrumentation makes this run some fifteen
  // times slower, and the RSS figure is the daemon's and the fuzz's alone, with a real --expose-gc.
  const run = await execFileAsync(process.execPath, ['--expose-gc', '--import', 'tsx', 'scripts/fuzz.ts', '--requests', String(REQUESTS), '--seed', String(SEED), '--socket', '300', '--json'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '' },
    maxBuffer: 64 * 2 ** 20,
    timeout: 850_000
  }).catch((err: { stdout?: string, stderr?: string, code?: number }) => ({ stdout: err.stdout ?? '', stderr: `${err.stderr ?? ''} (exit ${err.code})` }))
  const lines = run.stdout.trim().split('\n')
  for (const line of lines.slice(0, -1)) t.comment(line)
  const { report, socket, health } = JSON.parse(lines[lines.length - 1] ?? '{}') as { report: FuzzReport, socket: SocketReport, health: number }
  t.ok(report !== undefined, `the run reported (${run.stderr.slice(0, 500)})`)
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
  // Then a slice of malformed HTTP on a real socket: a 4xx or a close, and the daemon still answers.
  t.same(socket.violations, [], 'no 5xx and no token on the socket')
  t.equal(socket.sent, 300)
  t.equal(socket.timedOut, 0, 'every malformed request was answered or closed')
  t.ok(Object.keys(socket.answered).some((status) => status.startsWith('4')), 'malformed requests got 4xx')
  t.equal(health, 200, 'alive after it all')
})

t.test('the fuzz catches what it is for: a route broken on purpose (a 5xx, a write by a refused request, a leak)', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'fuzz.json'), JSON.stringify({ http: { rateLimit: { max: 100_000_000, timeWindowMs: 60000 } } }))
  // Alerts off as in scripts/fuzz.ts: their job writes beside requests, not because of one.
  const { app, config } = await buildTestApp(t, { dir, env: { UPC_CONFIG: join(dir, 'fuzz.json'), UPC_ALERTS_ENABLED: 'false' } })
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
  // Aimed at that route and one good one, so that it is quick under coverage.
  const only = (route: string) => route === '/v1/broken-on-purpose' || route === '/v1/check'
  const report = await fuzzInject(app, config.db, ROLES, config.http.bodyLimit, { requests: 150, seed: SEED, warmup: 50, shrink: false, only })
  t.ok(calls >= 4, `the broken route was called ${calls} times`)
  const kinds = new Set(report.violations.map((violation) => violation.kind))
  for (const kind of ['5xx', 'store changed', 'detail in error']) t.ok(kinds.has(kind), `a ${kind} is reported`)
  t.ok(report.violations.every((violation) => violation.request.includes('/v1/broken-on-purpose')), 'and only for that route')
})

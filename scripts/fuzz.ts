/**
 * The long hostile-input run (the short one is test/fuzz.test.ts):
 *   npm run fuzz -- --requests 1000000 [--seed N] [--socket 2000]
 * Builds a real app on a scratch store in a temporary folder, sends generated hostile requests
 * through fastify.inject, then malformed HTTP over a real socket, and prints the figures.
 * Exits 1 on any violation. Idempotent: nothing is kept.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pino from 'pino'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { fuzzInject, fuzzSocket } from './lib/fuzz.js'

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '100000' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    socket: { type: 'string', default: '2000' },
    log: { type: 'string', default: 'silent' },
    /** one JSON line at the end with every figure, for test/fuzz.test.ts */
    json: { type: 'boolean', default: false }
  }
})
const requests = Number(values.requests)
const seed = Number(values.seed)
const TOKENS = {
  admin: 'fuzz-admin-7cbb4a92a52b096ec30c573e',
  check: 'fuzz-check-8ecf5607db2fd1b57fa3dd31',
  feed: 'fuzz-feed-68d8d3b6b9d42b67f710ed26',
  metrics: 'fuzz-metrics-add89f8f13fa6f40daa201c5'
}

const dir = mkdtempSync(join(tmpdir(), 'upc-fuzz-'))
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`
try {
  writeFileSync(join(dir, 'fuzz.json'), JSON.stringify({ http: { rateLimit: { max: 1_000_000_000, timeWindowMs: 60000 } } }))
  const config = loadConfig({
    UPC_DB: join(dir, 'upc-guard.db'),
    UPC_CONFIG: join(dir, 'fuzz.json'),
    UPC_ESTABLISHMENT: 'HLI',
    // The alerts job writes beside requests, once a second (docs/ALERTS.md): off, so that every
    // change of the store is one a request made. The alert routes are still fuzzed.
    UPC_ALERTS_ENABLED: 'false',
    UPC_TOKENS: JSON.stringify([
      { name: 'spoc', roles: ['admin'], token: TOKENS.admin },
      { name: 'pbx', roles: ['check'], token: TOKENS.check },
      { name: 'downstream', roles: ['feed'], token: TOKENS.feed, establishment: 'HLI' },
      { name: 'prometheus', roles: ['metrics'], token: TOKENS.metrics }
    ])
  })
  // --log error shows the cause of a 5xx on stderr (ids and codes only, like every log line).
  const app = await buildApp(config, { hashKey: Buffer.alloc(32, 9), logger: pino({ level: values.log }, pino.destination(2)) })
  console.log(`fuzz: ${requests} requests, seed ${seed}, ${app.upc.routes.length} routes, store ${config.db}`)
  const started = Date.now()
  const report = await fuzzInject(app, config.db, TOKENS, config.http.bodyLimit, {
    requests,
    seed,
    warmup: Math.min(10_000, Math.max(1000, Math.ceil(requests / 10))),
    shrink: false,
    onProgress: (done) => {
      if (done % (requests >= 100_000 ? 50_000 : 1000) === 0) console.log(`  ${done} requests, ${Math.round(done / ((Date.now() - started) / 1000))}/s, rss ${mib(process.memoryUsage.rss())}`)
    }
  })
  console.log(`requests: ${report.requests} in ${(report.ms / 1000).toFixed(1)} s (${Math.round(report.requests / (report.ms / 1000))}/s)`)
  console.log(`statuses: ${JSON.stringify(report.byStatus)}`)
  console.log(`accepted writes: ${report.acceptedWrites}; requests after which no table had changed: ${report.unchangedChecked}`)
  console.log(`answered checks carrying a blocked detail: ${report.blocksHeld}, every one block unless listed below`)
  console.log(`check audit rows: ${report.auditChecks.found} for ${report.auditChecks.expected} decisions answered`)
  console.log(`rss: after warm-up ${mib(report.rss.start)}, end ${mib(report.rss.end)} (${(100 * report.rss.end / report.rss.start - 100).toFixed(1)}%), peak ${mib(report.rss.peak)}; V8 heap after warm-up ${mib(report.heap.start)}, end ${mib(report.heap.end)}; ${JSON.stringify(Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, mib(v)])))}`)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : 0
  const socket = await fuzzSocket(port, TOKENS, Number(values.socket), seed)
  const health = await fetch(`http://127.0.0.1:${port}/healthz`)
  console.log(`socket: ${socket.sent} malformed requests, answers ${JSON.stringify(socket.answered)}, closed without an answer ${socket.closedSilently}, timed out ${socket.timedOut}; /healthz after: ${health.status}`)
  await app.close()
  const violations = [...report.violations.map((v) => `${v.kind} (${v.status}): ${v.detail} <- ${v.request}`), ...socket.violations]
  const fiveXX = (report.byStatus['5xx'] ?? 0) + socket.violations.filter((v) => / 5\d\d$/.test(v)).length
  console.log(`5xx found: ${fiveXX}`)
  console.log(`violations: ${violations.length}${report.error === null ? '' : ' (fast-check: ' + report.error.split('\n')[0] + ')'}`)
  for (const line of violations.slice(0, 30)) console.log(`  ${line}`)
  if (values.json) console.log(JSON.stringify({ report, socket, health: health.status }))
  const rssOk = report.rss.end <= report.rss.start * 1.1
  if (violations.length > 0 || !rssOk || socket.timedOut > 0 || report.auditChecks.found !== report.auditChecks.expected || health.status !== 200) process.exitCode = 1
} finally {
  rmSync(dir, { recursive: true, force: true })
}

/**
 * Soak (docs/RELIABILITY.md): a real establishment daemon (default settings, rate limit raised so the load is
 * not refused) and its hub, both child processes on loopback. The peak is measured with a short
 * burst, then mixed checks (phone, email, address, the GET form and batches; blocked and not) run
 * at a fraction of it for the duration, while a SPOC creates and lifts entries at both daemons and
 * syncs run (the cron every 5 s, and POST /v1/sync). Every window it samples the p99 of the checks,
 * the errors, the daemon's RSS and the event-loop delay, seen from outside as the latency of
 * GET /healthz probed on its own connection between the checks (docs/RELIABILITY.md says why).
 *
 *   npm run soak                       10 minutes
 *   npm run soak -- --duration 30      the CI version (test/scripts/soak.test.ts)
 *
 * Asserts, and exits 1 if any fails: no errors or non-2xx answers (checks, admin writes, syncs),
 * every check answered is in the audit trail, RSS flat after warm-up (the median of the last third
 * of the RSS samples, taken every 250 ms, within --rss-limit of the first third's: the heap's GC
 * sawtooth swings RSS by a third within a few seconds, which a mean of two window samples read as
 * growth). Latency is reported, never asserted.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChildProcess } from 'node:child_process'
import autocannon from 'autocannon'
import Database from 'better-sqlite3'
import { attempts } from './bench/attempts.js'
import { fillStore } from './bench/fill-store.js'
import { api, startDaemon } from './lib/daemon.js'
import { numberArg } from './lib/args.js'
import { feedKeys } from './lib/feed-keys.js'

const DURATION = numberArg('duration', 600)
// Enough that loading the index at start fills SQLite's 32 MiB page cache (src/store/db.ts): with
// a smaller store the cache fills during the run with audit pages, bounded growth that reads as a leak.
const ENTRIES = numberArg('entries', 60_000)
const FRACTION = numberArg('fraction', 0.7)
const WINDOW_S = numberArg('window', DURATION >= 120 ? 10 : 3)
const WARMUP_S = numberArg('warmup', Math.min(60, Math.round(DURATION / 3)))
const RSS_LIMIT = numberArg('rss-limit', 0.15)
const CONNECTIONS = numberArg('connections', 16)
const BATCH_ITEMS = 10
const HERE = 'SOK'
const CHECK = 'soak-check-58955c1293680649b4554420'
const ADMIN = 'soak-admin-2527ae61d1e856003e85f440'
const FEED = 'soak-feed-9b42d013dcf2a9e88fdd7dfe'
const say = (line: string) => process.stdout.write(`${line}\n`)
const children: ChildProcess[] = []

function percentile (sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number
}

function rssMiB (pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return kib / 1024
}

const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 0.5)
const RSS_SAMPLE_MS = 250

interface Window { at: number, requests: number, p99: number, probeP99: number, probeMax: number, rss: number, errors: number }

async function main (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'upc-soak-'))
  const settings = join(dir, 'soak.json')
  // Default settings but the rate limit, which would otherwise refuse the load itself (2,000/s a client).
  writeFileSync(settings, JSON.stringify({ http: { rateLimit: { max: 100_000_000, timeWindowMs: 60_000 } } }))
  const clients = JSON.stringify([
    { name: 'pbx', roles: ['check'], token: CHECK },
    { name: 'spoc', roles: ['admin'], token: ADMIN },
    { name: 'sok-feed', roles: ['feed'], token: FEED, establishment: HERE }
  ])
  const estDb = join(dir, 'sok.db')
  const hubDb = join(dir, 'hub.db')
  const fill = fillStore(estDb, ENTRIES, 'establishment', HERE, 1, join(dir, 'sok.key'))
  fillStore(hubDb, Math.round(ENTRIES / 4), 'hub', HERE, 2, join(dir, 'hub.key'))
  say(`stores: ${ENTRIES} local entries (${fill.details} details) at the establishment, ${Math.round(ENTRIES / 4)} at the hub`)

  const keys = feedKeys(dir)
  const hub = await startDaemon({ ...keys.hub, UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB', UPC_DB: hubDb, UPC_TOKENS: clients, UPC_CONFIG: settings, UPC_LOG_LEVEL: 'info', UPC_KEY_FILE: join(dir, 'hub.key') })
  children.push(hub.child)
  const est = await startDaemon({
    UPC_ESTABLISHMENT: HERE, UPC_DB: estDb, UPC_TOKENS: clients, UPC_CONFIG: settings, UPC_LOG_LEVEL: 'info', UPC_KEY_FILE: join(dir, 'sok.key'),
    UPC_UPSTREAM_URL: hub.base, UPC_UPSTREAM_TOKEN: FEED, UPC_SYNC_CRON: '*/5 * * * * *', ...keys.establishment
  })
  children.push(est.child)
  const pid = est.child.pid as number
  const first = await api(est.base, ADMIN, 'POST', '/v1/sync')
  if (first.json.ok !== true) throw new Error('the first sync failed')

  const headers = { 'content-type': 'application/json', authorization: `Bearer ${CHECK}` }
  const mix = [...attempts('phone', 400, fill.details), ...attempts('email', 250, fill.details), ...attempts('address', 250, fill.details)]
  // Each request counts the checks it carried when it is answered 2xx (a batch carries several).
  const counts = { checks: 0 }
  const counted = (checks: number) => (status: number) => { if (status >= 200 && status < 300) counts.checks += checks }
  const requests: autocannon.Request[] = []
  for (let i = 0; i < mix.length; i++) {
    const body = mix[i]
    if (body === undefined) continue
    if (i % 20 === 7) {
      const items = mix.slice(i, i + BATCH_ITEMS).concat(mix).slice(0, BATCH_ITEMS)
      requests.push({ method: 'POST', path: '/v1/check/batch', body: JSON.stringify({ items }), onResponse: counted(BATCH_ITEMS) })
    } else if (i % 20 === 3 && body.phone !== undefined) {
      requests.push({ method: 'GET', path: `/v1/check/phone?prisoner=${body.prisoner}&number=${encodeURIComponent(String(body.phone))}`, onResponse: counted(1) })
    } else {
      requests.push({ method: 'POST', path: '/v1/check', body: JSON.stringify(body), onResponse: counted(1) })
    }
  }

  // 1. The peak: a short closed-loop burst.
  const burst = await autocannon({ url: est.base, connections: CONNECTIONS, duration: Math.min(10, Math.max(3, Math.round(DURATION / 30))), headers, requests, timeout: 10 })
  const peak = burst.requests.average
  const rate = Math.max(50, Math.round(peak * FRACTION))
  say(`peak: ${Math.round(peak)} req/s (p99 ${burst.latency.p99} ms, errors ${burst.errors}, non-2xx ${burst.non2xx}); soaking at ${rate} req/s (${Math.round(FRACTION * 100)}%) for ${DURATION} s`)
  await new Promise((resolve) => setTimeout(resolve, 500)) // the burst's last audit flush
  const auditBefore = auditedChecks(estDb)
  counts.checks = 0

  // 2. The soak: paced checks, admin writes and syncs beside them, sampled every window.
  const state = { errors: 0, non2xx: 0, answered: 0, latencies: [] as number[], adminErrors: 0, adminWrites: 0, syncs: 0, syncErrors: 0, probes: [] as number[] }
  let finish: (result: autocannon.Result) => void = () => {}
  let fail: (err: unknown) => void = () => {}
  const done = new Promise<autocannon.Result>((resolve, reject) => { finish = resolve; fail = reject })
  const instance = autocannon({ url: est.base, connections: CONNECTIONS, overallRate: rate, duration: DURATION, headers, requests, timeout: 10 }, (err, result) => {
    if (err !== null && err !== undefined) fail(err)
    else finish(result)
  })
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    state.answered++
    state.latencies.push(responseTime)
    if (statusCode < 200 || statusCode >= 300) state.non2xx++
  })
  instance.on('reqError', () => { state.errors++ })

  const started = performance.now()
  const running = () => performance.now() - started < DURATION * 1000
  const localIds: string[] = []
  const hubIds: string[] = []
  const admin = (async () => {
    for (let tick = 0; running(); tick++) {
      const phone = `07700 900${String(tick % 1000).padStart(3, '0')}`
      const made = await api(est.base, ADMIN, 'POST', '/v1/entries', { scope: 'establishment', phones: [phone], reason: 'soak entry' })
      state.adminWrites++
      if (made.status === 201) localIds.push(made.json.id as string)
      else state.adminErrors++
      if (tick % 2 === 1 && localIds.length > 0) {
        const lifted = await api(est.base, ADMIN, 'POST', `/v1/entries/${localIds.shift() as string}/lift`, { reason: 'soak lift' })
        state.adminWrites++
        if (lifted.status !== 200) state.adminErrors++
      }
      if (tick % 2 === 0) {
        const atHub = await api(hub.base, ADMIN, 'POST', '/v1/entries', { scope: 'establishment', establishment: HERE, emails: [`soak.${tick}@example.org`], reason: 'soak hub entry' })
        state.adminWrites++
        if (atHub.status === 201) hubIds.push(atHub.json.id as string)
        else state.adminErrors++
        if (hubIds.length > 3) {
          const lifted = await api(hub.base, ADMIN, 'POST', `/v1/entries/${hubIds.shift() as string}/lift`, { reason: 'soak hub lift' })
          state.adminWrites++
          if (lifted.status !== 200) state.adminErrors++
        }
      }
      if (tick % 10 === 5) {
        const synced = await api(est.base, ADMIN, 'POST', '/v1/sync')
        state.syncs++
        if (synced.status !== 200 || synced.json.ok !== true) state.syncErrors++
      }
      await new Promise((resolve) => setTimeout(resolve, 1000))
    }
  })()

  // The event loop seen from outside: /healthz does nothing, so its latency is the wait to be served.
  const probe = (async () => {
    while (running()) {
      const t0 = performance.now()
      try {
        const res = await fetch(`${est.base}/healthz`)
        await res.arrayBuffer()
        if (res.status !== 200) state.errors++
      } catch {
        state.errors++
      }
      state.probes.push(performance.now() - t0)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  })()

  const windows: Window[] = []
  const rssSamples: Array<{ at: number, rss: number }> = []
  const rssSampler = setInterval(() => {
    rssSamples.push({ at: (performance.now() - started) / 1000, rss: rssMiB(pid) })
  }, RSS_SAMPLE_MS)
  let lastAnswered = 0
  say('    t(s)   req/s   p99(ms)   healthz p99/max(ms)   RSS(MiB)   errors')
  const sampler = setInterval(() => {
    const latencies = state.latencies.sort((a, b) => a - b)
    const probes = state.probes.sort((a, b) => a - b)
    const w: Window = {
      at: Math.round((performance.now() - started) / 1000),
      requests: (state.answered - lastAnswered) / WINDOW_S,
      p99: percentile(latencies, 0.99),
      probeP99: percentile(probes, 0.99),
      probeMax: probes[probes.length - 1] ?? 0,
      rss: rssMiB(pid),
      errors: state.errors + state.non2xx + state.adminErrors + state.syncErrors
    }
    lastAnswered = state.answered
    state.latencies = []
    state.probes = []
    windows.push(w)
    say(`  ${String(w.at).padStart(6)}  ${String(Math.round(w.requests)).padStart(6)}  ${w.p99.toFixed(1).padStart(8)}  ${`${w.probeP99.toFixed(1)} / ${w.probeMax.toFixed(1)}`.padStart(20)}  ${w.rss.toFixed(1).padStart(9)}  ${String(w.errors).padStart(7)}`)
  }, WINDOW_S * 1000)

  const result = await done
  clearInterval(sampler)
  clearInterval(rssSampler)
  await admin
  await probe
  const seconds = (performance.now() - started) / 1000

  // 3. Stop the establishment cleanly (SIGTERM drains and flushes the audit), then count.
  est.child.kill('SIGTERM')
  const code = await est.exited
  hub.child.kill('SIGTERM')
  await hub.exited
  const audited = auditedChecks(estDb) - auditBefore

  const settled = windows.filter((w) => w.at > WARMUP_S)
  const rssSettled = rssSamples.filter((s) => s.at > WARMUP_S).map((s) => s.rss)
  const third = Math.max(1, Math.floor(rssSettled.length / 3))
  const early = median(rssSettled.slice(0, third))
  const late = median(rssSettled.slice(-third))
  const growth = early === 0 ? 0 : (late - early) / early
  const p99s = settled.map((w) => w.p99).sort((a, b) => a - b)
  const errors = state.errors + result.errors + result.timeouts
  const failures: string[] = []
  if (errors !== 0) failures.push(`${errors} request errors or timeouts`)
  if (state.non2xx + result.non2xx !== 0) failures.push(`${Math.max(state.non2xx, result.non2xx)} non-2xx answers`)
  if (state.adminErrors !== 0) failures.push(`${state.adminErrors} admin writes failed`)
  if (state.syncErrors !== 0) failures.push(`${state.syncErrors} syncs failed`)
  if (audited < counts.checks) failures.push(`${counts.checks - audited} answered checks missing from the audit trail`)
  if (rssSettled.length < 12) failures.push('too few samples after warm-up to judge RSS')
  else if (growth > RSS_LIMIT) failures.push(`RSS grew ${(growth * 100).toFixed(1)}% after warm-up (limit ${RSS_LIMIT * 100}%)`)
  if (code !== 0) failures.push(`the daemon exited ${code} on SIGTERM`)

  say('')
  say(`soak: ${seconds.toFixed(0)} s at ${rate} req/s target, ${Math.round(result.requests.average)} req/s achieved, ${state.answered} answers (${counts.checks} checks)`)
  say(`latency: p99 per window after warm-up: median ${percentile(p99s, 0.5).toFixed(1)} ms, worst ${(p99s[p99s.length - 1] ?? 0).toFixed(1)} ms; whole run p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`)
  say(`event loop (healthz latency under load): worst window p99 ${Math.max(0, ...settled.map((w) => w.probeP99)).toFixed(1)} ms, worst single ${Math.max(0, ...settled.map((w) => w.probeMax)).toFixed(1)} ms`)
  say(`admin writes: ${state.adminWrites} (errors ${state.adminErrors}); syncs asked: ${state.syncs} (errors ${state.syncErrors}), the cron syncing every 5 s besides`)
  say(`audit: ${audited} check records for ${counts.checks} checks answered`)
  say(`rss: median of the first third after warm-up ${early.toFixed(1)} MiB, of the last third ${late.toFixed(1)} MiB (${rssSettled.length} samples), growth ${(growth * 100).toFixed(1)}% (limit ${(RSS_LIMIT * 100).toFixed(0)}%)`)
  say(`errors: ${errors}, non-2xx: ${Math.max(state.non2xx, result.non2xx)}`)
  say(failures.length === 0 ? 'soak: PASS' : `soak: FAIL: ${failures.join('; ')}`)
  rmSync(dir, { recursive: true, force: true })
  process.exit(failures.length === 0 ? 0 : 1)
}

function auditedChecks (file: string): number {
  const db = new Database(file, { readonly: true })
  try {
    return db.prepare("SELECT COUNT(*) FROM audit_all WHERE action IN ('check.decide', 'check')").pluck().get() as number
  } finally {
    db.close()
  }
}

main().catch((err: unknown) => {
  for (const child of children) child.kill('SIGKILL')
  process.stderr.write(`soak failed: ${err instanceof Error ? err.stack : String(err)}\n`)
  process.exit(1)
})

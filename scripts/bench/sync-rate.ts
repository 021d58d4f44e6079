/**
 * The sync part of `npm run bench` on its own (issue 6): a hub daemon with N entries for one
 * establishment, then, round after round, a fresh empty establishment daemon pulling them all while
 * autocannon sends it checks until the sync's audit row appears. Daemons run built (dist): run
 * `npm run build` first.
 *
 *   npx tsx scripts/bench/sync-rate.ts [--entries 20000] [--rounds 3] [--connections 10]
 *
 * Prints per round the rate (the `sync` audit row's applied / durationMs), the checks answered
 * meanwhile (p50, p99, p99.9) and the establishment's CPU seconds (all threads), then the medians.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { attempts } from './attempts.js'
import { fillStore } from './fill-store.js'
import { cpuOf } from './proc-cpu.js'
import { api, freePort, startDaemon } from '../lib/daemon.js'
import type { Daemon } from '../lib/daemon.js'
import { numberArg } from '../lib/args.js'
import { ADMIN_TOKEN, CHECK_TOKEN, FEED_TOKEN } from './tokens.js'

const ENTRIES = numberArg('entries', 20_000)
const ROUNDS = numberArg('rounds', 3)
const CONNECTIONS = numberArg('connections', 10)
const HERE = 'BEN'
const say = (line: string) => process.stdout.write(`${line}\n`)
const daemons: Daemon[] = []

interface Round { applied: number, seconds: number, perSec: number, checks: number, p50: number, p99: number, p999: number, errors: number, cpuSeconds: number }

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN

async function round (dir: string, n: number, hubBase: string, clients: string, settings: string, bodies: string[]): Promise<Round> {
  const est = await startDaemon(await freePort(), {
    UPC_DB: join(dir, `empty-${n}.db`), UPC_ESTABLISHMENT: HERE, UPC_TOKENS: clients, UPC_CONFIG: settings, UPC_KEY_FILE: join(dir, `est-${n}.key`),
    UPC_UPSTREAM_URL: hubBase, UPC_UPSTREAM_TOKEN: FEED_TOKEN, UPC_SYNC_CRON: '0 0 1 1 *'
  }, { built: true })
  daemons.push(est)
  // Checks from the moment the daemon listens (the first sync starts with it) until the sync's row.
  const instance = (autocannon as unknown as (options: autocannon.Options) => autocannon.Instance)({
    url: est.base,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: 120,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${CHECK_TOKEN}` },
    requests: bodies.map((body) => ({ method: 'POST', path: '/v1/check', body })),
    timeout: 10
  })
  const done = new Promise<autocannon.Result>((resolve) => instance.on('done', resolve))
  let row: { detail: { applied: number, durationMs: number } } | undefined
  for (let i = 0; i < 1200 && row === undefined; i++) {
    const audit = await api(est.base, ADMIN_TOKEN, 'GET', '/v1/audit?action=sync&limit=1')
    row = audit.json.items?.[0]
    if (row === undefined) await new Promise((resolve) => setTimeout(resolve, 50))
  }
  instance.stop()
  const result = await done
  const cpu = cpuOf(est.child.pid as number, true)
  est.child.kill('SIGTERM')
  await est.exited
  const latency = result.latency as unknown as Record<string, number>
  const applied = row?.detail.applied ?? 0
  const seconds = (row?.detail.durationMs ?? 0) / 1000
  return {
    applied,
    seconds,
    perSec: applied / Math.max(0.001, seconds),
    checks: result.requests.total,
    p50: latency.p50 ?? NaN,
    p99: latency.p99 ?? NaN,
    p999: latency.p99_9 ?? NaN,
    errors: result.errors + result.timeouts + result.non2xx,
    cpuSeconds: cpu.user + cpu.sys
  }
}

async function main (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'upc-sync-rate-'))
  const settings = join(dir, 'bench.json')
  writeFileSync(settings, JSON.stringify({ http: { rateLimit: { max: 100_000_000, timeWindowMs: 60_000 } } }))
  const clients = JSON.stringify([
    { name: 'pbx', roles: ['check'], token: CHECK_TOKEN, failClosed: false },
    { name: 'spoc', roles: ['admin'], token: ADMIN_TOKEN },
    { name: 'ben-feed', roles: ['feed'], token: FEED_TOKEN, establishment: HERE }
  ])
  const hubDb = join(dir, 'hub.db')
  const fill = fillStore(hubDb, ENTRIES, 'hub', HERE, 2, join(dir, 'hub.key'))
  say(`hub: ${ENTRIES} entries, ${fill.details} details, filled in ${fill.seconds.toFixed(1)} s`)
  const hub = await startDaemon(await freePort(), { UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB', UPC_DB: hubDb, UPC_TOKENS: clients, UPC_CONFIG: settings, UPC_KEY_FILE: join(dir, 'hub.key') }, { built: true })
  daemons.push(hub)
  // Checks of details the hub holds (about half blocked once synced), in the bench's mix.
  const mix = [...attempts('phone', 500, fill.details, 2), ...attempts('email', 300, fill.details, 2), ...attempts('address', 200, fill.details, 2)]
  const bodies = mix.map((body) => JSON.stringify(body))
  const rounds: Round[] = []
  for (let n = 1; n <= ROUNDS; n++) {
    const r = await round(dir, n, hub.base, clients, settings, bodies)
    rounds.push(r)
    say(`round ${n}: ${r.applied} entries in ${r.seconds.toFixed(2)} s = ${Math.round(r.perSec)} entries/s; checks ${r.checks} p50 ${r.p50} ms p99 ${r.p99} ms p99.9 ${r.p999} ms errors ${r.errors}; establishment CPU ${r.cpuSeconds.toFixed(2)} s`)
  }
  say(`median: ${Math.round(median(rounds.map((r) => r.perSec)))} entries/s, check p99 ${median(rounds.map((r) => r.p99))} ms, establishment CPU ${median(rounds.map((r) => r.cpuSeconds)).toFixed(2)} s`)
  hub.child.kill('SIGTERM')
  await hub.exited
  rmSync(dir, { recursive: true, force: true })
}

main().then(() => process.exit(0), (err: unknown) => {
  for (const daemon of daemons) daemon.child.kill('SIGKILL')
  process.stderr.write(`sync-rate failed: ${err instanceof Error ? err.stack : String(err)}\n`)
  process.exit(1)
})

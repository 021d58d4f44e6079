/**
 * The sync part of `npm run bench` on its own: a hub daemon with N entries for one
 * establishment, then, round after round, a fresh empty establishment daemon pulling them all while
 * autocannon sends it checks until the sync's audit row appears. Daemons run built (dist): run
 * `npm run build` first.
 *
 *   npx tsx scripts/bench/sync-rate.ts [--entries 20000] [--rounds 3] [--connections 10] [--cpu-prof DIR]
 *
 * Prints per round the rate (the `sync` audit row's applied / durationMs), the checks answered
 * meanwhile (p50, p99, p99.9) and the CPU seconds (all threads) of the establishment and of the hub
 * meanwhile, then the medians. `--connections 0` sends no checks (the sync alone); `--cpu-prof DIR`
 * runs both daemons under `node --cpu-prof` and prints a summary of each profile
 * (scripts/bench/cpu-profile.ts).
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { attempts } from './attempts.js'
import { summarise } from './cpu-profile.js'
import { fillStore } from './fill-store.js'
import { cpuOf } from './proc-cpu.js'
import { api, startDaemon } from '../lib/daemon.js'
import type { Daemon } from '../lib/daemon.js'
import { numberArg, textArg } from '../lib/args.js'
import { feedKeys } from '../lib/feed-keys.js'
import { ADMIN_TOKEN, CHECK_TOKEN, FEED_TOKEN } from './tokens.js'

const ENTRIES = numberArg('entries', 20_000)
const ROUNDS = numberArg('rounds', 3)
const CONNECTIONS = numberArg('connections', 10)
const PROFILES = textArg('cpu-prof', '')
const HERE = 'BEN'
const say = (line: string) => process.stdout.write(`${line}\n`)
const daemons: Daemon[] = []

interface Round { applied: number, seconds: number, perSec: number, checks: number, p50: number, p99: number, p999: number, errors: number, cpuSeconds: number, hubCpuSeconds: number }

/** How a daemon starts: built, and under --cpu-prof with its profile in DIR/<name>. */
function how (name: string): { built: true, nodeArgs: string[] } {
  if (PROFILES === '') return { built: true, nodeArgs: [] }
  const dir = join(PROFILES, name)
  mkdirSync(dir, { recursive: true })
  return { built: true, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`] }
}

const cpuSeconds = (pid: number) => {
  const cpu = cpuOf(pid, true)
  return cpu.user + cpu.sys
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN

async function round (dir: string, n: number, hub: Daemon, clients: string, settings: string, bodies: string[], keys: Record<string, string>): Promise<Round> {
  const hubBefore = cpuSeconds(hub.child.pid as number)
  const est = await startDaemon({
    UPC_DB: join(dir, `empty-${n}.db`), UPC_ESTABLISHMENT: HERE, UPC_TOKENS: clients, UPC_CONFIG: settings, UPC_KEY_FILE: join(dir, `est-${n}.key`),
    UPC_UPSTREAM_URL: hub.base, UPC_UPSTREAM_TOKEN: FEED_TOKEN, UPC_SYNC_CRON: '0 0 1 1 *', ...keys
  }, how(`establishment-${n}`))
  daemons.push(est)
  // Checks from the moment the daemon listens (the first sync starts with it) until the sync ends.
  const instance = CONNECTIONS === 0 ? null : (autocannon as unknown as (options: autocannon.Options) => autocannon.Instance)({
    url: est.base,
    connections: CONNECTIONS,
    pipelining: 1,
    duration: 120,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${CHECK_TOKEN}` },
    requests: bodies.map((body) => ({ method: 'POST', path: '/v1/check', body })),
    timeout: 10
  })
  const done = instance === null ? null : new Promise<autocannon.Result>((resolve) => instance.on('done', resolve))
  // The first sync starts with the daemon: wait until no run is going and one has been tried, reading
  // the cheap status (a read of the audit trail a poll would scan the check records meanwhile).
  let lastError: string | null = null
  for (let i = 0; i < 2400; i++) {
    const status = await api(est.base, ADMIN_TOKEN, 'GET', '/v1/sync')
    lastError = status.json.lastError
    if (status.json.running === false && status.json.lastAttemptAt !== null) break
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  if (lastError !== null) say(`round ${n}: the sync failed: ${lastError}`)
  instance?.stop()
  const audit = await api(est.base, ADMIN_TOKEN, 'GET', '/v1/audit?action=sync.run&limit=1')
  const row: { detail: { applied: number, durationMs: number } } | undefined = audit.json.items?.[0]
  const result = await done
  const cpu = cpuSeconds(est.child.pid as number)
  const hubCpuSeconds = cpuSeconds(hub.child.pid as number) - hubBefore
  est.child.kill('SIGTERM')
  await est.exited
  const latency = (result?.latency ?? {}) as unknown as Record<string, number>
  const applied = row?.detail.applied ?? 0
  const seconds = (row?.detail.durationMs ?? 0) / 1000
  return {
    applied,
    seconds,
    perSec: applied / Math.max(0.001, seconds),
    checks: result?.requests.total ?? 0,
    p50: latency.p50 ?? NaN,
    p99: latency.p99 ?? NaN,
    p999: latency.p99_9 ?? NaN,
    errors: result === null ? 0 : result.errors + result.timeouts + result.non2xx,
    cpuSeconds: cpu,
    hubCpuSeconds
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
  const keys = feedKeys(dir)
  const hub = await startDaemon({ ...keys.hub, UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB', UPC_DB: hubDb, UPC_TOKENS: clients, UPC_CONFIG: settings, UPC_KEY_FILE: join(dir, 'hub.key') }, how('hub'))
  daemons.push(hub)
  // Checks of details the hub holds (about half blocked once synced), in the bench's mix.
  const mix = [...attempts('phone', 500, fill.details, 2), ...attempts('email', 300, fill.details, 2), ...attempts('address', 200, fill.details, 2)]
  const bodies = mix.map((body) => JSON.stringify(body))
  const rounds: Round[] = []
  for (let n = 1; n <= ROUNDS; n++) {
    const r = await round(dir, n, hub, clients, settings, bodies, keys.establishment)
    rounds.push(r)
    say(`round ${n}: ${r.applied} entries in ${r.seconds.toFixed(2)} s = ${Math.round(r.perSec)} entries/s; checks ${r.checks} p50 ${r.p50} ms p99 ${r.p99} ms p99.9 ${r.p999} ms errors ${r.errors}; establishment CPU ${r.cpuSeconds.toFixed(2)} s, hub CPU ${r.hubCpuSeconds.toFixed(2)} s`)
  }
  say(`median: ${Math.round(median(rounds.map((r) => r.perSec)))} entries/s, check p99 ${median(rounds.map((r) => r.p99))} ms, establishment CPU ${median(rounds.map((r) => r.cpuSeconds)).toFixed(2)} s, hub CPU ${median(rounds.map((r) => r.hubCpuSeconds)).toFixed(2)} s`)
  hub.child.kill('SIGTERM')
  await hub.exited
  if (PROFILES !== '') {
    for (const name of readdirSync(PROFILES).filter((name) => name === 'hub' || name.startsWith('establishment-')).sort()) {
      // The first profile of a daemon is its main thread; the audit thread writes its own.
      for (const file of readdirSync(join(PROFILES, name)).sort()) say(`\n== ${name}/${file}\n${summarise(join(PROFILES, name, file), 25)}`)
    }
  }
  rmSync(dir, { recursive: true, force: true })
}

main().then(() => process.exit(0), (err: unknown) => {
  for (const daemon of daemons) daemon.child.kill('SIGKILL')
  process.stderr.write(`sync-rate failed: ${err instanceof Error ? err.stack : String(err)}\n`)
  process.exit(1)
})

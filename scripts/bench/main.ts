/**
 * `npm run bench`: the figures of docs/PERFORMANCE.md, measured against a baseline in the same run.
 *
 *   npm run bench                                   100,000 entries, 10 s a load run
 *   npm run bench -- --entries 1000000              the big run
 *   npm run bench -- --quick                        a smoke run (small, short; figures mean little)
 *
 * It is a benchmark, not a test: it prints and records figures and gates nothing. Every load is on
 * this machine's loopback, bounded in time, and stops by itself.
 */
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { fillStore } from './fill-store.js'
import { attempts, batchBodies } from './attempts.js'
import { decisionTimes, logOffset } from './decision-times.js'
import { timeChecks } from './in-process.js'
import { load } from './load.js'
import type { LoadResult } from './load.js'
import { perRequestCpu } from './proc-cpu.js'
import { table, updatePerformanceDoc } from './report.js'
import type { BenchResult } from './report.js'
import { ROOT, api, startDaemon } from '../lib/daemon.js'
import { numberArg } from '../lib/args.js'
import { feedKeys } from '../lib/feed-keys.js'
import { ADMIN_TOKEN, CHECK_TOKEN, FEED_TOKEN } from './tokens.js'

const argv = process.argv.slice(2)
const quick = argv.includes('--quick')
const ENTRIES = numberArg('entries', quick ? 2000 : 100_000)
const DURATION = numberArg('duration', quick ? 1 : 10)
const CONNECTIONS = numberArg('connections', 50)
const CHECKS = numberArg('checks', quick ? 5000 : 100_000)
const SYNC_ENTRIES = numberArg('sync-entries', quick ? 2000 : 20_000)
const HERE = 'BEN'
const say = (line: string) => process.stdout.write(`${line}\n`)
const children: ChildProcess[] = []
const tsx = ['--import', 'tsx']

async function startBaseline (): Promise<{ child: ChildProcess, url: string }> {
  const child = spawn(process.execPath, [...tsx, 'scripts/bench/baseline-server.ts', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(child)
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString())
      if (match !== null) resolve(Number(match[1]))
    })
    child.on('exit', () => reject(new Error('baseline server exited')))
  })
  return { child, url: `http://127.0.0.1:${port}` }
}

async function main (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'upc-bench-'))
  const estDb = join(dir, 'ben.db')
  const settings = join(dir, 'bench.json')
  // Production settings but for the rate limit, raised so that the load itself is not refused.
  writeFileSync(settings, JSON.stringify({ http: { rateLimit: { max: 100_000_000, timeWindowMs: 60_000 } } }))
  const clients = JSON.stringify([
    { name: 'pbx', roles: ['check'], token: CHECK_TOKEN, failClosed: false },
    { name: 'spoc', roles: ['admin'], token: ADMIN_TOKEN },
    { name: 'ben-feed', roles: ['feed'], token: FEED_TOKEN, establishment: HERE }
  ])

  // The daemons run as production runs them, built (tsc) rather than through tsx.
  say('building ...')
  const built = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' })
  if (built.status !== 0) throw new Error(`build failed: ${built.stdout}${built.stderr}`)

  say(`filling a store with ${ENTRIES.toLocaleString('en-GB')} synthetic entries through the entries service ...`)
  const fill = fillStore(estDb, ENTRIES, 'establishment', HERE, 1, join(dir, 'ben.key'))
  say(`  ${fill.details.toLocaleString('en-GB')} details in ${fill.seconds.toFixed(1)} s`)

  say('building the index from the store in a fresh process ...')
  const build = spawnSync(process.execPath, ['--expose-gc', ...tsx, 'scripts/bench/index-build.ts', estDb, join(dir, 'ben.key')], { cwd: ROOT, encoding: 'utf8' })
  if (build.status !== 0) throw new Error(`index build failed: ${build.stderr}`)
  const indexBuild = JSON.parse(build.stdout.trim().split('\n').pop() as string) as BenchResult['indexBuild']
  say(`  ${indexBuild.seconds.toFixed(2)} s, peak RSS ${indexBuild.peakRssMiB} MiB`)

  say(`timing ${CHECKS.toLocaleString('en-GB')} checks of each kind in process ...`)
  const inProcess = timeChecks(estDb, HERE, fill.details, CHECKS, join(dir, 'ben.key'))
  for (const k of inProcess) say(`  ${k.kind}: median ${k.medianUs.toFixed(1)} us, p99 ${k.p99Us.toFixed(1)} us`)

  // HTTP: the baseline and upc-guard, alternated, the same load for each.
  const baseline = await startBaseline()
  // Its log goes to a file, as a production log goes to a file or the journal: the check lines
  // carry the daemon's own time to each decision (decision-times.ts).
  const ourLog = join(dir, 'ours.log')
  const ours = await startDaemon({ UPC_DB: estDb, UPC_ESTABLISHMENT: HERE, UPC_TOKENS: clients, UPC_CONFIG: settings, UPC_LOG_LEVEL: 'info', UPC_KEY_FILE: join(dir, 'ben.key') }, { built: true, logFile: ourLog })
  children.push(ours.child)
  const mix = [...attempts('phone', 500, fill.details), ...attempts('email', 300, fill.details), ...attempts('address', 200, fill.details)]
  const bodies = mix.map((body) => JSON.stringify(body))
  const headers = { authorization: `Bearer ${CHECK_TOKEN}` }
  const pids = new Map([[baseline.url, baseline.child.pid], [ours.base, ours.child.pid]])
  const run = async (url: string, pipelining: number, seconds: number): Promise<LoadResult> => {
    const from = logOffset(ourLog)
    const result = await perRequestCpu(pids.get(url), () => load({ url, connections: CONNECTIONS, pipelining, durationSeconds: seconds, headers, bodies }))
    if (url !== ours.base) return result
    // A check's line leaves the audit thread up to 200 ms after its answer.
    await new Promise((resolve) => setTimeout(resolve, 500))
    return { ...result, decision: decisionTimes(ourLog, from) }
  }
  say('warming up both servers ...')
  await run(baseline.url, 1, quick ? 1 : 3)
  await run(ours.base, 1, quick ? 1 : 3)
  const http: BenchResult['http'] = []
  for (const pipelining of [1, 10]) {
    const row = { pipelining, baseline: [] as LoadResult[], ours: [] as LoadResult[] }
    for (let round = 1; round <= 2; round++) {
      row.baseline.push(await run(baseline.url, pipelining, DURATION))
      row.ours.push(await run(ours.base, pipelining, DURATION))
      say(`  pipelining ${pipelining}, round ${round}: baseline ${Math.round(row.baseline[round - 1]?.reqPerSec ?? 0)} req/s, upc-guard ${Math.round(row.ours[round - 1]?.reqPerSec ?? 0)} req/s`)
    }
    http.push(row)
  }

  const ITEMS = 100
  const batchLoad = await perRequestCpu(ours.child.pid, () => load({ url: ours.base, path: '/v1/check/batch', connections: 10, pipelining: 1, durationSeconds: DURATION, headers, bodies: batchBodies(mix, ITEMS) }))
  const single = http[0]?.ours.reduce((sum, o) => sum + o.reqPerSec, 0) ?? 0
  const singleReqPerSec = single / Math.max(1, http[0]?.ours.length ?? 1)
  const batch = { itemsPerRequest: ITEMS, cpuUsPerCheck: batchLoad.cpuUs.loop / ITEMS, requestsPerSec: batchLoad.reqPerSec, checksPerSec: batchLoad.reqPerSec * ITEMS, singleReqPerSec, ratio: (batchLoad.reqPerSec * ITEMS) / singleReqPerSec }
  say(`  batch: ${Math.round(batch.checksPerSec)} checks/s`)
  baseline.child.kill('SIGTERM')
  ours.child.kill('SIGTERM')

  // Sync: a hub with SYNC_ENTRIES entries for this establishment, an empty establishment pulling it,
  // and checks answered while it does.
  say(`sync: a hub with ${SYNC_ENTRIES.toLocaleString('en-GB')} entries, an empty establishment pulling them ...`)
  const hubDb = join(dir, 'hub.db')
  fillStore(hubDb, SYNC_ENTRIES, 'hub', HERE, 2, join(dir, 'hub.key'))
  const keys = feedKeys(dir)
  const hub = await startDaemon({ ...keys.hub, UPC_ROLE: 'hub', UPC_ESTABLISHMENT: 'HUB', UPC_DB: hubDb, UPC_TOKENS: clients, UPC_CONFIG: settings, UPC_KEY_FILE: join(dir, 'hub.key') }, { built: true })
  children.push(hub.child)
  const est = await startDaemon({
    UPC_DB: join(dir, 'empty.db'), UPC_ESTABLISHMENT: HERE, UPC_TOKENS: clients, UPC_CONFIG: settings, UPC_KEY_FILE: join(dir, 'est.key'),
    UPC_UPSTREAM_URL: hub.base, UPC_UPSTREAM_TOKEN: FEED_TOKEN, UPC_SYNC_CRON: '0 0 1 1 *', ...keys.establishment
  }, { built: true })
  children.push(est.child)
  const during = load({ url: est.base, connections: 10, pipelining: 1, durationSeconds: quick ? 1 : 3, headers, bodies })
  let syncRow: { detail: { applied: number, durationMs: number } } | undefined
  for (let i = 0; i < 600 && syncRow === undefined; i++) {
    const audit = await api(est.base, ADMIN_TOKEN, 'GET', '/v1/audit?action=sync.run&limit=1')
    syncRow = audit.json.items?.[0]
    if (syncRow === undefined) await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const checksDuring = await during
  const applied = syncRow?.detail.applied ?? 0
  const seconds = (syncRow?.detail.durationMs ?? 0) / 1000
  const sync = { entries: applied, seconds, entriesPerSec: applied / Math.max(0.001, seconds), checksDuring }
  say(`  ${applied} entries in ${seconds.toFixed(2)} s`)
  hub.child.kill('SIGTERM')
  est.child.kill('SIGTERM')

  const result: BenchResult = {
    when: new Date().toISOString(),
    command: `npm run bench -- ${argv.join(' ')}`.trim(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    entries: ENTRIES,
    details: fill.details,
    fillSeconds: fill.seconds,
    indexBuild,
    inProcess,
    http,
    batch,
    sync
  }
  const text = table(result)
  say('')
  say(text)
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true })
  const out = join(ROOT, 'bench-results', `bench-${result.when.replace(/[:.]/g, '-')}.json`)
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
  say(`\nwrote ${out}`)
  if (!quick) {
    updatePerformanceDoc(join(ROOT, 'docs', 'PERFORMANCE.md'), text)
    say('updated docs/PERFORMANCE.md')
  }
  rmSync(dir, { recursive: true, force: true })
}

main().then(() => process.exit(0), (err: unknown) => {
  for (const child of children) child.kill('SIGKILL')
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`)
  process.exit(1)
})

/**
 * Where the server's time goes under load: `npx tsx scripts/bench/profile.ts [options]`.
 *
 *   --entries N       entries in the store (20,000)
 *   --duration S      seconds of load (10)
 *   --pipelining P    (1)
 *   --connections C   (50; 10 with --batch)
 *   --target ours|baseline|both  (both)
 *   --prof            run the server under node --cpu-prof and print its self time by function
 *   --env K=V         extra environment for upc-guard (repeatable), e.g. --env UPC_LOG_LEVEL=silent
 *   --audit all|none  which check decisions are audited (all, as in production)
 *   --batch N         load /v1/check/batch with N items a request at 10 connections, as the bench does
 *   --log FILE        upc-guard's log (its stdout) to FILE, for the server's own time a request (`ms`)
 *   --pin             the server on core 0 (all its threads) and this process (autocannon) on core 1, so
 *                     that the client never waits for a core the server's second thread holds
 *   --dist            run the built daemon (dist/server.js, after npm run build) instead of tsx, as the bench does
 *
 * Per request, the server's CPU (user and system, from /proc/PID/stat) is printed beside req/s: it
 * depends far less on what else the machine is doing than req/s does.
 */
import { execFileSync, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { attempts, batchBodies } from './attempts.js'
import { fillStore } from './fill-store.js'
import { load } from './load.js'
import { summarise } from './cpu-profile.js'
import { cpuOf } from './proc-cpu.js'
import { ROOT, boundPort } from '../lib/daemon.js'
import { textArg } from '../lib/args.js'
import { CHECK_TOKEN as TOKEN } from './tokens.js'

const argv = process.argv.slice(2)
const ENTRIES = Number(textArg('entries', '20000'))
const DURATION = Number(textArg('duration', '10'))
const PIPELINING = Number(textArg('pipelining', '1'))
const TARGET = textArg('target', 'both')
const PROF = argv.includes('--prof')
const DIST = argv.includes('--dist')
const AUDIT = textArg('audit', 'all')
const BATCH = Number(textArg('batch', '0'))
const LOG = textArg('log', '')
const PIN = argv.includes('--pin')
const EXTRA: Record<string, string> = {}
argv.forEach((a, i) => {
  if (a === '--env') {
    const [k, ...v] = (argv[i + 1] as string).split('=')
    EXTRA[k as string] = v.join('=')
  }
})
const say = (line: string) => process.stdout.write(`${line}\n`)

/** The port the baseline server printed (`listening PORT`) once it listened. */
async function baselinePort (child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString())
      if (match !== null) resolve(Number(match[1]))
    })
    child.once('exit', () => reject(new Error('baseline server exited')))
  })
}

async function waitFor (url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error('server exited')
    try {
      await fetch(url)
      return
    } catch { /* not yet */ }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error('server did not start')
}

async function main (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'upc-prof-'))
  const db = join(dir, 'p.db')
  const settings = join(dir, 'p.json')
  writeFileSync(settings, JSON.stringify({ http: { rateLimit: { max: 100_000_000, timeWindowMs: 60_000 } }, audit: { checks: AUDIT } }))
  const fill = fillStore(db, ENTRIES, 'establishment', 'BEN', 1, join(dir, 'p.key'))
  const mix = [...attempts('phone', 500, fill.details), ...attempts('email', 300, fill.details), ...attempts('address', 200, fill.details)]
  const bodies = BATCH === 0
    ? mix.map((body) => JSON.stringify(body))
    : batchBodies(mix, BATCH)
  const path = BATCH === 0 ? '/v1/check' : '/v1/check/batch'
  const connections = Number(textArg('connections', BATCH === 0 ? '50' : '10'))
  const targets: Array<{ name: string, args: string[], env: Record<string, string> }> = []
  const profDir = join(dir, 'prof')
  const prof = [...(PROF ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []), '--import', './scripts/bench/loop-delay.mjs']
  if (TARGET !== 'ours' && BATCH === 0) targets.push({ name: 'baseline', args: [...prof, '--import', 'tsx', 'scripts/bench/baseline-server.ts', '0'], env: {} })
  if (TARGET !== 'baseline') {
    targets.push({
      name: 'upc-guard',
      args: [...prof, ...(DIST ? ['dist/server.js'] : ['--import', 'tsx', 'src/server.ts'])],
      env: {
        UPC_DB: db,
        UPC_ESTABLISHMENT: 'BEN',
        UPC_TOKENS: JSON.stringify([{ name: 'pbx', roles: ['check'], token: TOKEN, failClosed: false }]),
        UPC_CONFIG: settings,
        UPC_LOG_LEVEL: 'info',
        UPC_KEY_FILE: join(dir, 'p.key'),
        UPC_PORT: '0',
        ...EXTRA
      }
    })
  }
  for (const target of targets) {
    rmSync(profDir, { recursive: true, force: true })
    const ours = target.name === 'upc-guard'
    const stdout = LOG !== '' && ours ? openSync(LOG, 'w') : ours ? 'ignore' : 'pipe'
    if (PIN) execFileSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' })
    const [command, args] = PIN ? ['taskset', ['-c', '0', process.execPath, ...target.args]] : [process.execPath, target.args]
    const child = spawn(command, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...target.env }, stdio: ['ignore', stdout, ours ? 'pipe' : 'inherit'] })
    // Each server listens on a port the system chose and prints it: upc-guard on stderr, the baseline on stdout.
    const port = ours ? await boundPort(child) : await baselinePort(child)
    const url = `http://127.0.0.1:${port}`
    await waitFor(url, child)
    const headers = { authorization: `Bearer ${TOKEN}` }
    await load({ url, path, connections, pipelining: PIPELINING, durationSeconds: 3, headers, bodies })
    const pid = child.pid as number
    const before = [cpuOf(pid), cpuOf(pid, true)] as const
    const client = process.cpuUsage()
    const result = await load({ url, path, connections, pipelining: PIPELINING, durationSeconds: DURATION, headers, bodies })
    const after = [cpuOf(pid), cpuOf(pid, true)] as const
    const clientUs = process.cpuUsage(client)
    const us = (s: number) => ((s * 1e6) / result.requests).toFixed(1)
    const checks = BATCH === 0 ? '' : ` = ${Math.round(result.reqPerSec * BATCH)} checks/s`
    say(`${target.name}: ${Math.round(result.reqPerSec)} req/s${checks}, p99 ${result.p99} ms, p99.9 ${result.p999} ms, non-2xx ${result.non2xx}; ` +
      `CPU a request, event loop: ${us(after[0].user - before[0].user)} us user + ${us(after[0].sys - before[0].sys)} us sys, ` +
      `all threads: ${us(after[1].user + after[1].sys - before[1].user - before[1].sys)} us; ` +
      `the load generator (this process): ${us((clientUs.user + clientUs.system) / 1e6)} us`)
    const exited = new Promise((resolve) => child.on('exit', resolve))
    child.kill('SIGTERM')
    await exited
    if (PROF) {
      // One profile a thread; the event loop's holds the most samples (the audit thread's is smaller).
      const files = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => ({ f, size: statSync(join(profDir, f)).size })).sort((a, b) => b.size - a.size)
      for (const [i, { f }] of files.slice(0, 2).entries()) say(`\n${i === 0 ? 'event loop' : 'next thread'} (${f}):${summarise(join(profDir, f))}`)
    }
  }
  rmSync(dir, { recursive: true, force: true })
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`)
  process.exit(1)
})

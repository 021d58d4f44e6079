/**
 * What upc-guard's check adds to a call set-up through Kamailio. Two Kamailios run the
 * same example kamailio.cfg, one with the check and one without it (WITH_UPC_GUARD off), in front of
 * the same SIPp called party; a SIPp phone places the same allowed calls through each in turn, and
 * each call's set-up time (INVITE sent to 200 OK received) is read from SIPp's own traces.
 *
 *   npm run sip-latency -- --calls 1000 --rate 50 --rounds 2 --entries 500
 *
 * Needs /usr/sbin/kamailio (kamailio, kamailio-utils-modules) and /usr/bin/sipp (sip-tester).
 * Prints what it did and the figures; exits 1 if a call failed or a sanity call went the wrong way.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { api, startDaemon } from './lib/daemon.js'
import { placeCall, placeCalls, sipSkipReason, startKamailio, startUas } from './lib/sip.js'
import type { CallerOptions } from './lib/sip.js'
import { numberArg } from './lib/args.js'
import { percentile } from './lib/percentile.js'

const CALLS = numberArg('calls', 1000)
const RATE = numberArg('rate', 50)
const ROUNDS = numberArg('rounds', 2)
const ENTRIES = numberArg('entries', 500)
const ADMIN = 'sip-latency-admin-4a4a167c4a4ac8e021bc8c93'
const CHECK = 'sip-latency-check-c75afaaf939d14b3110ef0a3'
const CALLER: CallerOptions = { fromUser: 'pinphone', prisoner: 'A1234BC' }
const ALLOWED = '+447700900999' // no entry blocks it
const BLOCKED = '07700900000'
const say = (line: string) => process.stdout.write(`${line}\n`)

const skip = sipSkipReason()
if (skip !== false) {
  say(skip)
  process.exit(1)
}

function summary (values: number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number) => percentile(sorted, q)
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length
  return { mean, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: at(1) }
}
const ms = (value: number) => value.toFixed(2)

const dir = mkdtempSync(join(tmpdir(), 'upc-sip-latency-'))
let failed = false
const stops: Array<() => Promise<void> | void> = []
try {
  const daemon = await startDaemon({
    UPC_DB: join(dir, 'upc-guard.db'),
    UPC_KEY_FILE: join(dir, 'upc-guard.key'),
    UPC_ESTABLISHMENT: 'HLI',
    UPC_TOKENS: JSON.stringify([{ name: 'spoc', roles: ['admin'], token: ADMIN }, { name: 'pbx', roles: ['check'], token: CHECK }])
  })
  stops.push(() => { daemon.child.kill('SIGTERM') })
  // An index that is not empty: ENTRIES establishment blocks on Ofcom drama numbers 07700 900000-900998.
  for (let i = 0; i < ENTRIES; i++) {
    const number = `07700 900${String(i % 999).padStart(3, '0')}`
    const created = await api(daemon.base, ADMIN, 'POST', '/v1/entries', { scope: 'establishment', phones: [number], reason: 'latency run' })
    if (created.status !== 201) throw new Error(`entry ${i}: ${created.status}`)
  }
  say(`upc-guard on ${daemon.base} with ${ENTRIES} establishment blocks`)

  const calledParty = await startUas(join(dir, 'called-party'), { log: false })
  stops.push(() => calledParty.stop())
  const kamailios = {
    without: await startKamailio(join(dir, 'without'), { gateway: `127.0.0.1:${calledParty.port}`, url: daemon.base, token: CHECK, check: false }),
    with: await startKamailio(join(dir, 'with'), { gateway: `127.0.0.1:${calledParty.port}`, url: daemon.base, token: CHECK })
  }
  stops.push(() => kamailios.without.stop(), () => kamailios.with.stop())
  say(`kamailio (example kamailio.cfg, children=2): with the check on udp ${kamailios.with.port}, without on udp ${kamailios.without.port}`)

  // The two configurations really differ: a blocked number is refused by one and connected by the other.
  const refused = await placeCall(dir, kamailios.with.port, BLOCKED, CALLER)
  const connected = await placeCall(dir, kamailios.without.port, BLOCKED, CALLER)
  say(`sanity: a blocked number gets ${refused.finals.join(',')} with the check, ${connected.finals.join(',')} without`)
  if (refused.finals.join() !== '403' || connected.finals.join() !== '200') failed = true

  for (const which of ['without', 'with'] as const) await placeCalls(dir, kamailios[which].port, ALLOWED, CALLER, { calls: 50, rate: RATE })
  const results = { without: { setupMs: [] as number[], rtdMs: [] as number[] }, with: { setupMs: [] as number[], rtdMs: [] as number[] } }
  for (let round = 1; round <= ROUNDS; round++) {
    for (const which of ['without', 'with'] as const) {
      const run = await placeCalls(dir, kamailios[which].port, ALLOWED, CALLER, { calls: CALLS, rate: RATE })
      say(`round ${round}, ${which} the check: ${CALLS} calls at ${RATE}/s, sipp exit ${run.status}, ${run.setupMs.length} set-up times`)
      if (run.status !== 0 || run.setupMs.length !== CALLS) failed = true
      results[which].setupMs.push(...run.setupMs)
      results[which].rtdMs.push(...run.rtdMs)
    }
  }
  const figures = { without: summary(results.without.setupMs), with: summary(results.with.setupMs) }
  for (const which of ['without', 'with'] as const) {
    const f = figures[which]
    say(`${which.padEnd(7)} the check: ${results[which].setupMs.length} calls; set-up ms mean ${ms(f.mean)}, p50 ${ms(f.p50)}, p90 ${ms(f.p90)}, p99 ${ms(f.p99)}, max ${ms(f.max)} (SIPp response time, whole ms: mean ${ms(summary(results[which].rtdMs).mean)})`)
  }
  say(`added by the check: mean +${ms(figures.with.mean - figures.without.mean)} ms, p50 +${ms(figures.with.p50 - figures.without.p50)} ms, p90 +${ms(figures.with.p90 - figures.without.p90)} ms, p99 +${ms(figures.with.p99 - figures.without.p99)} ms`)
} catch (error) {
  say(`failed: ${error instanceof Error ? error.message : String(error)}`)
  failed = true
} finally {
  for (const stop of stops.reverse()) await stop()
  rmSync(dir, { recursive: true, force: true })
}
process.exit(failed ? 1 : 0)

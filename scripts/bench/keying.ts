/**
 * The keying half of a check, without a store: keysFor over the bench's attempts (the same mix as
 * in-process.ts), then one match token a key, per kind. Median and p99 of one call, and the CPU time
 * a call over the whole loop. With `--reference`, the previous implementation (test/domain/reference/)
 * is timed in the same run, alternated, so that the two are compared on the same machine state.
 *
 *   npx tsx scripts/bench/keying.ts --checks 100000 [--reference] [--kind address] [--loop]
 *
 * `--loop` only runs keysFor for a while (for `node --cpu-prof --import tsx`), printing nothing else.
 */
import { keysFor } from '../../src/domain/contact-keys.js'
import { createMatchTokens } from '../../src/domain/key-hash.js'
import type { AddressObject } from '../../src/domain/detail-keys.js'
import { keysFor as referenceKeysFor } from '../../test/domain/reference/contact-keys.js'
import { createMatchTokens as referenceTokens } from '../../test/domain/reference/key-hash.js'
import { attempts } from './attempts.js'
import { numberArg, textArg } from '../lib/args.js'

const CHECKS = numberArg('checks', 100_000)
const DETAILS = numberArg('details', 5000)
const ONLY = textArg('kind', '')
const argv = process.argv.slice(2)
const say = (line: string) => process.stdout.write(`${line}\n`)
const KINDS = (['phone', 'email', 'address'] as const).filter((kind) => ONLY === '' || kind === ONLY)

type Raw = string | AddressObject
type Keyer = (kind: 'phone' | 'email' | 'address', raw: Raw) => { lookup: string[] }

function inputs (kind: 'phone' | 'email' | 'address'): Raw[] {
  return attempts(kind, CHECKS, DETAILS).map((body) => (body[kind] as Raw))
}

function time (kind: 'phone' | 'email' | 'address', raws: Raw[], keyer: Keyer, token: (key: string) => string): { median: number, p99: number, cpu: number } {
  for (let i = 0; i < Math.min(20_000, raws.length); i++) keyer(kind, raws[i] as Raw).lookup.map(token)
  const times = new Float64Array(raws.length)
  const cpu = process.cpuUsage()
  for (let i = 0; i < raws.length; i++) {
    const started = process.hrtime.bigint()
    keyer(kind, raws[i] as Raw).lookup.map(token)
    times[i] = Number(process.hrtime.bigint() - started) / 1000
  }
  const used = process.cpuUsage(cpu)
  times.sort()
  const at = (q: number) => times[Math.min(raws.length - 1, Math.floor(q * raws.length))] ?? 0
  return { median: at(0.5), p99: at(0.99), cpu: (used.user + used.system) / raws.length }
}

const key = Buffer.alloc(32, 7)
if (argv.includes('--loop')) {
  const raws = KINDS.map((kind) => [kind, inputs(kind)] as const)
  const until = Date.now() + numberArg('seconds', 5) * 1000
  const tokens = createMatchTokens(key)
  while (Date.now() < until) {
    for (const [kind, list] of raws) for (const raw of list) keysFor(kind, raw).lookup.map(tokens)
  }
} else {
  const ours = { name: 'now', keyer: keysFor as Keyer, token: createMatchTokens(key) }
  const before = { name: 'reference', keyer: referenceKeysFor as Keyer, token: referenceTokens(key) }
  const sides = argv.includes('--reference') ? [before, ours, before, ours] : [ours]
  say(`keysFor + a token a key, ${CHECKS.toLocaleString('en-GB')} attempts of each kind (us a call)`)
  for (const kind of KINDS) {
    const raws = inputs(kind)
    for (const side of sides) {
      const r = time(kind, raws, side.keyer, side.token)
      say(`  ${kind.padEnd(8)} ${side.name.padEnd(10)} median ${r.median.toFixed(2).padStart(6)}  p99 ${r.p99.toFixed(2).padStart(7)}  CPU a call ${r.cpu.toFixed(2).padStart(6)}`)
    }
  }
}

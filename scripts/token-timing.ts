/**
 * How long the token check takes for a token that is the first client's, the last client's, nobody's,
 * or of another length: the figures behind "timing of token checks constant" (docs/RELIABILITY.md).
 *   npm run token-timing -- [--clients 100] [--rounds 200000]
 * Prints medians; it asserts nothing (timing never gates a test: test/plugins/auth.test.ts proves the
 * same thing structurally, by counting the comparisons).
 */
import { parseArgs } from 'node:util'
import { sha256Hex } from '../src/config.js'
import { createClientMatcher } from '../src/plugins/auth.js'

const { values } = parseArgs({ options: { clients: { type: 'string', default: '100' }, rounds: { type: 'string', default: '200000' } } })
const count = Number(values.clients)
const rounds = Number(values.rounds)
const token = (i: number) => `timing-token-${String(i).padStart(6, '0')}-0123456789`
const clients = Array.from({ length: count }, (_, i) => ({ name: `c${i}`, roles: ['check' as const], tokenSha256: sha256Hex(token(i)) }))
const match = createClientMatcher(() => clients)

const cases: Array<[string, string]> = [
  ['first client', token(0)],
  ['last client', token(count - 1)],
  ['no client, same length', token(count)],
  ['no client, one character', 'x'],
  ['no client, 512 characters', 'y'.repeat(512)]
]
const samples = new Map<string, number[]>(cases.map(([what]) => [what, []]))
// Interleaved in small batches, so that drift in the machine's load falls on every case alike.
const BATCH = 100
for (let r = 0; r < rounds / BATCH; r++) {
  for (const [what, text] of cases) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < BATCH; i++) match(text)
    samples.get(what)?.push(Number(process.hrtime.bigint() - start) / BATCH)
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
console.log(`token check with ${count} clients, ${rounds} rounds a case (median ns per check):`)
const medians = cases.map(([what]) => [what, median(samples.get(what) ?? [])] as const)
const base = medians[0]?.[1] ?? 1
for (const [what, ns] of medians) console.log(`  ${what.padEnd(28)} ${ns.toFixed(0).padStart(8)} ns  (${(100 * ns / base - 100).toFixed(1)}% vs first)`)

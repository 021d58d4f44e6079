/**
 * How long reading a reason for personal data takes (src/domain/personal-data-in-text.ts), at the
 * largest length the schemas allow, for shapes that make each reader work hardest. Each shape is
 * read 30 times to warm up, then timed over 50 reads; the mean is printed.
 *
 *   npx tsx scripts/bench/reason-read.ts
 */
import { MAX_TEXT, personalDataIn } from '../../src/domain/personal-data-in-text.js'

const context = { protectedPerson: 'Mary Anne Smith-Jones', ownPhoneKeys: ['p:+447700900123'] }
const SHAPES: Array<[string, string]> = [
  ['digit groups', Array.from({ length: 200 }, (_, i) => '0' + String(1e8 + i * 7919)).join(' x ')],
  ['one name repeated', Array.from({ length: 400 }, () => 'Jane').join(' ')],
  ['single letters', Array.from({ length: 1000 }, () => 'a').join(' ')],
  ['at and dot words', 'x at y dot z '.repeat(150)],
  ['single digits', '1 '.repeat(1000)],
  ['postcode-like words', 'AB1 '.repeat(500)],
  ['numbers with + and (0)', Array.from({ length: 100 }, (_, i) => `+${1000000000 + i * 7777777} (0)1 2`).join(', ')],
  ['slips of a name', Array.from({ length: 300 }, (_, i) => 'Mary' + String.fromCharCode(65 + i % 26) + String.fromCharCode(65 + Math.floor(i / 26))).join(' ')],
  ['prose', 'The prisoner sent letters and cards to the victim over two years despite a restraining order; the police were informed each time. '.repeat(16)]
]
let slowest = 0
for (const [name, shape] of SHAPES) {
  const text = shape.slice(0, MAX_TEXT)
  for (let i = 0; i < 30; i++) personalDataIn(text, context)
  const start = performance.now()
  let found: string | null = null
  for (let i = 0; i < 50; i++) found = personalDataIn(text, context)
  const ms = (performance.now() - start) / 50
  slowest = Math.max(slowest, ms)
  console.log(`${name.padEnd(24)} ${text.length} chars  ${ms.toFixed(2)} ms  ${found ?? 'none'}`)
}
console.log(`slowest: ${slowest.toFixed(2)} ms`)

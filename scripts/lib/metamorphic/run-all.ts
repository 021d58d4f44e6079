/** Every kind's catalogue, run `runs` times a transformation from `seed`, as one report. */
import { addressCatalogue } from './address.js'
import { runCatalogue } from './catalogue.js'
import type { TransformationResult } from './catalogue.js'
import { emailCatalogue } from './email.js'
import { phoneCatalogue } from './phone.js'

export function runGenerated (runs: number, seed: number): { report: string, failed: number } {
  const results: TransformationResult[] = [
    ...runCatalogue(phoneCatalogue, runs, seed),
    ...runCatalogue(emailCatalogue, runs, seed),
    ...runCatalogue(addressCatalogue, runs, seed)
  ]
  const failing = results.filter((result) => result.counterexample !== null)
  const lines = [`generated: ${results.length} transformations, ${runs} runs each, seed ${seed}: ${results.length - failing.length} held, ${failing.length} failed`]
  for (const kind of ['phone', 'email', 'address']) {
    const mine = results.filter((result) => result.kind === kind)
    const keeps = mine.filter((result) => result.expected === 'meet')
    lines.push(`  ${kind.padEnd(8)} keeps ${keeps.filter((r) => r.counterexample === null).length}/${keeps.length}, ` +
      `neighbours ${mine.length - keeps.length - failing.filter((r) => r.kind === kind && r.expected === 'not meet').length}/${mine.length - keeps.length}`)
  }
  for (const result of failing) {
    lines.push(`  FAILED ${result.kind} ${result.expected === 'meet' ? 'keeps' : 'neighbour'} "${result.name}" [${result.class}]: ` +
      `entry ${JSON.stringify(result.counterexample?.entry)} attempt ${JSON.stringify(result.counterexample?.attempt)}`)
  }
  return { report: lines.join('\n'), failed: failing.length }
}

/**
 * Holds a kind's metamorphic catalogue (scripts/lib/metamorphic/) to its promise in `npm test`:
 * at least 200 generated bases through every transformation, a fixed seed so that CI is repeatable,
 * at least 25 keeping transformations and 10 neighbours, each of which must hold.
 */
import type { Test } from 'tap'
import { runCatalogue } from '../../../scripts/lib/metamorphic/catalogue.js'
import type { KindCatalogue } from '../../../scripts/lib/metamorphic/catalogue.js'

export const SEED = 20261207
export const RUNS = 200

export function holdCatalogue<Base> (t: Test, catalogue: KindCatalogue<Base>): void {
  t.ok(catalogue.keeps.length >= 25, `${catalogue.kind}: ${catalogue.keeps.length} keeping transformations (at least 25)`)
  t.ok(catalogue.neighbours.length >= 10, `${catalogue.kind}: ${catalogue.neighbours.length} neighbour transformations (at least 10)`)
  const names = [...catalogue.keeps, ...catalogue.neighbours].map((transformation) => transformation.name)
  t.equal(new Set(names).size, names.length, 'every transformation has a name of its own')
  for (const result of runCatalogue(catalogue, RUNS, SEED)) {
    const label = `${result.kind} ${result.expected === 'meet' ? 'keeps' : 'neighbour'}: ${result.name} [${result.class}]`
    if (result.counterexample === null) t.pass(`${label} (${result.runs} runs)`)
    else t.fail(label, { entry: result.counterexample.entry, attempt: result.counterexample.attempt })
  }
}

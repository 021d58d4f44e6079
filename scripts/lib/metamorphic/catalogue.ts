/**
 * The metamorphic suites: for each kind, a generator of base details (as a block would be entered)
 * and a catalogue of transformations. A `keeps` transformation rewrites the base the way a tired
 * mail-room worker, a careless spreadsheet or a determined prisoner would, and the result must still
 * meet the block; a `neighbour` transformation makes another real detail (another flat, another
 * number, another domain ...) that must not meet it.
 *
 * Each kind's catalogue lives in its own file beside this one; `test/domain/metamorphic/` runs
 * them with a fixed seed, and `npm run eval -- --generated N` runs them longer.
 */
import fc from 'fast-check'
import { gateOfKey, keysFor } from '../../../src/domain/contact-keys.js'
import type { AddressObject, ContactKind } from '../../../src/domain/detail-keys.js'

export type Detail = string | AddressObject

export interface Transformation<Base> {
  /** what it does, for the report */
  name: string
  /** the class of failure it stands for (the matching issue's classes, and more) */
  class: string
  /** the rewritten detail, drawn at random from the base */
  variant: (base: Base) => fc.Arbitrary<Detail>
}

export interface KindCatalogue<Base> {
  kind: ContactKind
  /** generated base details */
  base: fc.Arbitrary<Base>
  /** the detail as a block holds it */
  entry: (base: Base) => Detail
  /** must keep the match */
  keeps: ReadonlyArray<Transformation<Base>>
  /** must not meet the block */
  neighbours: ReadonlyArray<Transformation<Base>>
}

/**
 * Does an attempt with detail `b` meet a block holding detail `a`? The check service's rule on plain
 * keys: a key behind a gate the block does not hold is skipped, as the service skips it.
 */
export function meets (kind: ContactKind, a: Detail, b: Detail): boolean {
  const stored = new Set(keysFor(kind, a).store)
  return keysFor(kind, b).lookup.some((key) => {
    const gate = gateOfKey(key)
    return (gate === null || stored.has(gate)) && stored.has(key)
  })
}

export interface TransformationResult {
  kind: ContactKind
  name: string
  class: string
  expected: 'meet' | 'not meet'
  runs: number
  /** the first counterexample, shrunk, or null when the property held */
  counterexample: { entry: Detail, attempt: Detail } | null
}

/**
 * Runs every transformation of a catalogue `runs` times from `seed`. A transformation that does not
 * apply to every base chooses what it does from the base (fc.pre inside a variant runs while values
 * are generated, where fast-check does not catch it).
 */
export function runCatalogue<Base> (catalogue: KindCatalogue<Base>, runs: number, seed: number): TransformationResult[] {
  const results: TransformationResult[] = []
  const sets: Array<['meet' | 'not meet', ReadonlyArray<Transformation<Base>>]> = [['meet', catalogue.keeps], ['not meet', catalogue.neighbours]]
  for (const [expected, transformations] of sets) {
    for (const transformation of transformations) {
      const pair = catalogue.base.chain((base) => transformation.variant(base).map((attempt) => ({ entry: catalogue.entry(base), attempt })))
      const outcome = fc.check(fc.property(pair, ({ entry, attempt }) => meets(catalogue.kind, entry, attempt) === (expected === 'meet')),
        { numRuns: runs, seed, endOnFailure: false })
      const failed = outcome.failed ? outcome.counterexample?.[0] ?? null : null
      results.push({ kind: catalogue.kind, name: transformation.name, class: transformation.class, expected, runs: outcome.numRuns, counterexample: failed })
    }
  }
  return results
}

// A decision is a pure function of the request and the entries: every corpus detail, keyed twice in
// orders that interleave it with every other detail at random, gives the same keys both times. A
// parser that keeps state between calls (a regular expression's lastIndex, a cache that changes its
// answer) fails here.
import fc from 'fast-check'
import t from 'tap'
import { keysFor } from '../../src/domain/contact-keys.js'
import type { AddressObject, ContactKind } from '../../src/domain/detail-keys.js'
import { KINDS, loadCorpus } from '../../scripts/match-eval.js'

const corpus = loadCorpus()
const details: Array<{ kind: ContactKind, value: string | AddressObject }> = KINDS.flatMap((kind) =>
  corpus[kind].flatMap((matchCase) => [{ kind, value: matchCase.a }, { kind, value: matchCase.b }]))

t.test('every corpus detail is keyed the same whatever was keyed before it', async (t) => {
  const reference = details.map(({ kind, value }) => JSON.stringify(keysFor(kind, value)))
  const order = fc.shuffledSubarray(details.map((_, i) => i), { minLength: details.length, maxLength: details.length })
  fc.assert(fc.property(order, order, (first, second) => {
    // each detail keyed once in each order, the two orders woven into one sequence of calls
    const seen = new Map<number, string[]>()
    for (let i = 0; i < first.length; i++) {
      for (const at of [first[i] as number, second[i] as number]) {
        const { kind, value } = details[at] as { kind: ContactKind, value: string | AddressObject }
        const list = seen.get(at) ?? []
        list.push(JSON.stringify(keysFor(kind, value)))
        seen.set(at, list)
      }
    }
    return [...seen].every(([at, keys]) => keys.every((k) => k === reference[at]))
  }), { numRuns: 6, seed: 20261207 })
  t.pass(`${details.length} details, each keyed 13 times in 12 interleaved random orders`)
})

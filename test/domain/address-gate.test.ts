import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import t from 'tap'
import { gateOfKey, keysFor } from '../../src/domain/contact-keys.js'
import type { AddressObject } from '../../src/domain/detail-keys.js'
import { addressCatalogue } from '../../scripts/lib/metamorphic/address.js'

/** Every stored key's gate is stored beside it: otherwise a check would skip a key that meets. */
function ungated (detail: string | AddressObject): string[] {
  const store = keysFor('address', detail).store
  const held = new Set(store)
  return store.filter((key) => {
    const gate = gateOfKey(key)
    return gate !== null && !held.has(gate)
  })
}

t.test('gates are the premise no-street key, and only street keys have one', async (t) => {
  t.equal(gateOfKey('a:LS14AP|14|-|S=ACACIA.AVENUE'), '~a:LS14AP|14|-|*S')
  t.equal(gateOfKey('~a:LS14AP|14|F2|S=ACACA.AVENUE'), '~a:LS14AP|14|F2|*S')
  t.equal(gateOfKey('~a:LS14AP|14|-|-S'), '~a:LS14AP|14|-|*S')
  t.equal(gateOfKey('~a:LS14AP|=ROSE COTTAGE|*|S=ELM.ROAD'), '~a:LS14AP|=ROSE COTTAGE|*|*S')
  t.equal(gateOfKey('~a:LS14AP|14|-|*S'), null, 'a gate has no gate')
  t.equal(gateOfKey('a:LS14AP|14^|-'), null, 'a key without a street')
  t.equal(gateOfKey('sn:ACACIA.AVENUE|LEEDS|14|-'), null, 'street and town keys')
  t.equal(gateOfKey('p:+447700900123'), null)
  t.equal(gateOfKey('e:jane|S=x@example.org'), null, 'another kind, whatever its text')
})

t.test('every corpus address, as an entry, stores the gate of each key it stores', async (t) => {
  let checked = 0
  for (const file of ['addresses.json', 'addresses-named.json']) {
    const cases = JSON.parse(readFileSync(new URL(`../fixtures/match/${file}`, import.meta.url), 'utf8')) as Array<{ a: string | AddressObject, b: string | AddressObject }>
    for (const { a, b } of cases) {
      for (const detail of [a, b]) {
        t.same(ungated(detail), [], JSON.stringify(detail))
        checked++
      }
    }
  }
  t.ok(checked > 1900, `${checked} addresses`)
})

t.test('property: every generated address and each variant of it stores its keys\' gates', async (t) => {
  const variant = fc.constantFrom(...addressCatalogue.keeps, ...addressCatalogue.neighbours)
  const detail = addressCatalogue.base.chain((base) => fc.oneof(fc.constant(addressCatalogue.entry(base)), variant.chain((v) => v.variant(base))))
  fc.assert(fc.property(detail, (d) => ungated(d).length === 0), { numRuns: 3000, seed: 7 })
  t.pass('held')
})

import fc from 'fast-check'
import t from 'tap'
import { fastUkKeys, fullPhoneKeys } from '../../src/domain/phone.js'

/**
 * The fast path must give exactly the keys libphonenumber-js gives: on every number and
 * notation it takes, the same store and lookup keys; on anything else it must step aside (null).
 */
const nsn = fc.tuple(fc.integer({ min: 1, max: 9 }), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 9, maxLength: 9 }))
  .map(([first, rest]) => `${first}${rest.join('')}`)
const separator = fc.constantFrom('', ' ', ' ', '-', '.', '  ')

/** The ten digits cut into groups with separators, the way people space numbers. */
const spaced = (digits: string) => fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 }).chain((cuts) =>
  fc.array(separator, { minLength: cuts.length, maxLength: cuts.length }).map((seps) => {
    let out = ''
    let at = 0
    cuts.forEach((cut, i) => {
      if (at >= digits.length) return
      out += digits.slice(at, at + cut) + (seps[i] ?? '')
      at += cut
    })
    return out + digits.slice(at)
  }))

const notation = fc.tuple(nsn, fc.constantFrom('0', '+44 ', '+44', '0044 ', '44', '+44 (0)', '+44 (0) ', '0044 (0)', '(0', ' 0', '0'), fc.boolean())
  .chain(([number, prefix, trailingSpace]) => spaced(number).map((body) => {
    const text = prefix === '(0'
      ? `(0${number.slice(0, 4)}) ${number.slice(4)}`
      : `${prefix}${body}`
    return trailingSpace ? `${text} ` : text
  }))

t.test('fast path and library agree on 100,000 generated UK numbers and notations', async (t) => {
  let fast = 0
  fc.assert(fc.property(notation, (raw) => {
    const quick = fastUkKeys(raw)
    if (quick === null) return true
    fast++
    const full = fullPhoneKeys(raw)
    return JSON.stringify(quick) === JSON.stringify({ ...full, warning: null, reject: null }) && full.warning === null && full.reject === null
  }), { numRuns: 100_000 })
  t.ok(fast > 90_000, `the fast path took ${fast} of 100,000 (the rest went to the library)`)
})

t.test('on arbitrary text of the same characters, the fast path agrees or steps aside', async (t) => {
  const chars = fc.constantFrom(...'0123456789 +()-.44000')
  fc.assert(fc.property(fc.array(chars, { minLength: 8, maxLength: 24 }).map((cs) => cs.join('')), (raw) => {
    const quick = fastUkKeys(raw)
    return quick === null || JSON.stringify(quick) === JSON.stringify(fullPhoneKeys(raw))
  }), { numRuns: 20_000 })
  t.pass('no disagreement')
})

t.test('what the fast path leaves to the library', async (t) => {
  for (const raw of ['+1 202 555 0123', '7700 900123', '0447700900123', '07700 9OO123', '0800 FLOWERS', '07700 90012', '0207946012', '7700900123.0']) {
    t.equal(fastUkKeys(raw), null, raw)
  }
  // What tidying leaves (a dial prefix, an extension, export debris gone) takes the fast path, alike.
  for (const raw of ['141 07700 900123', '07700 900123 x12', '0+447700900100', '+07700900100', '="07700900123"']) {
    t.not(fastUkKeys(raw), null, raw)
    t.same(fastUkKeys(raw), fullPhoneKeys(raw), raw)
  }
  t.same(fastUkKeys('07700 900123'), { store: ['p:+447700900123'], lookup: ['p:+447700900123', 'pd:07700900123'], warning: null, reject: null })
})

// Personal data in free text. Expected kinds are written by hand from the rules in
// src/domain/personal-data-in-text.ts. Test data: Ofcom drama numbers, example.org emails, a
// made-up address, and 'Jane Doe' as the protected person.
import t from 'tap'
import fc from 'fast-check'
import { MAX_READS, MAX_TEXT, personalDataIn } from '../../src/domain/personal-data-in-text.js'
import type { TextContext } from '../../src/domain/personal-data-in-text.js'

const JANE: TextContext = { protectedPerson: 'Jane Doe', ownPhoneKeys: [] }
const NOBODY: TextContext = { protectedPerson: null, ownPhoneKeys: [] }
const kind = (text: string, context: TextContext = JANE) => personalDataIn(text, context)

t.test('the issue\'s examples are each read as what they hold', async (t) => {
  t.equal(kind('Jane Doe asked for no contact'), 'name')
  t.equal(kind('Victim lives at Flat 2, 14 Acacia Avenue, Leeds LS1 4AP'), 'postcode')
  t.equal(kind('Write to jane.victim at example dot org'), 'email')
  t.equal(kind('jane.victim at example dot org', NOBODY), 'email', 'the email without the name to go on')
  t.equal(kind('Calls from ０７７００ ９００１２３ reported'), 'phone', 'full-width digits')
  t.equal(kind('Letters to jane.victim＠example.org'), 'email', 'a full-width at sign')
  t.equal(kind('Calls from 07700 900123'), 'phone')
})

t.test('every form the matcher reads is read here too', async (t) => {
  const cases: Array<[string, string]> = [
    ['Calls from +44 7700 900123', 'phone'],
    ['Calls from 0113 496 0123 at night', 'phone'],
    ['Calls from 44 7700 900 123', 'phone'],
    ['rang from oh seven seven oh oh nine oh oh one two three', 'phone'],
    ['called 07700 9OO123 twice', 'phone'],
    ['texts from tel:+447700900123', 'phone'],
    ['mail jane [at] example [dot] org', 'email'],
    ['mail j a n e @ e x a m p l e . o r g', 'email'],
    ['mail jane_at_example_dot_org', 'email'],
    ['mail jаne@exаmple.org with Cyrillic а', 'email'],
    ['lives near LS14AP', 'postcode'],
    ['lives near LSI 4AP', 'postcode'],
    ['lives near ＬＳ１ ４ＡＰ', 'postcode'],
    ['J. Doe asked for no contact', 'name'],
    ['Doe, Jane asked for no contact', 'name'],
    ['jane doe asked for no contact', 'name'],
    ['JANE DOE asked', 'name'],
    ['Ms Doe asked', 'name'],
    ['Jayne Doe asked', 'name'],
    ['Jane D. asked', 'name'],
    ['Messages to JaneDoe on a social network', 'name'],
    ['Letters to J4ne D0e', 'name'],
    ['Jane asked for no contact', 'name'],
    ['Doe asked for no contact', 'name']
  ]
  for (const [text, expected] of cases) t.equal(kind(text), expected, text)
})

t.test('the entry\'s own number counts in any form, by its last nine digits', async (t) => {
  const own: TextContext = { protectedPerson: null, ownPhoneKeys: ['p:+447700900123'] }
  t.equal(kind('She gets calls on 7700-900-123', own), 'phone')
  t.equal(kind('She gets calls on 7700-900-123', NOBODY), null, 'bare digits with no trunk 0 are a reference in prose')
})

t.test('reasons without personal data are accepted', async (t) => {
  const plain = [
    'Harassment since 2019, see case 4412',
    'MAPPA level 2',
    'Prisoner A1234BC wrote to the victim from custody',
    'Prisoner A1234AB and A9876ZZ: restraining order',
    'Victim asked for no contact from the establishment',
    'Non-molestation order 23/11/2026 to 23/11/2028',
    'Order made 2026-11-23, reviewed 01/02/2027 - 03/04/2027',
    'Crime ref 13190123456, police log 0412 of 03/05/2024',
    'Crime ref 13/123456/24 PNC 12/345678A',
    'Ref UPC-2026-000123 at 10.30am',
    'Do not contact: the victim was seen at Leeds. Met twice at the station',
    'Restraining order; the victim does not want letters, calls or visits',
    'Sent letters to Mum and the family against the order',
    'jane asked staff to pass it on',
    'Contact via the SPOC at HMP Leeds only'
  ]
  for (const text of plain) t.equal(kind(text), null, text)
})

/**
 * Words of plain reasons: none a name of Jane Doe's, a phone, an email or a postcode. No `dot`:
 * `x at y dot z` is how an address is written to dodge a filter.
 */
const WORDS = ['victim', 'prisoner', 'asked', 'for', 'no', 'contact', 'order', 'restraining', 'since', 'case', 'level',
  'MAPPA', 'police', 'letters', 'calls', 'and', 'the', 'from', 'custody', 'harassment', 'court', 'at', 'Leeds',
  'review', 'staff', 'family', 'Mum', 'HMP', 'Victim', 'Order', 'Case', 'SPOC']
const plainWord = fc.oneof(
  fc.constantFrom(...WORDS),
  fc.integer({ min: 1, max: 9999 }).map(String),
  fc.integer({ min: 1990, max: 2030 }).map(String),
  fc.tuple(fc.integer({ min: 1, max: 28 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 2000, max: 2030 }))
    .map(([d, m, y]) => `${d}/${m}/${y}`),
  fc.tuple(fc.constantFrom('A', 'B', 'G', 'K'), fc.integer({ min: 1000, max: 9999 }), fc.constantFrom('BC', 'AB', 'ZZ', 'XY'))
    .map(([a, n, b]) => `${a}${n}${b}`)
)
const sentence = (words: fc.Arbitrary<string[]>) => words.map((list) => list.join(' '))

t.test('generated plain reasons are accepted', async (t) => {
  fc.assert(fc.property(sentence(fc.array(plainWord, { minLength: 1, maxLength: 30 })), (text) => kind(text) === null), { numRuns: 300 })
  t.pass()
})

/** Each form a reader reads, to embed in a plain sentence. */
const PHONE_FORMS = ['07700 900123', '07700900123', '+44 7700 900123', '+447700900123', '0044 7700 900123', '(07700) 900 123',
  '07700-900-123', '０７７００ ９００１２３', 'oh seven seven oh oh nine oh oh one two three', '020 7946 0123', '0113 496 0123',
  '+44 (0)113 496 0123', 'tel:+447700900123', '07700 9OO123']
const EMAIL_FORMS = ['jane.victim@example.org', 'jane.victim at example dot org', 'jane.victim [at] example [dot] org',
  'jane.victim(at)example.org', 'jane.victim＠example.org', 'JANE.VICTIM@EXAMPLE.ORG', 'jane_dot_victim_at_example_dot_org',
  'mailto:jane.victim@example.org', 'j a n e @ e x a m p l e . o r g']
const POSTCODE_FORMS = ['LS1 4AP', 'LS14AP', 'ls1 4ap', 'LSI 4AP', 'L S 1 4 A P', 'ＬＳ１ ４ＡＰ', 'Leeds LS1 4AP']
const NAME_FORMS = ['Jane Doe', 'jane doe', 'JANE DOE', 'J Doe', 'J. Doe', 'Doe, Jane', 'Ms Doe', 'Mrs J Doe', 'Jane', 'Doe',
  'JaneDoe', 'Jane D.', 'Jayne Doe', 'J4ne D0e', 'Ｊａｎｅ Ｄｏｅ']

t.test('each reader form embedded in a plain sentence is refused, as what it is', async (t) => {
  const around = fc.array(plainWord, { maxLength: 12 })
  for (const [forms, expected] of [[PHONE_FORMS, 'phone'], [EMAIL_FORMS, 'email'], [POSTCODE_FORMS, 'postcode'], [NAME_FORMS, 'name']] as const) {
    fc.assert(fc.property(around, fc.constantFrom(...forms), around, (before, form, after) => {
      const text = [...before, form, ...after].join(' ')
      return kind(text) === expected
    }), { numRuns: 200 })
    t.pass(`${expected}: every form, anywhere in a sentence`)
  }
})

t.test('the largest texts are read to the end', async (t) => {
  const filler = 'The prisoner wrote again despite the order. '
  const padded = (tail: string) => filler.repeat(Math.floor((MAX_TEXT - tail.length) / filler.length)) + tail
  t.equal(kind(padded('Ring 07700 900123')), 'phone', 'a number at the very end')
  t.equal(kind(padded('Jane Doe')), 'name')
  t.equal(kind(padded('jane.victim at example dot org')), 'email')
  t.equal(kind(padded('LS1 4AP')), 'postcode')
  t.equal(kind(padded('no more')), null)
  // More numbers than are read: taken to hold one, rather than left unread.
  const numbers = Array.from({ length: MAX_READS + 1 }, (_, i) => String(100000000 + i)).join(' case ')
  t.equal(kind(numbers, NOBODY), 'phone')
  t.equal(kind(Array.from({ length: MAX_READS }, (_, i) => String(100000000 + i)).join(' case '), NOBODY), null, 'as many as are read: references')
})

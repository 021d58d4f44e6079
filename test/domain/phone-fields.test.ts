// Phone fields as prisoners and exports write them: every separator, percent-escapes, URIs, number
// words, digits of other scripts, several numbers in one field, numbers among words. Expected keys
// are written by hand from the rules; numbers are Ofcom drama ranges and the fiction ranges of
// phone.test.ts.
import t from 'tap'
import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { MAX_LOOKUP_KEYS, MAX_NUMBERS, phoneKeys, phoneKeysWith, phoneLibrary } from '../../src/domain/phone.js'
import { MAX_LIBRARY_CALLS } from '../../src/domain/phone-read.js'
import { decodeEscapes, fromUri } from '../../src/domain/phone-text.js'

const MOBILE = 'p:+447700900123'

function meets (entryRaw: string, checkRaw: string): boolean {
  const stored = new Set(phoneKeys(entryRaw).store)
  return phoneKeys(checkRaw).lookup.some((key) => stored.has(key))
}

t.test('any character that is not a digit, a letter or a + separates digit groups', async (t) => {
  for (const sep of [' ', '-', '.', '_', ',', '*', '#', ':', ';', '!', '~', '|', '=', '^', '?', '@', '&', '/', '\\', '\t', '\n', '\u2009', '\u3000', '\u2014', '\u00b7', '"', "'"]) {
    const raw = `07700${sep}900${sep}123`
    t.same(phoneKeys(raw).store, [MOBILE], JSON.stringify(raw))
  }
  t.same(phoneKeys('++44 20 7946 0555').store, ['p:+442079460555'], 'a doubled plus')
  t.same(phoneKeys('+ +44 20 7946 0555').store, ['p:+442079460555'], 'two pluses with a space')
  t.same(phoneKeys('\uff0b44 7700 900123').store, [MOBILE], 'a full-width plus')
  t.same(phoneKeys('07700#900#1234').store, ['pd:077009001234'], 'separators never make a longer number this one')
})

t.test('percent-escapes are decoded; a malformed one never throws and its hex digits are never digits', async (t) => {
  const rows: Array<[string, string]> = [
    ['%2B447700900123', '+447700900123'],
    ['%2b44%207700', '+44 7700'],
    ['07700%E0900123', '07700 900123'],
    ['%E0', ' '],
    ['%C3%28', ' ('],
    ['%EF%BC%90', '\uff10'],
    ['%252B44', '+44'],
    ['50% off', '50% off'],
    ['%', '%'],
    ['%%2', '%%2'],
    ['%2', '%2']
  ]
  for (const [raw, decoded] of rows) t.equal(decodeEscapes(raw), decoded, JSON.stringify(raw))
  for (const raw of ['07700%E0900123', '%E007700900123', '07700900123%E0', '%FF%2B44 7700 900123', '07700%C3%28900123', '%252B447700900123', '%EF%BC%90%EF%BC%97700900123']) {
    t.same(phoneKeys(raw).store, [MOBILE], JSON.stringify(raw))
  }
  fc.assert(fc.property(fc.string({ maxLength: 64 }).map((s) => s.replace(/[g-z]/g, '%')), (raw) => {
    decodeEscapes(raw)
    phoneKeys(raw)
    return true
  }), { numRuns: 2000 })
})

t.test('tel: and sip: URIs are read here, so the library never sees phone-context', async (t) => {
  const rows: Array<[string, string]> = [
    ['tel:01134960999;phone-context=+44', '+44 01134960999'],
    ['TEL:01134960999;PHONE-CONTEXT=+44', '+44 01134960999'],
    ['tel:01134960999;ext=12;phone-context=+44', '+44 01134960999'],
    ['tel:+441134960999;phone-context=+44', '+441134960999'],
    ['tel:07700900123;phone-context=example.org', '07700900123'],
    ['tel:+44-7700-900123;isub=123', '+44-7700-900123'],
    ['sip:+447700900123@gateway.example;user=phone', '+447700900123'],
    ['sip:01134960999;phone-context=+44@gateway.example', '+44 01134960999'],
    ['01134960999;phone-context=+44', '+44 01134960999'],
    ['07700900123@10.0.0.1', '07700900123'],
    ['+447700900123@gateway.example:5060;user=phone', '+447700900123'],
    ['07700@900123', '07700@900123'],
    ['+33.1.99.00@12.34', '+33.1.99.00@12.34'],
    ['07700 900123', '07700 900123'],
    ['Work 0161 496 0321; ext=4; mobile 07700 900888', 'Work 0161 496 0321; ext=4; mobile 07700 900888']
  ]
  for (const [raw, number] of rows) t.equal(fromUri(raw), number, JSON.stringify(raw))
  t.same(phoneKeys('tel:01134960999;phone-context=+44').store, ['p:+441134960999'])
  t.same(phoneKeys('tel:0199001234;phone-context=+33').store, ['p:+33199001234'])
  t.notOk(meets('0113 496 0999', 'tel:01134960999;phone-context=+33'), 'the same local digits in France')
})

t.test('the same text always gives the same keys (libphonenumber-js keeps state on phone-context)', async (t) => {
  const raw = 'tel:01134960999;phone-context=+44'
  const first = JSON.stringify(phoneKeys(raw))
  for (let i = 0; i < 6; i++) t.equal(JSON.stringify(phoneKeys(raw)), first, `call ${i + 2}`)
})

t.test('property: every phone fixture case, keyed twice in a random interleaving, gives the same keys', async (t) => {
  const cases = JSON.parse(readFileSync(new URL('../fixtures/match/phones.json', import.meta.url), 'utf8')) as Array<{ a: string, b: string }>
  const texts = [...new Set(cases.flatMap((c) => [c.a, c.b]))]
  fc.assert(fc.property(fc.shuffledSubarray([...texts, ...texts.map((text) => ` ${text}`)], { minLength: texts.length * 2 }), (order) => {
    const seen = new Map<string, string>()
    for (const raw of order) {
      const text = raw.startsWith(' ') ? raw.slice(1) : raw
      const keys = JSON.stringify(phoneKeys(text))
      const before = seen.get(text)
      if (before !== undefined && before !== keys) return false
      seen.set(text, keys)
    }
    return true
  }), { numRuns: 5 })
  t.pass(`${texts.length} texts, each keyed twice in random orders`)
})

t.test('number words, in any case and with any punctuation', async (t) => {
  const rows: Array<[string, string]> = [
    ['nought one one three, four nine six, nought double five two', 'p:+441134960552'],
    ['oh seven seven oh oh nine oh oh one two three', MOBILE],
    ['Zero Seven Seven Double Zero, Nine Double Zero, One Two Three', MOBILE],
    ['0 seven seven double-oh nine double-o one-two-three', MOBILE],
    ['07700 900 treble nine', 'p:+447700900999'],
    ['07700 900 triple 9', 'p:+447700900999'],
    ['NOUGHT SEVEN SEVEN NAUGHT NOUGHT NINE ZERO ZERO ONE TWO THREE', MOBILE]
  ]
  for (const [raw, key] of rows) t.same(phoneKeys(raw).store, [key], raw)
  // one number word alone is a word: "oh" before a number, "one" after it
  t.same(phoneKeys('oh 07700 900123').store, [MOBILE])
  t.same(phoneKeys('07700 900123 one more').store, [MOBILE])
  t.same(phoneKeys('07700 900 double nine').store, ['p:+44770090099'], 'double is two')
})

t.test('decimal digits of any script, zero-width and bidi characters', async (t) => {
  for (const raw of [
    '\u0660\u0667\u0667\u0660\u0660 \u0669\u0660\u0660\u0661\u0662\u0663',
    '\u06f0\u06f7\u06f7\u06f0\u06f0 \u06f9\u06f0\u06f0\u06f1\u06f2\u06f3',
    '\u0966\u096d\u096d\u0966\u0966 \u096f\u0966\u0966\u0967\u0968\u0969',
    '\u0e50\u0e57\u0e57\u0e50\u0e50 \u0e59\u0e50\u0e50\u0e51\u0e52\u0e53',
    '0\u200b7700 900\u200c123',
    '\u202e07700 900123\u202c',
    '\u206607700\u2069 900123',
    '\ufeff07700 900123'
  ]) t.same(phoneKeys(raw).store, [MOBILE], JSON.stringify(raw))
})

t.test('a field holding several numbers: an entry stores each, with a warning; a check looks up each', async (t) => {
  const several = { code: 'phone_several', message: 'holds several numbers; each is blocked' }
  const rows: Array<[string, string[]]> = [
    ['Work 0161 496 0321; mobile 07700 900888', ['p:+441614960321', 'p:+447700900888']],
    ['07700 900111 or 07700 900222', ['p:+447700900111', 'p:+447700900222']],
    ['0114 496 0777/8', ['p:+441144960777', 'p:+441144960778']],
    ['07700 900111/2/3', ['p:+447700900111', 'p:+447700900112', 'p:+447700900113']],
    ['07700 900123 / 07700 900124', [MOBILE, 'p:+447700900124']],
    ['+447700900123 +447700900124', [MOBILE, 'p:+447700900124']],
    ['0113 496 0123 0113 496 0124', ['p:+441134960123', 'p:+441134960124']],
    ['07700 900123 020 7946 0555', [MOBILE, 'p:+442079460555']],
    ['call 07700 900123 or 020 7946 0123', [MOBILE, 'p:+442079460123']]
  ]
  for (const [raw, keys] of rows) {
    const k = phoneKeys(raw)
    t.same(k.store, keys, `store ${raw}`)
    t.same(k.warning, several, `warning ${raw}`)
    t.ok(keys.every((key) => k.lookup.includes(key)), `lookup ${raw}`)
  }
  t.same(phoneKeys('+61 491 570 000/6').store, ['p:+61491570000', 'p:+61491570006'], 'an alternative ending before a whole that is possible by length')
  t.same(phoneKeys('07700/900/123').store, [MOBILE], 'a slash between groups of a number is a separator')
  t.same(phoneKeys('07700 900123 #12').store, [MOBILE], 'a # tail after a full number is an extension')
  t.ok(phoneKeys('0#7#7#0#0#9#0#0#1#2#3').store.includes(MOBILE), 'a # between every digit is a separator')
  t.same(phoneKeys('07700 900123 07700 900123').store, [MOBILE], 'the same number twice is one number')
  t.equal(phoneKeys('07700 900123 07700 900123').warning, null)
})

t.test('a number among words: digits beside it in other words are not glued on', async (t) => {
  const rows: Array<[string, string]> = [
    ['text me on 07700 900432 after 9', 'p:+447700900432'],
    ['020 7946 0123 and ask for extension 4', 'p:+442079460123'],
    ['ring 07700 900123 before 8pm', MOBILE],
    ['Flat 2: 07700 900123', MOBILE],
    ['07700 900123 4 mum', MOBILE],
    ['call 141 07700 900123', MOBILE],
    ['A1234BC wants to call 07700 900123', MOBILE],
    ['07700x900123', MOBILE]
  ]
  for (const [raw, key] of rows) {
    t.same(phoneKeys(raw).store, [key], raw)
    t.equal(phoneKeys(raw).warning, null, `no warning ${raw}`)
  }
  // but never inside an unbroken run, nor with a stray group after it that only a space separates
  t.same(phoneKeys('07700 900123 4').store, ['pd:077009001234'])
  t.same(phoneKeys('07700 900 12 3 4').store, ['pd:077009001234'])
  // a group before a trunk 0 is no part of the number (a list number, padding): the entry keeps both
  t.same(phoneKeys('2 07700 900123').store, ['pd:207700900123', MOBILE])
  t.same(phoneKeys('077009001234').store, ['pd:077009001234'])
})

t.test('a full number beside stray digits is read when something sets the strays apart', async (t) => {
  // a list number, padding or a country code before a trunk 0; brackets, a date, 24/7 or another
  // number after it; a list separator or a + on either side
  for (const raw of [
    '1. 07700 900123', '2) 07700 900123', '12 07700 900123', '0 0 0 ... 07700900123', '077009001230 07700900123',
    '07700 900123 (2)', 'Tel 07700 900123 12/5/2026', '07700 900123 24/7', '07700 900123 07700 9001', '+44 +44 7700900123'
  ]) {
    const k = phoneKeys(raw)
    t.ok(k.lookup.includes(MOBILE), `a check looks up the mobile: ${raw}`)
    t.ok(k.store.includes(MOBILE), `an entry stores it: ${raw}`)
    t.equal(k.warning?.code, 'phone_unparsed', `with a warning: ${raw}`)
  }
  // a space or a dash alone does not: the stray group is part of another number
  for (const raw of ['07700 900123 4', '07700 900123-4', '07700 900 12 3 4', '07700 900123 0', '020 7946 0123 99']) {
    t.notOk(phoneKeys(raw).lookup.some((key) => key.startsWith('p:')), `no number: ${raw}`)
  }
  // the 0 after a country code is that country's trunk 0, not the start of a UK number
  t.notOk(phoneKeys('tel:01134960999;phone-context=+33').lookup.includes('p:+441134960999'))
  t.notOk(phoneKeys('0033 07700 900123').lookup.includes(MOBILE))
  // an extension has at most six digits; more after "ext" are a number
  t.same(phoneKeys('0161 496 0000 ext 07700900123').store, ['p:+441614960000', MOBILE])
  t.same(phoneKeys('0161 496 0000 ext 077009').store, ['p:+441614960000'])
})

t.test('number words among digits, digit lookalikes, right-to-left text and a + before 0', async (t) => {
  for (const raw of [
    '0 seven 7 double 0 nine 0 0 1 2 three', '0seven7009001two3', '07700 900 1two3', '07700 900 12\u0417', '07700 9OO 12\u0437',
    '\u202e321009 00770', '\u2067900123 07700\u2069', '+044 7700 900123'
  ]) t.ok(phoneKeys(raw).lookup.includes(MOBILE), raw)
  t.same(phoneKeys('07700 900 12\u0417').store, [MOBILE], 'a Cyrillic Ze glued to digits is a 3')
  t.same(phoneKeys('+044 7700 900123').store, ['pd:0447700900123', MOBILE], 'an entry that reads nothing as written stores the other reading')
  t.same(phoneKeys('\u202e07700 900123\u202c').store, [MOBILE], 'an entry that reads stores what it reads as written')
  // a lone number word away from digits stays a word; a neighbour in mixed words stays a neighbour
  t.notOk(phoneKeys('07700 900123 one').lookup.includes('p:+4477009001231'))
  t.ok(phoneKeys('07700 900123 one').lookup.includes(MOBILE))
  t.notOk(phoneKeys('0seven7009001two4').lookup.includes(MOBILE))
  t.notOk(phoneKeys('07700 900 12\u04174').lookup.includes(MOBILE))
})

t.test('a check that cannot be read also looks up what its digits read as', async (t) => {
  // a + in the middle of a raw query string (a space there) cuts the groups; the digits still read
  const k = phoneKeys('0044+7700+900123 5')
  t.equal(k.warning?.code, 'phone_unparsed')
  t.notOk(k.lookup.includes(MOBILE), 'a stray 5 still makes it another number')
  const glued = phoneKeys('0044 +7700 +900123')
  t.ok(glued.lookup.includes(MOBILE), 'the digits alone read as the mobile')
  t.same(glued.store, ['pd:00447700900123'], 'an entry written so is blocked by its digits')
})

t.test('bounded cost: the longest texts the schema allows read a bounded number of numbers with bounded library calls', async (t) => {
  const fills = [
    '0 '.repeat(32), '00 '.repeat(21), '0'.repeat(64), '07700 900123 '.repeat(5), '+44 '.repeat(16), '1/'.repeat(32),
    'nought double '.repeat(5), 'oh '.repeat(21), '0/'.repeat(32), '07700/9001/'.repeat(6), '%E0'.repeat(21), '0 (0) '.repeat(10),
    '07700 900111 or '.repeat(4), '+447700900123'.repeat(4), '0-0.0_0,0*0#0:0;0!0~0|0=0^0?0@0&'.repeat(2), '44 7700 900123 x1 '.repeat(3),
    '0 '.repeat(26) + '07700900123', '\u202e' + '0 1 '.repeat(16), '\u2067' + '07700 (1) '.repeat(7), 'one 1 two 2 '.repeat(6),
    '+044 '.repeat(13), '1. 07700 900123 (2) '.repeat(4), '12/5 07700 '.repeat(6), '0З7б'.repeat(16), '07700 ext 0770090 '.repeat(4)
  ]
  for (const fill of fills) {
    const raw = fill.slice(0, 64)
    let calls = 0
    const counted = (text: string) => { calls++; return phoneLibrary(text) }
    const k = phoneKeysWith(raw, counted)
    t.ok(calls <= MAX_LIBRARY_CALLS, `${JSON.stringify(raw)}: ${calls} library calls`)
    t.ok(k.store.length <= MAX_NUMBERS, `${JSON.stringify(raw)}: ${k.store.length} stored keys`)
    t.ok(k.lookup.length <= MAX_LOOKUP_KEYS, `${JSON.stringify(raw)}: ${k.lookup.length} lookup keys`)
  }
  fc.assert(fc.property(fc.array(fc.constantFrom('0', '7', '44', '+', ' ', '/', '-', '(0)', 'oh', 'double', 'x', '#', '%E0', 'or', '9'), { maxLength: 40 })
    .map((parts) => parts.join('').slice(0, 64)), (raw) => {
    let calls = 0
    const k = phoneKeysWith(raw, (text) => { calls++; return phoneLibrary(text) })
    return calls <= MAX_LIBRARY_CALLS && k.store.length <= MAX_NUMBERS && k.lookup.length <= MAX_LOOKUP_KEYS
  }), { numRuns: 3000 })
})

t.test('the library only ever sees digits, spaces, a leading + and (0)', async (t) => {
  const seen = new Set<string>()
  const spy = (text: string) => { seen.add(text); return phoneLibrary(text) }
  const cases = JSON.parse(readFileSync(new URL('../fixtures/match/phones.json', import.meta.url), 'utf8')) as Array<{ a: string, b: string }>
  for (const c of cases) { phoneKeysWith(c.a, spy); phoneKeysWith(c.b, spy) }
  const odd = [...seen].filter((text) => !/^\+?[\d ]*(?:\(0\)[\d ]*)?$/.test(text) && !/^[\d\s().\-/+]*$/.test(text))
  t.same(odd, [], 'no letters, no parameters')
})

t.test('every phone fixture text fits the API schema (64 characters)', async (t) => {
  const cases = JSON.parse(readFileSync(new URL('../fixtures/match/phones.json', import.meta.url), 'utf8')) as Array<{ a: string, b: string }>
  t.same(cases.flatMap((c) => [c.a, c.b]).filter((text) => text.length > 64), [])
})

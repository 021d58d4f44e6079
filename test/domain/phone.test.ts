// Phone normaliser. Expected keys are written by hand from the rules (docs/MATCHING.md, Phone numbers).
// Numbers: Ofcom drama ranges only; foreign numbers from ranges kept for fiction (NANP 555-01xx,
// ARCEP 01 99 00 xx xx, ACMA 0491 570 xxx).
import t from 'tap'
import fc from 'fast-check'
import { MAX_NUMBERS, phoneKeys } from '../../src/domain/phone.js'
import { decodeEscapes } from '../../src/domain/phone-text.js'

/** Does a block on `entryRaw` stop a contact attempt on `checkRaw`? */
function meets (entryRaw: string, checkRaw: string): boolean {
  const stored = new Set(phoneKeys(entryRaw).store)
  return phoneKeys(checkRaw).lookup.some((key) => stored.has(key))
}

const MOBILE = 'p:+447700900123'
const LONDON = 'p:+442079460123'
const LEEDS = 'p:+441134960123'
const NANP = 'p:+12025550123'

/** [raw, the one key an entry stores] */
const parsed: Array<[string, string]> = [
  // one mobile, written every UK way
  ['07700 900123', MOBILE],
  ['07700900123', MOBILE],
  ['+44 7700 900123', MOBILE],
  ['+447700900123', MOBILE],
  ['0044 7700 900123', MOBILE],
  ['00447700900123', MOBILE],
  ['447700900123', MOBILE],
  ['44 7700 900123', MOBILE],
  ['+44 (0)7700 900123', MOBILE],
  ['+44(0)7700900123', MOBILE],
  ['+44 (0) 7700 900123', MOBILE],
  ['0044 (0)7700 900123', MOBILE],
  ['+4407700900123', MOBILE],
  ['07700-900-123', MOBILE],
  ['07700.900.123', MOBILE],
  ['(07700) 900123', MOBILE],
  ['07700 900 123', MOBILE],
  ['  07700 900123  ', MOBILE],
  ['07700\u00a0900123', MOBILE],
  ['07700\u2013900\u2013123', MOBILE],
  ['\uff10\uff17\uff17\uff10\uff10 \uff19\uff10\uff10\uff11\uff12\uff13', MOBILE],
  ['7700 900123', MOBILE],
  // extensions never take part in the key
  ['07700 900123 x123', MOBILE],
  ['07700 900123x4', MOBILE],
  ['07700 900123 ext. 123', MOBILE],
  ['07700 900123 ext 123', MOBILE],
  ['07700 900123, ext: 9', MOBILE],
  ['07700 900123 extension 123', MOBILE],
  ['07700 900123 #123', MOBILE],
  ['+44 7700 900123;ext=55', MOBILE],
  // one number among words
  ['tel:+44-7700-900123', MOBILE],
  ['Mobile: 07700 900123 (mum)', MOBILE],
  ['fax 07700900123', MOBILE],
  ['ext 07700900123', MOBILE],
  // London, Leeds and other drama ranges
  ['020 7946 0123', LONDON],
  ['02079460123', LONDON],
  ['(020) 7946 0123', LONDON],
  ['+44 20 7946 0123', LONDON],
  ['+44 (0)20 7946 0123', LONDON],
  ['442079460123', LONDON],
  ['0113 496 0123', LEEDS],
  ['+44 113 496 0123', LEEDS],
  ['(0113) 496-0123', LEEDS],
  ['0114 496 0456', 'p:+441144960456'],
  ['0161 496 0789', 'p:+441614960789'],
  ['0191 498 0123', 'p:+441914980123'],
  ['0808 157 0123', 'p:+448081570123'],
  ['0909 879 0123', 'p:+449098790123'],
  ['03069 990123', 'p:+443069990123'],
  // international form
  ['+1 202 555 0123', NANP],
  ['+1 (202) 555-0123', NANP],
  ['+1-202-555-0123', NANP],
  ['001 202 555 0123', NANP],
  ['12025550123', NANP],
  ['+1 202 555 0199', 'p:+12025550199'],
  ['+33 1 99 00 12 34', 'p:+33199001234'],
  ['00 33 1 99 00 12 34', 'p:+33199001234'],
  ['+33 (0)1 99 00 12 34', 'p:+33199001234'],
  ['+61 491 570 006', 'p:+61491570006'],
  // dial prefixes before a full number: caller ID (141, 1470, #31#) and text relay (18001, 18002)
  ['141 07700 900123', MOBILE],
  ['14107700900123', MOBILE],
  ['1470 07700 900123', MOBILE],
  ['#31#07700900123', MOBILE],
  ['*31# 07700 900123', MOBILE],
  ['18001 07700 900123', MOBILE],
  ['18002 020 7946 0123', LONDON],
  ['141 +44 7700 900123', MOBILE],
  ['141 18001 07700 900123', MOBILE],
  // but a Glasgow number that lost its 0 is not a prefix and a number
  ['141 496 0123', 'p:+441414960123'],
  // export debris
  ['0+447700900123', MOBILE],
  ['+07700900123', MOBILE],
  ['0+44(0)7700900123', MOBILE],
  ['="07700900123"', MOBILE],
  ["'07700900123", MOBILE],
  ['7700900123.0', MOBILE],
  ['447700900123.0', MOBILE],
  // spelled numbers: keypad letters (ITU-T E.161), and O, I, l typed for 0 and 1
  ['0808 157 0CAT', 'p:+448081570228'],
  ['0808 157 0cat', 'p:+448081570228'],
  ['07700 9OO123', MOBILE],
  ['O77OO 9OOl23', MOBILE]
]

/** [raw, the `pd:` key an entry stores]: still blocked, by its digits, with a warning */
const unparsed: Array<[string, string]> = [
  ['0770090012345', 'pd:0770090012345'],
  ['+44 0044 7700 900123', 'pd:4400447700900123'],
  ['+44 7700 90', 'pd:44770090'],
  ['9999', 'pd:9999'],
  ['07700 900123 4', 'pd:077009001234'],
  ['0770 0900 1234', 'pd:077009001234']
]

/** nothing to key at all */
const rejected = ['', '   ', 'abc', 'x', '+', 'ext', '() -', 'unknown']

/** emergency and short service numbers, and dial prefixes on their own: refused */
const short = ['999', '9 9 9', '112', '911', '101', '111', '105', '119', '100', '155', '123', '116 123', '116000', '118 118', '141', '1470', '18001', '999 (police)']

/** [entry, check]: the block must stop the attempt */
const mustMeet: Array<[string, string]> = [
  ['07700 900123', '+44 (0)7700 900123'],
  ['+44 7700 900123', '07700-900-123'],
  ['447700900123', '0044 7700 900123'],
  ['07700 900123 x12', '+447700900123'],
  ['07700 900123', '07700 900123 ext. 99'],
  ['020 7946 0123', '+44 20 7946 0123'],
  ['0113 496 0123', '441134960123'],
  ['+1 202 555 0123', '001 202 555 0123'],
  ['12025550123', '+1 (202) 555-0123'],
  // entries blocked by their digits only are met by the same digits however spaced
  ['0770090012345', '0770 0900 12345'],
  ['9999', '9-9-9-9'],
  ['07700 900123 / 07700 900124', '07700900123 07700900124'],
  ['07700 900123 / 07700 900124', '07700 900124'],
  ['07700 900124', '07700 900123 / 07700 900124']
]

/** [entry, check]: the block must NOT stop the attempt */
const mustNotMeet: Array<[string, string]> = [
  ['07700 900123', '07700 900132'],
  ['07700 900123', '07700 900124'],
  ['07700 900123', '07700 900023'],
  ['07700 900123', '07700 90012'],
  ['07700 900123', '07700 9001234'],
  ['020 7946 0123', '0113 496 0123'],
  ['0113 496 0123', '0114 496 0123'],
  ['0161 496 0123', '0191 498 0123'],
  ['0808 157 0123', '0909 879 0123'],
  ['+1 202 555 0123', '+1 202 555 0124'],
  ['+1 202 555 0123', '0202 555 0123'],
  ['+1 202 555 0123', '+61 491 570 006'],
  ['+33 1 99 00 12 34', '+33 1 99 00 12 43'],
  ['999', '9999'],
  ['0770090012345', '07700900123']
]

t.test('every way of writing a number gives its E.164 key', async (t) => {
  for (const [raw, key] of parsed) {
    const k = phoneKeys(raw)
    t.same(k.store, [key], `store ${JSON.stringify(raw)}`)
    t.equal(k.lookup[0], key, `lookup ${JSON.stringify(raw)}`)
    t.equal(k.warning, null, `no warning ${JSON.stringify(raw)}`)
    t.equal(k.reject, null, `no reject ${JSON.stringify(raw)}`)
  }
})

t.test('a check also looks up the digits of its text, without the extension', async (t) => {
  const rows: Array<[string, string[]]> = [
    ['07700 900123', [MOBILE, 'pd:07700900123']],
    ['+44 (0)7700 900123', [MOBILE, 'pd:4407700900123']],
    ['07700 900123 ext. 123', [MOBILE, 'pd:07700900123']],
    ['+44 7700 900123;ext=55', [MOBILE, 'pd:447700900123']],
    ['+1 202 555 0123', [NANP, 'pd:12025550123']]
  ]
  for (const [raw, lookup] of rows) t.same(phoneKeys(raw).lookup, lookup, JSON.stringify(raw))
})

t.test('text that is not a possible number is blocked by its digits, with a warning', async (t) => {
  for (const [raw, key] of unparsed) {
    const k = phoneKeys(raw)
    t.same(k.store, [key], `store ${JSON.stringify(raw)}`)
    t.same(k.lookup, [key], `lookup ${JSON.stringify(raw)}`)
    t.equal(k.warning?.code, 'phone_unparsed', `warning ${JSON.stringify(raw)}`)
    t.equal(k.reject, null, `no reject ${JSON.stringify(raw)}`)
  }
})

t.test('text with no digits is rejected and keys nothing', async (t) => {
  for (const raw of rejected) {
    const k = phoneKeys(raw)
    t.same(k.store, [], `store ${JSON.stringify(raw)}`)
    t.same(k.lookup, [], `lookup ${JSON.stringify(raw)}`)
    t.same(k.reject, { code: 'phone_no_digits', message: 'contains no digits' }, JSON.stringify(raw))
    t.equal(k.warning, null, `no warning ${JSON.stringify(raw)}`)
  }
})

t.test('emergency and short service numbers are refused and key nothing', async (t) => {
  for (const raw of short) {
    t.same(phoneKeys(raw), {
      store: [],
      lookup: [],
      warning: null,
      reject: { code: 'phone_short_number', message: 'is an emergency or short service number, which cannot be blocked' }
    }, JSON.stringify(raw))
  }
  t.same(phoneKeys('9999').store, ['pd:9999'], 'a longer run of nines is not 999')
})

t.test('warnings and rejections never carry the value', async (t) => {
  for (const raw of [...unparsed.map(([r]) => r), ...rejected, ...short]) {
    const k = phoneKeys(raw)
    const text = JSON.stringify([k.warning, k.reject])
    const digits = raw.replace(/\D/g, '')
    if (raw.trim() !== '') t.notOk(text.includes(raw.trim()), `text of ${JSON.stringify(raw)}`)
    if (digits !== '') t.notOk(text.includes(digits), `digits of ${JSON.stringify(raw)}`)
  }
  t.same(phoneKeys('9999').warning, {
    code: 'phone_unparsed',
    message: 'could not be read as a phone number; blocked by its digits only'
  })
})

t.test('a block meets a check when it should', async (t) => {
  for (const [entry, check] of mustMeet) {
    t.ok(meets(entry, check), `${JSON.stringify(entry)} blocks ${JSON.stringify(check)}`)
  }
  // every parsed form blocks every other form of the same number
  const byKey = new Map<string, string[]>()
  for (const [raw, key] of parsed) byKey.set(key, [...(byKey.get(key) ?? []), raw])
  for (const forms of byKey.values()) {
    for (const entry of forms) {
      for (const check of forms) {
        if (!meets(entry, check)) t.fail(`${JSON.stringify(entry)} must block ${JSON.stringify(check)}`)
      }
    }
  }
})

t.test('a block does not meet a different number', async (t) => {
  for (const [entry, check] of mustNotMeet) {
    t.notOk(meets(entry, check), `${JSON.stringify(entry)} must not block ${JSON.stringify(check)}`)
    t.notOk(meets(check, entry), `${JSON.stringify(check)} must not block ${JSON.stringify(entry)}`)
  }
})

t.test('property: every drama mobile meets itself in every UK form', async (t) => {
  const forms = (n: string): string[] => [
    `07700 ${n}`, `+44 7700 ${n}`, `0044 7700 ${n}`, `447700${n}`, `+44 (0)7700 ${n}`,
    `07700-${n.slice(0, 3)}-${n.slice(3)}`, `(07700) ${n} x12`
  ]
  fc.assert(fc.property(fc.integer({ min: 900000, max: 900999 }), (i) => {
    const n = String(i)
    return forms(n).every((raw) => phoneKeys(raw).store[0] === `p:+447700${n}`)
  }))
  t.pass('held for sampled numbers')
})

t.test('a 0 typed before a + with nothing after it is the number\'s only digit, kept (fast-check found "0+")', async (t) => {
  for (const raw of ['0+', '00+', '0 +']) {
    const keys = phoneKeys(raw)
    t.equal(keys.reject, null, `${raw} is not refused as having no digits`)
    t.same(keys.store, [`pd:${raw.replace(/\D/g, '')}`], `${raw} is blocked by its digits`)
  }
  // Before a + and a number, the 0 is dropped too.
  t.same(phoneKeys('0+447700900100').store, ['p:+447700900100'])
  t.same(phoneKeys('00 +44 7700 900100').store, ['p:+447700900100'])
})

t.test('property: anything with a digit is blocked by something; keys carry their prefix', async (t) => {
  fc.assert(fc.property(fc.string({ maxLength: 40 }), (raw) => {
    const k = phoneKeys(raw)
    // the hex digits of a percent-escape are not digits of the number
    if (k.reject !== null) return k.store.length === 0 && !/\d/.test(decodeEscapes(raw))
    return k.store.length >= 1 && k.store.length <= MAX_NUMBERS && k.store.every((key) => k.lookup.includes(key)) &&
      k.lookup.every((key) => key.startsWith('p:+') || key.startsWith('pd:'))
  }))
  t.pass('held for sampled strings')
})

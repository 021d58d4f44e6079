import t from 'tap'
import fc from 'fast-check'
import { addressKeys, parseAddress } from '../../src/domain/address.js'
import type { AddressObject } from '../../src/domain/detail-keys.js'

// Made-up addresses only (STYLE.md, fixtures), with postcodes in real formats.
type Address = string | AddressObject

/** Would a block on `entry` hold a letter to `check`: does any key the check looks up stand stored? */
function meets(entry: Address, check: Address): boolean {
  const stored = new Set(addressKeys(entry).store)
  return addressKeys(check).lookup.some((key) => stored.has(key))
}

const ACACIA = 'Flat 2, 14 Acacia Avenue, Leeds LS1 4AP'
const ACACIA_HOUSE = '14 Acacia Avenue, Leeds LS1 4AP'

/** [what it shows, entry (the block), check (the letter)] */
type Case = [string, Address, Address]

const meet: Case[] = [
  ['the same text', ACACIA, ACACIA],
  ['case, spacing and punctuation', ACACIA, 'flat 2.  14 acacia avenue;\n\nleeds   ls14ap'],
  ['Flat and Apartment, Avenue and Ave, commas and newlines', ACACIA, 'Apartment 2\n14 Acacia Ave\nLeeds\nLS1 4AP'],
  ['Flt and Suite are both a flat', 'Flt 2, 14 Acacia Avenue, LS1 4AP', 'Suite 2, 14 Acacia Avenue, LS1 4AP'],
  ['Flat No. 2 is Flat 2', ACACIA, 'Flat No. 2, 14 Acacia Avenue, Leeds LS1 4AP'],
  ['a flat written after the street', ACACIA, '14 Acacia Avenue Flat 2, Leeds LS1 4AP'],
  ['a block without a flat covers every flat', ACACIA_HOUSE, 'Flat 3, 14 Acacia Avenue, Leeds LS1 4AP'],
  ['a letter naming no flat is held when a flat there is blocked', ACACIA, ACACIA_HOUSE],
  ['a lettered flat in any case', 'Flat B, 14 Acacia Avenue, LS1 4AP', 'apartment b, 14 Acacia Avenue, LS1 4AP'],
  ['14A, 14a and 14 A', '14A Laburnum Grove, Leeds LS6 3QW', '14 a Laburnum Grove, Leeds LS6 3QW'],
  ['a range with a hyphen or an en dash', '14-16 Laburnum Grove, LS6 3QW', '14\u201316 Laburnum Grove, LS6 3QW'],
  ['postcode without a space', ACACIA_HOUSE, '14 Acacia Avenue, Leeds LS14AP'],
  ['postcode written with a hyphen', ACACIA_HOUSE, '14 Acacia Avenue, Leeds LS1-4AP'],
  ['postcode with I for 1', ACACIA_HOUSE, '14 Acacia Avenue, Leeds LSI 4AP'],
  ['postcode with I for 1 in the inward code', '7 Laburnum Grove, Bradford BD7 1DP', '7 Laburnum Grove, Bradford BD7 IDP'],
  ['postcode in full-width characters', ACACIA_HOUSE, '14 Acacia Avenue, Leeds \uFF2C\uFF33\uFF11 \uFF14\uFF21\uFF30'],
  ['with postcodes, the street does not matter', ACACIA_HOUSE, '14 Acacia Road, Leeds LS1 4AP'],
  ['no postcode on the letter: premise, street and town', ACACIA_HOUSE, '14 Acacia Avenue, Leeds'],
  ['no postcode on the letter, abbreviated and with a flat', ACACIA, 'Apt 2, 14 Acacia Ave., Leeds'],
  ['no postcode on the entry, a postcode on the letter', '14 Acacia Avenue, Leeds', ACACIA_HOUSE],
  ['no postcode on either', '14 Acacia Avenue, Leeds', '14 ACACIA AVE LEEDS'],
  ['Rd, St and a leading St for Saint', "14 St John's Rd, St Albans", '14 Saint Johns Road, Saint Albans'],
  ['Gdns and Gardens', '3 Laburnum Gdns, Otley', '3 Laburnum Gardens, Otley'],
  ['Terr and Terrace', '5 Larch Terr, Otley', '5 Larch Terrace, Otley'],
  ['building name without a number', 'Rose Cottage, Mill Lane, Otley LS21 1AB', 'ROSE COTTAGE, LS21 1AB'],
  ['building name with The and without', 'The Old Rectory, Church Lane, Otley LS21 1AB', 'Old Rectory, Otley, LS21 1AB'],
  ['building name and flat, no postcode on the letter', 'Flat 4, Rose Court, Mill Lane, Otley LS21 1AB', 'Apartment 4, Rose Ct, Mill Lane, Otley'],
  ['object form and string form', { lines: ['Flat 2', '14 Acacia Avenue', 'Leeds'], postcode: 'ls1 4ap' }, ACACIA],
  ['string form and object form', ACACIA, { lines: ['Flat 2', '14 Acacia Ave', 'Leeds LS1 4AP'], postcode: 'LS1 4AP' }],
  ['object form with the postcode in the lines only', { lines: ['14 Acacia Avenue', 'Leeds LS1 4AP'] }, ACACIA_HOUSE],
  ['object form with a misread postcode field', { lines: ['14 Acacia Avenue', 'Leeds'], postcode: 'LSI 4AP' }, ACACIA_HOUSE],
  ['town and county lines in either order around the postcode', '14 Acacia Avenue, Leeds, West Yorkshire, LS1 4AP', '14 Acacia Avenue, Leeds, LS1 4AP, West Yorkshire'],
  ['a county line on a letter without a postcode', ACACIA_HOUSE, '14 Acacia Avenue, Leeds, West Yorkshire'],
  ['a locality line before the town on a letter without a postcode', ACACIA_HOUSE, '14 Acacia Avenue, Headingley, Leeds'],
  ['everything on one line', ACACIA_HOUSE, '14 Acacia Avenue Leeds LS1 4AP'],
  ['everything on one line, no postcode', ACACIA_HOUSE, '14 Acacia Ave Leeds'],
  ['a postcode that cannot be read still leaves premise, street and town', '7 Laburnum Grove, Bradford BD7 1DP', '7 Laburnum Grove\nBradford\n8D7 1DP'],
  ['accents and hyphens in a street name', '9 Heol y Wyn, Llanwern', '9 Heol-y-\u0174yn, Llanwern'],
  ['an unreadable entry still meets its own text in another case', 'Acacia Avenue', 'ACACIA AVENUE.'],
  ['a block on 14 holds a letter to 14-16: the range takes in 14', ACACIA_HOUSE, '14-16 Acacia Avenue, Leeds LS1 4AP'],
  ['a block on 14-16 holds a letter to either end', '14-16 Acacia Avenue, LS1 4AP', '16 Acacia Avenue, LS1 4AP'],
  ['a range written with "to"', '14-16 Acacia Avenue, LS1 4AP', '14 to 16 Acacia Avenue, LS1 4AP'],
  ['a house number in words', ACACIA_HOUSE, 'Fourteen Acacia Avenue, Leeds LS1 4AP'],
  ['a compound number in words, no postcode', '21 Acacia Avenue, Leeds', 'Twenty-One Acacia Ave, Leeds'],
  ['a flat number in words', ACACIA, 'Flat Two, 14 Acacia Avenue, Leeds LS1 4AP'],
  ['l and O typed for 1 and 0 in a house number', '10 Acacia Avenue, LS1 4AP', '1O Acacia Avenue, LS1 4AP'],
  ['a floor as the flat', 'First Floor Flat, 14 Acacia Avenue, LS1 4AP', '1st Floor, 14 Acacia Ave, LS1 4AP'],
  ['a flat number wins over a floor', ACACIA, 'Flat 2, First Floor, 14 Acacia Avenue, Leeds LS1 4AP'],
  ['a building name beside a number meets the number alone', 'Rose Court, 14 Acacia Avenue, LS1 4AP', '14 Acacia Avenue, LS1 4AP'],
  ['a building name beside a number meets the name alone', 'Flat 4, Rose Court, 14 Acacia Avenue, LS1 4AP', 'Apartment 4, Rose Ct, Acacia Avenue, LS1 4AP'],
  ['a block by building name meets a letter that adds the number', 'Rose Court, Acacia Avenue, LS1 4AP', 'Rose Court, 14 Acacia Avenue, LS1 4AP'],
  ['a line addressing a person is not part of the address', ACACIA, 'Mrs J Doe\nFlat 2\n14 Acacia Avenue\nLeeds LS1 4AP'],
  ['a care-of line is not part of the address', 'Rose Cottage, Mill Lane, Otley LS21 1AB', 'c/o Jane Doe, Rose Cottage, Mill Lane, Otley LS21 1AB']
]

const miss: Case[] = [
  ['Flat 2 never covers Flat 3', ACACIA, 'Flat 3, 14 Acacia Avenue, Leeds LS1 4AP'],
  ['Flat 2 never covers Flat 21', ACACIA, 'Flat 21, 14 Acacia Avenue, Leeds LS1 4AP'],
  ['Flat 2 never covers Flat 3, no postcode on the letter', ACACIA, 'Apartment 3, 14 Acacia Avenue, Leeds'],
  ['Flat B never covers Flat C', 'Flat B, 14 Acacia Avenue, LS1 4AP', 'Flat C, 14 Acacia Avenue, LS1 4AP'],
  ['14 is not 16', ACACIA_HOUSE, '16 Acacia Avenue, Leeds LS1 4AP'],
  ['14 is not 14A', ACACIA_HOUSE, '14A Acacia Avenue, Leeds LS1 4AP'],
  ['14A is not 14B', '14A Acacia Avenue, LS1 4AP', '14 B Acacia Avenue, LS1 4AP'],
  ['a range never meets a range that shares only an end', '14-16 Acacia Avenue, Leeds LS1 4AP', '16-18 Acacia Avenue, Leeds LS1 4AP'],
  ['a range does not take in the number between its ends (the other side of the road)', '14-18 Acacia Avenue, LS1 4AP', '16 Acacia Avenue, LS1 4AP'],
  ['a building name does not join two numbers', 'Rose Court, 14 Acacia Avenue, LS1 4AP', 'Rose Court, 16 Acacia Avenue, LS1 4AP'],
  ['another floor', 'First Floor Flat, 14 Acacia Avenue, LS1 4AP', 'Second Floor Flat, 14 Acacia Avenue, LS1 4AP'],
  ['Flat Two is not Flat Three', 'Flat Two, 14 Acacia Avenue, LS1 4AP', 'Flat 3, 14 Acacia Avenue, LS1 4AP'],
  ['a number in words is still another number', ACACIA_HOUSE, 'Sixteen Acacia Avenue, Leeds LS1 4AP'],
  ['a range with "to" is still another range', '14-16 Acacia Avenue, LS1 4AP', '16 to 18 Acacia Avenue, LS1 4AP'],
  ['a floor is not a flat number', 'Flat 1, 14 Acacia Avenue, LS1 4AP', 'First Floor Flat, 14 Acacia Avenue, LS1 4AP'],
  ['another building name beside the same number: judged by the number, another postcode', 'Rose Court, 14 Acacia Avenue, LS1 4AP', 'Rose Court, 14 Acacia Avenue, LS6 3QW'],
  ['a person line does not make two houses one', 'Mrs J Doe, 14 Acacia Avenue, LS1 4AP', 'Mrs J Doe, 16 Acacia Avenue, LS1 4AP'],
  ['a house name made of a number word stays a name', 'Three Gables, Mill Lane, Otley LS21 1AB', '3 Mill Lane, Otley LS21 1AB'],
  ['a different postcode, same number and street', ACACIA_HOUSE, '14 Acacia Avenue, Leeds LS6 3QW'],
  ['a different postcode, the other way round', '14 Acacia Avenue, Leeds LS6 3QW', '14 Acacia Avenue, Leeds, LS1 4AP'],
  ['a misread postcode that is still well formed is another postcode', ACACIA_HOUSE, '14 Acacia Avenue, Leeds L51 4AP'],
  ['the same number on a neighbouring street, no postcode', '14 Acacia Avenue, Leeds', '14 Laburnum Grove, Leeds'],
  ['Avenue is not Road, no postcode', '14 Acacia Avenue, Leeds', '14 Acacia Road, Leeds'],
  ['the same street in another town, no postcode', '14 Acacia Avenue, Leeds', '14 Acacia Avenue, Bradford'],
  ['a shared county line does not make two towns one', '14 Acacia Avenue, Leeds, West Yorkshire', '14 Acacia Avenue, Bradford, West Yorkshire'],
  ['another building name at the same postcode', 'Rose Cottage, Mill Lane, Otley LS21 1AB', 'Ivy Cottage, Mill Lane, Otley LS21 1AB'],
  ['a number is not a building name', 'Rose Cottage, Mill Lane, Otley LS21 1AB', '2 Mill Lane, Otley LS21 1AB'],
  ['another flat in a named building', 'Flat 4, Rose Court, Mill Lane, Otley', 'Flat 5, Rose Court, Mill Lane, Otley'],
  ['object form, another flat', { lines: ['Flat 2', '14 Acacia Avenue'], postcode: 'LS1 4AP' }, { lines: ['Flat 3', '14 Acacia Avenue'], postcode: 'LS1 4AP' }],
  ['an unreadable entry only meets its own text', '14 Acacia Avenue', '14 Acacia Ave'],
  ['a postcode alone is not a premise', 'LS1 4AP', ACACIA_HOUSE]
]

t.test('addresses that meet', async (t) => {
  for (const [why, entry, check] of meet) t.ok(meets(entry, check), why)
})

t.test('addresses that do not meet', async (t) => {
  t.ok(miss.length * 2 >= meet.length, 'at least a third of the cases are negatives')
  for (const [why, entry, check] of miss) t.notOk(meets(entry, check), why)
})

t.test('keys for a flat with a postcode, by hand', async (t) => {
  t.same(addressKeys(ACACIA), {
    store: [
      'a:LS14AP|14|F2', 'a:LS14AP|14|-',
      'sp:ACACIA AVENUE|LEEDS|14|F2', 'sp:ACACIA AVENUE|LEEDS|14|-',
      'a:LS14AP|14^|F2', 'a:LS14AP|14^|-',
      'sp:ACACIA AVENUE|LEEDS|14^|F2', 'sp:ACACIA AVENUE|LEEDS|14^|-'
    ],
    lookup: [
      'a:LS14AP|14|F2', 'a:LS14AP|14|*',
      'sn:ACACIA AVENUE|LEEDS|14|F2', 'sn:ACACIA AVENUE|LEEDS|14|*',
      'a?:FLAT 2 14 ACACIA AVENUE LEEDS LS14AP'
    ],
    warning: null,
    reject: null
  })
})

t.test('keys for a house without a postcode, by hand', async (t) => {
  t.same(addressKeys("14 St John's Rd, Leeds"), {
    store: ['sn:SAINT JOHNS ROAD|LEEDS|14|*', 'sn:SAINT JOHNS ROAD|LEEDS|14^|*'],
    lookup: [
      'sp:SAINT JOHNS ROAD|LEEDS|14|*', 'sp:SAINT JOHNS ROAD|LEEDS|14|-',
      'sn:SAINT JOHNS ROAD|LEEDS|14|*', 'sn:SAINT JOHNS ROAD|LEEDS|14|-',
      'a?:14 ST JOHNS RD LEEDS'
    ],
    warning: null,
    reject: null
  })
})

t.test('keys for a building name with a postcode and no town, by hand', async (t) => {
  const keys = addressKeys({ lines: ['Rose Cottage'], postcode: 'LS21 1AB' })
  t.same(keys.store, ['a:LS211AB|ROSE COTTAGE|*'])
  t.same(keys.lookup, [
    'a:LS211AB|ROSE COTTAGE|*', 'a:LS211AB|ROSE COTTAGE|-',
    'a:LS211AB|ROSE COTTAGE+|*', 'a:LS211AB|ROSE COTTAGE+|-',
    'a?:ROSE COTTAGE LS211AB'
  ])
})

t.test('an address that cannot be read is blocked by its folded text, with a fixed warning', async (t) => {
  const keys = addressKeys('Acacia Avenue, Leeds, LSI 4AP')
  t.same(keys.store, ['a:LS14AP|ACACIA AVENUE|*'], 'a street line alone reads as a building name')

  const unread = addressKeys('Flat 2, LSI 4AP')
  t.same(unread.store, ['a?:FLAT 2 LS14AP'], 'the postcode is corrected in the folded text')
  t.same(unread.lookup, ['a?:FLAT 2 LS14AP'])
  t.same(unread.warning, { code: 'address_unparsed', message: 'could not be read as a postal address; blocked by its exact text' })
  t.equal(unread.reject, null)

  const noTown = addressKeys('14 Acacia Avenue')
  t.same(noTown.store, ['a?:14 ACACIA AVENUE'], 'no postcode and no town')
  t.equal(noTown.warning?.code, 'address_unparsed')
})

t.test('an empty address is refused, with a fixed message', async (t) => {
  for (const empty of ['', '   ', ' ,\n, ', '!!!', { lines: [] }, { lines: ['  '], postcode: ' ' }]) {
    t.same(addressKeys(empty), {
      store: [],
      lookup: [],
      warning: null,
      reject: { code: 'address_empty', message: 'is empty' }
    }, JSON.stringify(empty))
  }
})

t.test('parseAddress shows what was read', async (t) => {
  t.same(parseAddress('Flat No. 3b, The Old Rectory, Church Ln, Otley, West Yorkshire, LS21 1AB'), {
    postcode: 'LS211AB',
    flat: 'F3B',
    premise: 'OLD RECTORY',
    building: null,
    street: 'CHURCH LANE',
    towns: ['OTLEY', 'WEST YORKSHIRE'],
    folded: 'FLAT NO 3B THE OLD RECTORY CHURCH LN OTLEY WEST YORKSHIRE LS211AB'
  })
  t.same(parseAddress('Unit 07, 85 Old Road, Leeds'), {
    postcode: null,
    flat: 'F7',
    premise: '85',
    building: null,
    street: 'OLD ROAD',
    towns: ['LEEDS'],
    folded: 'UNIT 07 85 OLD ROAD LEEDS'
  }, 'leading zeros dropped; "85 OLD" is not a postcode')
  t.equal(parseAddress('14 Acacia Avenue\nLS1 4AP')?.street, 'ACACIA AVENUE', 'the postcode line is not the street')
  t.equal(parseAddress('14\nAcacia Avenue\nLeeds')?.street, 'ACACIA AVENUE', 'a number on its own line')
  t.same(parseAddress('Mr J Doe, Ground Floor Flat, The Willows, 21-23 Larch Cres., Otley LS21 1AB'), {
    postcode: 'LS211AB',
    flat: 'FLG',
    premise: '21-23',
    building: 'WILLOWS',
    street: 'LARCH CRESCENT',
    towns: ['OTLEY'],
    folded: 'MR J DOE GROUND FLOOR FLAT THE WILLOWS 21 23 LARCH CRES OTLEY LS211AB'
  })
  t.same(parseAddress('Flat Twelve, One Hundred and Two Acacia Avenue, Leeds'), {
    postcode: null,
    flat: 'F12',
    premise: '102',
    building: null,
    street: 'ACACIA AVENUE',
    towns: ['LEEDS'],
    folded: 'FLAT TWELVE ONE HUNDRED AND TWO ACACIA AVENUE LEEDS'
  })
})

t.test('warnings and refusals never carry the address', async (t) => {
  fc.assert(
    fc.property(fc.string({ maxLength: 60 }), (text) => {
      const { warning, reject } = addressKeys(text)
      const messages = [warning?.message, reject?.message].filter((m) => m !== undefined)
      return messages.every((m) => m === 'is empty' || m === 'could not be read as a postal address; blocked by its exact text')
    })
  )
  t.pass('held')
})

// Addresses built from parts and written two different ways: the same parts always meet.
const part = fc.record({
  flat: fc.option(fc.integer({ min: 1, max: 40 }), { nil: null }),
  house: fc.integer({ min: 1, max: 300 }),
  street: fc.constantFrom('Acacia', 'Laburnum', 'Larch', 'Rowan'),
  type: fc.constantFrom<[string, string]>(['Avenue', 'Ave'], ['Road', 'Rd'], ['Grove', 'Gr'], ['Crescent', 'Cres']),
  town: fc.constantFrom('Leeds', 'Otley', 'Bradford'),
  postcode: fc.constantFrom<[string, string] | null>(['LS1 4AP', 'ls14ap'], ['BD7 1DP', 'BD7 IDP'], null)
})

type Parts = typeof part extends fc.Arbitrary<infer T> ? T : never

function written(p: Parts, plain: boolean): string {
  const flat = p.flat === null ? [] : [`${plain ? 'Flat' : 'apartment'} ${p.flat}`]
  const street = `${p.house} ${p.street} ${plain ? p.type[0] : p.type[1]}`
  const postcode = p.postcode === null ? [] : [plain ? p.postcode[0] : p.postcode[1]]
  return [...flat, street, p.town, ...postcode].join(plain ? ', ' : '\n')
}

t.test('property: the same address written two ways meets; another flat or number does not', async (t) => {
  fc.assert(
    fc.property(part, (p) => {
      const entry = written(p, true)
      const sameBothWays = meets(entry, written(p, false)) && meets(written(p, false), entry)
      const otherHouse = meets(entry, written({ ...p, house: p.house + 1 }, false))
      const otherFlat = p.flat !== null && meets(entry, written({ ...p, flat: p.flat + 1 }, false))
      return sameBothWays && !otherHouse && !otherFlat
    })
  )
  t.pass('held')
})

t.test('every sub-premise word is one concept', async (t) => {
  for (const word of ['Flat', 'FLT', 'apartment', 'Apt', 'Unit', 'Room', 'Studio', 'Suite']) {
    t.equal(parseAddress(`${word} 2, 14 Acacia Avenue, LS1 4AP`)?.flat, 'F2', word)
  }
})

t.test('street-type abbreviations fold at the end of the street only', async (t) => {
  const cases: Array<[string, string]> = [
    ['St', 'STREET'], ['Rd', 'ROAD'], ['Ave', 'AVENUE'], ['Av', 'AVENUE'], ['Cres', 'CRESCENT'],
    ['Gdns', 'GARDENS'], ['Ct', 'COURT'], ['Ln', 'LANE'], ['Dr', 'DRIVE'], ['Pl', 'PLACE'],
    ['Sq', 'SQUARE'], ['Terr', 'TERRACE'], ['Ter', 'TERRACE'], ['Cl', 'CLOSE'], ['Grn', 'GREEN'],
    ['Gro', 'GROVE'], ['Gr', 'GROVE'], ['Pk', 'PARK'], ['Wy', 'WAY']
  ]
  for (const [short, full] of cases) {
    t.equal(parseAddress(`3 Larch ${short}., Otley`)?.street, `LARCH ${full}`, short)
  }
  t.equal(parseAddress('3 Park Dr Ln, Otley')?.street, 'PARK DR LANE', 'only the last word')
  t.equal(parseAddress('3 St Marys St, Otley')?.street, 'SAINT MARYS STREET', 'a leading St is Saint')
})

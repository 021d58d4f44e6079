import t from 'tap'
import fc from 'fast-check'
import { addressKeys, namesInAddress, parseAddress } from '../../src/domain/address.js'
import type { AddressObject } from '../../src/domain/detail-keys.js'

// Made-up addresses only (docs/DEVELOPMENT.md, Principles), with postcodes in real formats.
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
  ['a care-of line is not part of the address', 'Rose Cottage, Mill Lane, Otley LS21 1AB', 'c/o Jane Doe, Rose Cottage, Mill Lane, Otley LS21 1AB'],
  ['no spaces at all', 'Flat 5, 9 Elm Grove, York YO10 4DD', 'Flat5,9ElmGrove,YorkYO104DD'],
  ['no spaces and no case to split by', 'Flat 5, 9 Elm Grove, York YO10 4DD', 'FLAT5,9ELMGROVE,YORKYO104DD'],
  ['the postcode spaced after the area', ACACIA_HOUSE, '14 Acacia Avenue, Leeds LS 1 4AP'],
  ['the postcode spaced after the inward digit', ACACIA_HOUSE, '14 Acacia Avenue, Leeds LS1 4 AP'],
  ['the postcode broken across lines', ACACIA_HOUSE, '14 Acacia Avenue\nLeeds LS1\n4AP'],
  ['a floor flat running into the house number', 'Lower Ground Floor Flat, 4 Cavendish Place, Bath BA1 2PW', 'lower ground floor flat 4 cavendish pl, bath ba1 2pw'],
  ['a top flat running into the house number', 'Top Flat, 22 Marlborough Buildings, Bath BA1 2LY', 'top flat 22 marlborough bldgs bath BA1 2LY'],
  ['a floor flat with its own number before the house number', 'Flat 2, 14 Acacia Avenue, Leeds LS1 4AP', 'Ground Floor Flat 2, 14 Acacia Avenue, Leeds LS1 4AP'],
  ['Edinburgh 3F2 and Flat 3F2', '3F2, 12 Marchmont Road, Edinburgh EH9 1HD', 'Flat 3f2 12 Marchmont Rd Edinburgh EH9 1HD'],
  ['Glasgow 0/1 typed with a letter O', 'Flat 0/1, 24 Dumbarton Road, Glasgow G11 6PA', 'O/1 24 Dumbarton Road Glasgow G11 6PA'],
  ['Glasgow 1/1 and Edinburgh 1F1 are one notation', '1/1, 24 Dumbarton Road, Glasgow G11 6PA', '1F1, 24 Dumbarton Road, Glasgow G11 6PA'],
  ['a slash with no house number after it is house and flat', 'Flat 6, 12 Marchmont Road, Edinburgh EH9 1HD', '12/6 Marchmont Road, Edinburgh EH9 1HD'],
  ['Bristol GFF is the ground floor flat', 'Ground Floor Flat, 12 Cotham Road, Bristol BS6 6DR', 'GFF 12 Cotham Road Bristol BS6 6DR'],
  ['a block on the house holds a letter to a Bristol top floor flat', '12 Cotham Road, Bristol BS6 6DR', 'TFF, 12 Cotham Road, Bristol BS6 6DR'],
  ['a compound number in words with a hyphen', '41 Beech Road, Leeds LS6 2AB', 'Forty-One Beech Road, Leeds LS6 2AB'],
  ['one hundred and three', '103 Beech Road, Leeds LS6 2AB', 'One Hundred and Three Beech Road, Leeds LS6 2AB'],
  ['a number in words after a house name', 'Rose Cottage, 12 Mill Lane, Otley LS21 1AB', 'Rose Cottage, Twelve Mill Lane, Otley LS21 1AB'],
  ['a return address below: every postcode is tried', ACACIA_HOUSE, '14 Acacia Avenue\nLeeds LS1 4AP\nIf undelivered return to HMP Hull, HU9 5LS'],
  ['a return address below, all on one line', ACACIA_HOUSE, '14 Acacia Avenue Leeds LS1 4AP If undelivered return to HMP Hull HU9 5LS'],
  ['a Cyrillic A in the postcode', ACACIA_HOUSE, '14 Acacia Avenue, Leeds LS1 4\u0410P'],
  ['a zero-width space in the postcode', ACACIA_HOUSE, '14 Acacia Avenue, Leeds LS1 \u200B4AP'],
  ['no postcode, a locality line on the entry', '14 Acacia Avenue, Chapel Allerton, Leeds LS7 3AB', '14 Acacia Avenue, Leeds'],
  ['no postcode, a locality line on the letter', '14 Acacia Avenue, Leeds LS7 3AB', '14 Acacia Avenue, Chapel Allerton, Leeds'],
  ['a letter dropped from the street name', ACACIA_HOUSE, '14 Acaia Avenue, Leeds LS1 4AP'],
  ['a letter doubled in the street name', ACACIA_HOUSE, '14 Acaccia Avenue, Leeds LS1 4AP'],
  ['two letters swapped in the street name', ACACIA_HOUSE, '14 Acacai Avenue, Leeds LS1 4AP'],
  ['a letter mistyped in the street name', ACACIA_HOUSE, '14 Acacla Avenue, Leeds LS1 4AP'],
  ['a letter mistyped in the street type', ACACIA_HOUSE, '14 Acacia Avenve, Leeds LS1 4AP'],
  ['the street left out of the letter', ACACIA_HOUSE, '14, Leeds LS1 4AP'],
  ['the street left out of the entry', '14, Leeds LS1 4AP', ACACIA_HOUSE],
  ['a street with no type on the letter', ACACIA_HOUSE, '14 Acacia, Leeds LS1 4AP'],
  ['a town with a street word after a street: where the street ends cannot be told, held', '14 Acacia Avenue, Forest Hill, London SE23 3HZ', '14 Acacia Avenue Forest Hill London SE23 3HZ'],
  ['Saint and St, apostrophes', "14 St John's Road, Leeds LS6 2AB", '14 Saint Johns Rd, Leeds LS6 2AB'],
  ['North abbreviated', '14 North Parade, Otley LS21 1AB', '14 Nth Parade, Otley LS21 1AB']
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
  ['a postcode alone is not a premise', 'LS1 4AP', ACACIA_HOUSE],
  ['another street type at the same postcode and number', '8 Ash Grove, Leeds LS6 2AB', '8 Ash Close, Leeds LS6 2AB'],
  ['another street name at the same postcode and number', '8 Birch Street, Leeds LS6 2AB', '8 Larch Road, Leeds LS6 2AB'],
  ['North is not South', '14 North Parade, Otley LS21 1AB', '14 South Parade, Otley LS21 1AB'],
  ['East is not West (one letter dropped from each)', '1 East Acacia Road, Leeds LS1 4AP', '1 West Acacia Road, Leeds LS1 4AP'],
  ['Upper is not plain', '3 Upper Parliament Street, Leeds LS1 4AP', '3 Parliament Street, Leeds LS1 4AP'],
  ["another saint: St John's is not St James's", "14 St John's Road, Leeds LS6 2AB", "14 St James's Road, Leeds LS6 2AB"],
  ['another saint after a qualifier', '1 Little St Albans Road, Leeds LS1 4AP', '1 Little St Andrews Road, Leeds LS1 4AP'],
  ['two letters apart in a short name', '8 Ash Grove, Leeds LS6 2AB', '8 Oak Grove, Leeds LS6 2AB'],
  ['Edinburgh: another floor', '3F2, 12 Marchmont Road, Edinburgh EH9 1HD', '2F2, 12 Marchmont Road, Edinburgh EH9 1HD'],
  ['Edinburgh 3F2 is not the whole stair read as number 3', '3F2, 12 Marchmont Road, Edinburgh EH9 1HD', '3 Marchmont Road, Edinburgh EH9 1HD'],
  ['Glasgow: another door', '1/1, 24 Dumbarton Road, Glasgow G11 6PA', '1/2, 24 Dumbarton Road, Glasgow G11 6PA'],
  ['Bristol: another floor', 'GFF, 12 Cotham Road, Bristol BS6 6DR', 'FFF, 12 Cotham Road, Bristol BS6 6DR'],
  ['a return address is not the address', 'Flat 1, 2 Hedon Road, Hull HU9 5LS', '14 Acacia Avenue\nLeeds LS1 4AP\nIf undelivered return to Flat 3, 2 Hedon Road, Hull HU9 5LS'],
  ['Forty-One is not Forty', '41 Beech Road, Leeds LS6 2AB', 'Forty Beech Road, Leeds LS6 2AB']
]

t.test('addresses that meet', async (t) => {
  for (const [why, entry, check] of meet) t.ok(meets(entry, check), why)
})

t.test('addresses that do not meet', async (t) => {
  t.ok(miss.length * 2 >= meet.length, 'at least a third of the cases are negatives')
  for (const [why, entry, check] of miss) t.notOk(meets(entry, check), why)
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

const RETURN_ABOVE = 'HMP Leeds, 2 Gloucester Terrace, Leeds LS12 2TJ'
const TWO = 'Flat 5, 22 Oak Road, Leeds LS6 2AB; 9 Birch Lane, York YO10 5DD'

t.test('a text holding several addresses: each is read, for an entry and for a check', async (t) => {
  const meetCases: Case[] = [
    ['a return address with its postcode above', ACACIA, `${RETURN_ABOVE}\n${ACACIA}`],
    ['a number and street above, no postcode', ACACIA, `9 Elm Grove\n${ACACIA}`],
    ['two on one line', ACACIA, `9 Elm Grove, York YO10 4DD; ${ACACIA}`],
    ['old and new', ACACIA, `Old address: 9 Elm Grove, York YO10 4DD New: ${ACACIA}`],
    ['lines of an object', ACACIA, { lines: [RETURN_ABOVE, ACACIA] }],
    ['another address below', ACACIA, `${ACACIA}\n9 Elm Grove, York YO10 4DD`],
    ['an entry with two: the first', TWO, 'Flat 5, 22 Oak Road, Leeds LS6 2AB'],
    ['an entry with two: the second', TWO, '9 Birch Lane, York YO10 5DD'],
    ['an entry with two, a slash between', TWO.replace('; ', ' / '), '9 Birch Lane, York YO10 5DD'],
    ['an entry with two, and between', TWO.replace('; ', ' and '), '9 Birch Lane, York YO10 5DD']
  ]
  const missCases: Case[] = [
    ['another flat after a return address', ACACIA, `${RETURN_ABOVE}\nFlat 3, 14 Acacia Avenue, Leeds LS1 4AP`],
    ['an entry with two does not join one number to the other street', TWO, '9 Oak Road, Leeds LS6 2AB'],
    ['an entry with two does not hold another flat', TWO, 'Flat 6, 22 Oak Road, Leeds LS6 2AB']
  ]
  for (const [why, entry, check] of meetCases) t.ok(meets(entry, check), why)
  for (const [why, entry, check] of missCases) t.notOk(meets(entry, check), why)
  t.same(addressKeys(TWO).warning, { code: 'address_several', message: 'holds several addresses; each is blocked' })
  t.equal(addressKeys(ACACIA).warning, null, 'one address, no warning')
  t.equal(addressKeys('14 Acacia Avenue, LS1 4AP, Leeds, West Yorkshire').warning, null, 'lines after the postcode with no street are the same address')
})

t.test('flats, streets, ranges and building names as the tester wrote them', async (t) => {
  const glasgow = '1/1, 22 Byres Road, Glasgow G11 5RD'
  const marchmont = '3F2, 12 Marchmont Road, Edinburgh EH9 1HD'
  const meetCases: Case[] = [
    ['Glasgow floor and door after the street', glasgow, '22 Byres Road 1/1 Glasgow G11 5RD'],
    ['Glasgow 1/1 typed with l', glasgow, 'Flat l/l, 22 Byres Road, Glasgow G11 5RD'],
    ['Glasgow 1/1 with a hyphen', glasgow, 'Flat 1-1, 22 Byres Road, Glasgow G11 5RD'],
    ['Glasgow 1/1 in brackets', glasgow, '22 (1/1) Byres Road, Glasgow G11 5RD'],
    ['Fl', ACACIA, 'Fl 2, 14 Acacia Avenue, Leeds LS1 4AP'],
    ['F', ACACIA, 'F 2, 14 Acacia Avenue, Leeds LS1 4AP'],
    ['#', ACACIA, '#2 14 Acacia Avenue, Leeds LS1 4AP'],
    ['a bare number before the house number', ACACIA, '2, 14 Acacia Avenue, Leeds LS1 4AP'],
    ['Flat 2/14', ACACIA, 'Flat 2/14 Acacia Avenue, Leeds LS1 4AP'],
    ['Edinburgh 3 F 2', marchmont, '3 F 2, 12 Marchmont Road, Edinburgh EH9 1HD'],
    ['Third Floor Flat 2 is 3F2', marchmont, 'Third Floor Flat 2, 12 Marchmont Road, Edinburgh EH9 1HD'],
    ['Third Floor Flat 2 is Flat 2', 'Flat 2, 12 Marchmont Road, Edinburgh EH9 1HD', 'Third Floor Flat 2, 12 Marchmont Road, Edinburgh EH9 1HD'],
    ['N for North', '27 North Street, Leeds LS2 7PN', '27 N Street, Leeds LS2 7PN'],
    ['14 & 16 takes in 14', ACACIA_HOUSE, '14 & 16 Acacia Avenue, Leeds LS1 4AP'],
    ['a building name with a letter dropped', 'Rose Cottage, Mill Lane, Otley LS21 1AB', 'Rose Cotage, Mill Lane, Otley LS21 1AB'],
    ['Cott for Cottage', 'Rose Cottage, Mill Lane, Otley LS21 1AB', 'Rose Cott., Mill Lane, Otley LS21 1AB'],
    ['postcode spaced anywhere', ACACIA_HOUSE, '14 Acacia Avenue, Leeds L S 1 4 A P'],
    ['postcode with a digit first', '22 Byres Road, Glasgow G11 5RD', '22 Byres Road, Glasgow 611 5RD']
  ]
  const missCases: Case[] = [
    ['Glasgow another floor after the street', glasgow, '22 Byres Road 2/1 Glasgow G11 5RD'],
    ['a bare number before the house number is another flat', ACACIA, '3, 14 Acacia Avenue, Leeds LS1 4AP'],
    ['Second Floor Flat 2 is not 3F2', marchmont, 'Second Floor Flat 2, 12 Marchmont Road, Edinburgh EH9 1HD'],
    ['Flat B2 is not Flat 2', ACACIA, 'Flat B2, 14 Acacia Avenue, Leeds LS1 4AP'],
    ['a qualifier after the type is another street', '27 North Street, Leeds LS2 7PN', '27 North Street East, Leeds LS2 7PN'],
    ['Park Road Extension', '14 Park Road, Leeds LS2 7PN', '14 Park Road Extension, Leeds LS2 7PN'],
    ['Highfield Farm is not Highfield House', 'Highfield Farm, Otley LS21 3DX', 'Highfield House, Otley LS21 3DX'],
    ['a slip in a building name on another street', 'Rose Cottage, Mill Lane, Otley LS21 1AB', 'Rose Cotage, Church Lane, Otley LS21 1AB'],
    ['a house number and St are not a postcode', '100 St Johns Road, Leeds LS1 0AA', '102 St Johns Road, Leeds LS1 0AA']
  ]
  for (const [why, entry, check] of meetCases) t.ok(meets(entry, check), why)
  for (const [why, entry, check] of missCases) t.notOk(meets(entry, check), why)
})

t.test('other readings, floors, names and layouts a check may use', async (t) => {
  const farm = 'Highfield Farm, Moor Lane, Otley LS21 3DQ'
  const meetCases: Case[] = [
    ['a name with no title above a house name', farm, 'Jane Doe\nHighfield Farm\nMoor Lane\nOtley\nLS21 3DQ'],
    ['two lines above a house name', farm, 'J Doe\nPrivate & Confidential\nHighfield Farm\nMoor Lane\nOtley LS21 3DQ'],
    ['a hall room with the block above the hall', 'Room 214, Block C, Clarendon Hall, 4 University Road, Leicester LE1 7RH', 'Room 214\nBlock C\nClarendon Hall\nUniversity Road\nLeicester LE1 7RH'],
    ['town and postcode before the street', ACACIA_HOUSE, 'Leeds LS1 4AP\n14 Acacia Avenue'],
    ['the flat before its floor', '3F2, 12 Marchmont Road, Edinburgh EH9 1HD', 'Flat 2, Third Floor, 12 Marchmont Road, Edinburgh EH9 1HD'],
    ['The before a street name', ACACIA_HOUSE, '14 The Acacia Avenue, Leeds LS1 4AP'],
    ['a range holding the number', ACACIA_HOUSE, '12-16 Acacia Avenue, Leeds LS1 4AP'],
    ['a bare slash as flat and number', 'Flat 3, 27 High Street, Harrogate HG1 1RZ', '3/27 High Street, Harrogate HG1 1RZ'],
    ['a postcode scanned with no digit left', '27 High Street, Harrogate HG1 1RZ', '27 High Street, Harrogate HGI IRZ'],
    ['St ending the street in one line', '12 High Street, Ripon HG4 1BP', '12 High St Ripon N Yorks'],
    ['T for 7 in a house number', '27 High Street, Harrogate HG1 1RZ', '2T High Street, Harrogate HG1 1RZ'],
    ['a bare slash read as a flat of its first number, which a block on that whole house holds', '3 High Street, Harrogate HG1 1RZ', '3/27 High Street, Harrogate HG1 1RZ']
  ]
  const missCases: Case[] = [
    ['a name above another house name', farm, 'Jane Doe\nRose Cottage\nMoor Lane\nOtley LS21 3DQ'],
    ['two dwellings sharing two words of their names', 'Manor Farm Cottage, Moor Lane, Otley LS21 3DQ', 'Manor Farm Barn, Moor Lane, Otley LS21 3DQ'],
    ['a range on the other side', ACACIA_HOUSE, '13-17 Acacia Avenue, Leeds LS1 4AP']
  ]
  for (const [why, entry, check] of meetCases) t.ok(meets(entry, check), why)
  for (const [why, entry, check] of missCases) t.notOk(meets(entry, check), why)
  const stored = new Set(addressKeys('Highfield, Moor Lane, Otley LS21 3DQ').store)
  const met = addressKeys(farm).lookup.filter((key) => stored.has(key))
  t.ok(met.length > 0 && met.every((key) => key.startsWith('~')), 'a longer building name meets the shorter only as probable')
  t.equal(addressKeys('Flat 3, 27 High Street, Harrogate HGI IRZ').store.some((key) => key.includes('HG11RZ')), false, 'an entry never stores a scanned postcode')
  t.match(parseAddress('Leeds LS1 4AP\n14 Acacia Avenue'), { postcode: 'LS14AP', premise: '14' }, 'the postcode before the street is its own')
})

t.test('namesInAddress: the people an address names and the lines that may be a name', async (t) => {
  t.same(namesInAddress('Mrs J Doe\nc/o Sam Doe\nFor the attention of Jo Bloggs\nJane Doe\nRose Cottage\nMill Lane\nOtley LS21 1AB'), {
    named: ['MRS J DOE', 'SAM DOE', 'JO BLOGGS'], possible: ['JANE DOE', 'ROSE COTTAGE']
  }, 'titles stay; c/o and For the attention of go; untitled lines before the street may be names')
  t.same(namesInAddress('To: FAO Jane Doe, Attn: Sam Doe, Jo Bloggs, Flat 2, 14 Acacia Avenue, Leeds LS1 4AP'), {
    named: ['JANE DOE', 'SAM DOE'], possible: ['JO BLOGGS']
  }, 'To, FAO and Attn go; the lines before the premise line')
  t.same(namesInAddress({ lines: ['Flat 2', '14 Acacia Avenue', 'Leeds'], postcode: 'LS1 4AP' }), { named: [], possible: [] }, 'no one named')
  const many = Array.from({ length: 6 }, (_, i) => `Mr ${String.fromCharCode(65 + i)} Doe`).join('\n')
  t.equal(namesInAddress(`${many}\n14 Acacia Avenue, Leeds LS1 4AP`).named.length, 4, 'at most four')
})

t.test('property: an address padded with other addresses before and after it, up to the field\'s 1000 characters, still meets', async (t) => {
  const street = fc.constantFrom('Birch Street', 'Elm Grove', 'Larch Road', 'Ash Close', 'Rowan Way')
  const other = fc.tuple(fc.integer({ min: 1, max: 299 }), street, fc.constantFrom('York YO1', 'Hull HU9', 'Bath BA1', 'Leeds LS6'), fc.integer({ min: 0, max: 9 }), fc.constantFrom('AB', 'DQ', 'XZ'))
    .map(([n, s, town, d, unit]) => `${n} ${s}, ${town} ${d}${unit}`)
  const real = '14 Acacia Avenue, Leeds LS1 4AP'
  const padded = fc.tuple(fc.array(other, { maxLength: 20 }), fc.array(other, { maxLength: 20 }), fc.constantFrom('\n', '; ', ' '))
    .map(([before, after, glue]) => [...before, real, ...after].join(glue))
    .filter((text) => text.length <= 1000)
  fc.assert(fc.property(padded, (text) => meets(real, text)), { numRuns: 300, seed: 11 })
  t.pass('held')
})

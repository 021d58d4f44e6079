import t from 'tap'
import fc from 'fast-check'
import { LOOKUP_CAP, MAX_ADDRESSES, STORE_CAP, addressKeys, parseAddress } from '../../src/domain/address.js'

// Made-up addresses only (docs/DEVELOPMENT.md, Principles), with postcodes in real formats.

t.test('keys for a house with a postcode, by hand', async (t) => {
  const keys = addressKeys('14 Acacia Avenue, Leeds LS1 4AP')
  const streetKeys = (flat: string) => [
    `a:LS14AP|14|${flat}|S=:ACACIA.AVENUE`,
    ...['ACACIA', 'CACIA', 'AACIA', 'ACCIA', 'ACAIA', 'ACACA', 'ACACI'].map((member) => `~a:LS14AP|14|${flat}|S=:${member}.AVENUE`)
  ]
  // an entry stores the no-street key (the gate of the street keys) before them; a check looks up `-S` after
  const stored = (flat: string) => [`~a:LS14AP|14|${flat}|*S`, ...streetKeys(flat)]
  const street = (prefix: string, flat: string) => [...streetKeys(flat), `~a:LS14AP|14|${flat}|${prefix}`]
  t.same(keys.store, [
    ...stored('-'), ...stored('*'),
    'a:LS14AP|14^|-', 'a:LS14AP|14^|*',
    'sp::ACACIA.AVENUE|LEEDS|14|-', 'sp::ACACIA.AVENUE|LEEDS|14|*', 'sp::ACACIA.AVENUE|LEEDS|14^|-', 'sp::ACACIA.AVENUE|LEEDS|14^|*'
  ])
  t.same(keys.lookup, [...street('-S', '-'), 'sn::ACACIA.AVENUE|LEEDS|14|-'], 'the text is looked up only when nothing else could be read')
  t.equal(keys.warning, null)
})

t.test('keys for a flat in a street with a qualifier and no postcode, by hand', async (t) => {
  const keys = addressKeys("Flat 2, 7 North St Mary's Rd, Otley")
  t.same(keys.store, [
    'sn:NORTH ST:MARYS.ROAD|OTLEY|7|-', 'sn:NORTH ST:MARYS.ROAD|OTLEY|7|F2',
    'sn:NORTH ST:MARYS.ROAD|OTLEY|7^|-', 'sn:NORTH ST:MARYS.ROAD|OTLEY|7^|F2'
  ])
  t.same(keys.lookup, [
    'sn:NORTH ST:MARYS.ROAD|OTLEY|7|F2', 'sp:NORTH ST:MARYS.ROAD|OTLEY|7|F2',
    'sn:NORTH ST:MARYS.ROAD|OTLEY|7|*', 'sp:NORTH ST:MARYS.ROAD|OTLEY|7|*'
  ])
})

t.test('keys for a house name with no street, by hand', async (t) => {
  const keys = addressKeys({ lines: ['The Old Rectory'], postcode: 'LS21 1AB' })
  // OLDRECTORY cut to ten letters and each one left out: the name within one slip, whatever the street
  const members = ['OLDRECTORY', 'LDRECTORY', 'ODRECTORY', 'OLRECTORY', 'OLDECTORY', 'OLDRCTORY', 'OLDRETORY', 'OLDRECORY',
    'OLDRECTRY', 'OLDRECTOY', 'OLDRECTOR']
  t.same(keys.store, ['~a:LS211AB|=OLDRECTORY|-|*S', '~a:LS211AB|=OLDRECTORY|-|-S', '~a:LS211AB|=OLDRECTORY|*|*S', '~a:LS211AB|=OLDRECTORY|*|-S',
    ...members.flatMap((member) => ['-', '*'].flatMap((flat) => [`~a:LS211AB|~${member}|${flat}|*S`, `~a:LS211AB|~${member}|${flat}|-S`]))])
  t.same(keys.lookup, ['~a:LS211AB|=OLDRECTORY|-|*S', 'a:LS211AB|+OLDRECTORY|-', '~a:LS211AB|=OLD|-|*S',
    ...members.map((member) => `~a:LS211AB|~${member}|-|*S`)])
})

t.test('a check tries every postcode it holds; an entry keeps its own', async (t) => {
  const text = '14 Acacia Avenue, Leeds LS1 4AP\nIf undelivered return to HMP Hull, HU9 5LS'
  const read = parseAddress(text)
  t.equal(read?.postcode, 'LS14AP')
  t.same(read?.otherPostcodes, ['HU95LS'])
  const keys = addressKeys(text)
  t.ok(keys.lookup.includes('a:HU95LS|14|-|S=:ACACIA.AVENUE'), 'the return postcode is looked up')
  t.notOk(keys.store.some((key) => key.includes('HU95LS')), 'and never stored')
})

t.test('an address that cannot be read is blocked by its folded text, with a fixed warning', async (t) => {
  const unread = addressKeys('Flat 2, LSI 4AP')
  t.same(unread.store, ['a?:FLAT 2 LS14AP'], 'the postcode is corrected in the folded text')
  t.same(unread.lookup, ['a?:FLAT 2 LS14AP'])
  t.same(unread.warning, { code: 'address_unparsed', message: 'could not be read as a postal address; blocked by its exact text' })
  t.equal(unread.reject, null)
  const noTown = addressKeys('14 Acacia Avenue')
  t.same(noTown.store, ['a?:14 ACACIA AVENUE'], 'no postcode and no town')
})

t.test('an empty address is refused, with a fixed message', async (t) => {
  for (const empty of ['', '   ', ' ,\n, ', '!!!', { lines: [] }, { lines: ['  '], postcode: ' ' }]) {
    t.same(addressKeys(empty), { store: [], lookup: [], warning: null, reject: { code: 'address_empty', message: 'is empty' } }, JSON.stringify(empty))
  }
})

t.test('parseAddress shows what was read', async (t) => {
  t.same(parseAddress('Flat No. 3b, The Old Rectory, Church Ln, Otley, West Yorkshire, LS21 1AB'), {
    postcode: 'LS211AB',
    otherPostcodes: [],
    flat: 'F3B',
    flatAlso: null,
    premise: 'OLDRECTORY',
    premiseHead: 'OLD',
    building: null,
    street: { qualifiers: '', name: 'CHURCH', type: 'LANE', after: '' },
    streetSure: true,
    towns: ['OTLEY'],
    folded: 'FLAT NO 3B THE OLD RECTORY CHURCH LN OTLEY WEST YORKSHIRE LS211AB'
  }, 'a county line is not a town')
  const read = parseAddress('Mr J Doe, Ground Floor Flat, The Willows, 21-23 Larch Cres., Chapel Allerton, Leeds LS7 3AB')
  t.same([read?.flat, read?.premise, read?.building, read?.street, read?.towns], [
    'FLG', '21-23', 'WILLOWS', { qualifiers: '', name: 'LARCH', type: 'CRESCENT', after: '' }, ['CHAPELALLERTON', 'ALLERTON', 'LEEDS']
  ])
  t.equal(parseAddress('Unit 07, 85 Old Road, Leeds')?.flat, 'F7', 'leading zeros dropped; "85 OLD" is not a postcode')
  t.equal(parseAddress('Unit 07, 85 Old Road, Leeds')?.postcode, null)
  t.same(parseAddress('14\nAcacia Avenue\nLeeds')?.street, { qualifiers: '', name: 'ACACIA', type: 'AVENUE', after: '' }, 'a number on its own line')
  t.equal(parseAddress('Flat Twelve, One Hundred and Two Acacia Avenue, Leeds')?.premise, '102')
  t.equal(parseAddress('14 Acacia Avenue Forest Hill London')?.streetSure, false, 'two street words and a town after them')
  t.equal(parseAddress('3F2 12 Marchmont Rd')?.flat, '3F2')
  t.same([parseAddress('12/6 Marchmont Rd')?.premise, parseAddress('12/6 Marchmont Rd')?.flat], ['12', 'F6'])
})

t.test('street types fold at the end of the street only', async (t) => {
  const cases: Array<[string, string]> = [
    ['St', 'STREET'], ['Rd', 'ROAD'], ['Ave', 'AVENUE'], ['Av', 'AVENUE'], ['Cres', 'CRESCENT'],
    ['Gdns', 'GARDENS'], ['Ct', 'COURT'], ['Ln', 'LANE'], ['Dr', 'DRIVE'], ['Pl', 'PLACE'],
    ['Sq', 'SQUARE'], ['Terr', 'TERRACE'], ['Ter', 'TERRACE'], ['Cl', 'CLOSE'], ['Grn', 'GREEN'],
    ['Gro', 'GROVE'], ['Gr', 'GROVE'], ['Pk', 'PARK'], ['Wy', 'WAY'], ['Bldgs', 'BUILDINGS']
  ]
  for (const [short, full] of cases) t.equal(parseAddress(`3 Larch ${short}., Otley`)?.street?.type, full, short)
  t.same(parseAddress('3 St Marys St, Otley')?.street, { qualifiers: 'ST', name: 'MARYS', type: 'STREET', after: '' }, 'a leading St is Saint')
})

// The largest inputs the schemas allow, built to make as many keys as they can.
const NOISE = ['Flat 2', '14-16', '3F2', '1/1', 'LS1 4AP', 'BD7 1DP', 'HU9 5LS', 'Acacia Avenue', 'St Johns Road', 'Upper',
  'Twenty One', 'GFF', 'Rose Court', 'to', '99', 'Leeds', 'If undelivered return to', 'Apartment B', 'Chapel Allerton']
const noise = fc.array(fc.constantFrom(...NOISE), { minLength: 1, maxLength: 200 })

t.test('keys stay under the caps at the largest inputs the schemas allow', async (t) => {
  // each address a text holds has its own caps
  const storeCap = STORE_CAP * MAX_ADDRESSES
  const lookupCap = LOOKUP_CAP * MAX_ADDRESSES
  let most = { store: 0, lookup: 0 }
  fc.assert(fc.property(noise, fc.constantFrom(', ', ' ', '\n'), (parts, separator) => {
    const text = parts.join(separator).slice(0, 1000)
    const lines = Array.from({ length: 12 }, (_, i) => parts.slice(i * 4).join(' ').slice(0, 200).padEnd(1, 'x'))
    for (const raw of [text, { lines, postcode: 'LS1 4AP 4AP 4AP' }]) {
      const { store, lookup } = addressKeys(raw)
      most = { store: Math.max(most.store, store.length), lookup: Math.max(most.lookup, lookup.length) }
      if (store.length > storeCap || lookup.length > lookupCap) return false
      if ([...store, ...lookup].some((key) => key.length > 300)) return false
    }
    return true
  }), { numRuns: 300 })
  t.ok(most.lookup > 20, `the generator reaches many keys (${most.lookup} looked up, ${most.store} stored at most)`)
  const ranges = Array.from({ length: 60 }, (_, i) => `${i * 2}-${i * 2 + 2} Acacia Avenue`).join(', ')
  const worst = addressKeys(`Flat 2, ${ranges} Marlborough Gardens LS1 4AP HU9 5LS BD7 1DP LS6 3QW`.slice(0, 1000))
  t.ok(worst.lookup.length <= lookupCap && worst.store.length <= storeCap, `${worst.lookup.length} and ${worst.store.length} keys`)
})

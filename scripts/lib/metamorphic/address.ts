/**
 * The metamorphic catalogue for postal addresses: made-up addresses built from parts (a house number
 * or name, perhaps a flat and a building name, a street with a qualifier or a saint, a locality, a
 * town and a postcode), entered the plain way, then rewritten the ways envelopes are: layout, case,
 * spacing, abbreviations, slips, regional flat notations, disguises, extra lines. Neighbours are
 * other doors: another number, flat, floor, street, type, qualifier, saint, building or postcode.
 */
import fc from 'fast-check'
import type { Detail, KindCatalogue, Transformation } from './catalogue.js'

type Flat = { kind: 'number', n: number } | { kind: 'door', floor: number, door: number } | { kind: 'floor', level: Level }
type Level = 'Ground' | 'First' | 'Second' | 'Top' | 'Basement'
type House = { kind: 'number', n: number } | { kind: 'name', name: string }

export interface AddressBase {
  flat: Flat | null
  house: House
  /** a building name beside the house number */
  building: string | null
  qualifier: string | null
  /** the street's own word, or a saint's name when `saint` */
  name: string
  saint: boolean
  type: string
  locality: string | null
  town: string
  postcode: { outward: string, digit: number, letters: string }
  object: boolean
}

// Street names at least two slips from each other, so that a slip in one never makes another.
const NAMES = ['Acacia', 'Laburnum', 'Marlborough', 'Cavendish', 'Hawthorn', 'Chestnut', 'Sycamore', 'Kingsley',
  'Ashburton', 'Primrose', 'Blenheim', 'Westbourne', 'Fairfield', 'Hollybush', 'Juniper', 'Larch', 'Rowan', 'Elm',
  'Beech', 'Clarendon', 'Wellington', 'Thornbury', 'Oak', 'Denison', 'Pemberton', 'Mulberry', 'Foxglove']
const SAINTS = ['Johns', 'James', 'Marys', 'Andrews', 'Peters', 'Georges', 'Albans', 'Helens', 'Margarets']
const QUALIFIERS = ['North', 'South', 'East', 'West', 'Upper', 'Lower', 'Little', 'Great']
const OPPOSITE = new Map([['North', 'South'], ['South', 'North'], ['East', 'West'], ['West', 'East'], ['Upper', 'Lower'],
  ['Lower', 'Upper'], ['Little', 'Great'], ['Great', 'Little']])
const TYPES: ReadonlyArray<[string, string[]]> = [
  ['Road', ['Rd', 'Rd.', 'RD']], ['Avenue', ['Ave', 'Av', 'Ave.']], ['Street', ['St', 'St.', 'Str']],
  ['Grove', ['Gr', 'Gro']], ['Close', ['Cl', 'Cl.']], ['Lane', ['Ln']], ['Drive', ['Dr', 'Dr.']],
  ['Crescent', ['Cres', 'Cresc']], ['Gardens', ['Gdns', 'Gdns.']], ['Terrace', ['Terr', 'Tce']], ['Place', ['Pl']]
]
const TOWNS = ['Leeds', 'Otley', 'Bradford', 'Harrogate', 'Wakefield', 'York', 'Hull', 'Keighley', 'Ilkley', 'Pudsey', 'Bristol', 'Glasgow']
const LOCALITIES = ['Headingley', 'Chapel Allerton', 'Roundhay', 'Horsforth', 'Clifton', 'Partick']
const HOUSE_NAMES = ['Rose Cottage', 'Ivy House', 'Highfield Farm', 'The Old Rectory', 'Mill Barn', 'Larkspur Lodge', 'The Willows']
const BUILDINGS = ['Rose Court', 'Albion House', 'Kestrel Mews', 'Victoria Buildings', 'Harbour View']
const OUTWARDS = ['LS1', 'LS6', 'LS21', 'BD7', 'HG1', 'WF1', 'YO10', 'HU9', 'M14', 'B12', 'S11', 'G12', 'EH9', 'BS6', 'BA1', 'NE2']
const LEVELS: Level[] = ['Ground', 'First', 'Second', 'Top', 'Basement']
const LEVEL_INITIALS: Record<Level, string> = { Ground: 'GFF', First: 'FFF', Second: 'SFF', Top: 'TFF', Basement: 'BFF' }
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ'
const UNITS = ['', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine', 'Ten', 'Eleven', 'Twelve',
  'Thirteen', 'Fourteen', 'Fifteen', 'Sixteen', 'Seventeen', 'Eighteen', 'Nineteen']
const TENS = ['', '', 'Twenty', 'Thirty', 'Forty', 'Fifty', 'Sixty', 'Seventy', 'Eighty', 'Ninety']

const flat: fc.Arbitrary<Flat | null> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 40 }).map((n): Flat => ({ kind: 'number', n })) },
  { weight: 1, arbitrary: fc.record({ floor: fc.integer({ min: 0, max: 4 }), door: fc.integer({ min: 1, max: 4 }) }).map((d): Flat => ({ kind: 'door', ...d })) },
  { weight: 1, arbitrary: fc.constantFrom(...LEVELS).map((level): Flat => ({ kind: 'floor', level })) }
)

const base: fc.Arbitrary<AddressBase> = fc.record({
  flat,
  house: fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 1, max: 199 }).map((n): House => ({ kind: 'number', n })) },
    { weight: 1, arbitrary: fc.constantFrom(...HOUSE_NAMES).map((name): House => ({ kind: 'name', name })) }
  ),
  building: fc.option(fc.constantFrom(...BUILDINGS), { freq: 5, nil: null }),
  qualifier: fc.option(fc.constantFrom(...QUALIFIERS), { freq: 4, nil: null }),
  saintName: fc.option(fc.constantFrom(...SAINTS), { freq: 6, nil: null }),
  word: fc.constantFrom(...NAMES),
  type: fc.constantFrom(...TYPES.map(([full]) => full)),
  locality: fc.option(fc.constantFrom(...LOCALITIES), { freq: 3, nil: null }),
  town: fc.constantFrom(...TOWNS),
  postcode: fc.record({ outward: fc.constantFrom(...OUTWARDS), digit: fc.integer({ min: 0, max: 9 }), letters: fc.tuple(letter(), letter()).map(([a, b]) => a + b) }),
  object: fc.boolean()
}).map(({ saintName, word, house, building, ...rest }) => ({
  ...rest,
  house,
  building: house.kind === 'number' ? building : null,
  name: saintName ?? word,
  saint: saintName !== null
}))

function letter (): fc.Arbitrary<string> {
  return fc.integer({ min: 0, max: INWARD_LETTERS.length - 1 }).map((i) => INWARD_LETTERS.charAt(i))
}

/** An address as parts before layout: lines (without the postcode) and the postcode. */
interface Written { lines: string[], postcode: string | null }

function flatText (f: Flat): string {
  if (f.kind === 'number') return `Flat ${f.n}`
  if (f.kind === 'door') return `Flat ${f.floor}F${f.door}`
  return `${f.level} Floor Flat`
}

function streetText (b: AddressBase, type = b.type, name = b.name, qualifier = b.qualifier): string {
  const words = [...(qualifier === null ? [] : [qualifier]), ...(b.saint ? ['St', name] : [name]), type]
  return words.join(' ')
}

function postcodeText (b: AddressBase): string {
  return `${b.postcode.outward} ${b.postcode.digit}${b.postcode.letters}`
}

/** The parts written the plain way, with `change` applied to the base first. */
function written (b: AddressBase, change: Partial<AddressBase> = {}): Written {
  const a = { ...b, ...change }
  const lines: string[] = []
  if (a.flat !== null) lines.push(flatText(a.flat))
  if (a.building !== null) lines.push(a.building)
  if (a.house.kind === 'number') lines.push(`${a.house.n} ${streetText(a)}`)
  else lines.push(a.house.name, streetText(a))
  if (a.locality !== null) lines.push(a.locality)
  lines.push(a.town)
  return { lines, postcode: postcodeText(a) }
}

/** As a block is entered: one line with commas, or lines and a postcode field. */
function entered (w: Written, object: boolean): Detail {
  if (object && w.postcode !== null) return { lines: w.lines, postcode: w.postcode }
  return [...w.lines, ...(w.postcode === null ? [] : [w.postcode])].join(', ')
}

function text (w: Written, separator = ', '): string {
  return [...w.lines, ...(w.postcode === null ? [] : [w.postcode])].join(separator)
}

/** Replace the house line (the one starting with the house number) through `f`. */
function onHouseLine (w: Written, b: AddressBase, f: (line: string) => string): Written {
  const index = b.house.kind === 'number' ? w.lines.findIndex((line) => line.startsWith(`${b.house.kind === 'number' ? b.house.n : ''} `)) : w.lines.findIndex((line) => line === streetText(b))
  return { ...w, lines: w.lines.map((line, i) => (i === index ? f(line) : line)) }
}

function numberWords (n: number): string {
  const hundreds = Math.floor(n / 100)
  const rest = n % 100
  const below = rest < 20 ? UNITS[rest] ?? '' : `${TENS[Math.floor(rest / 10)] ?? ''}${rest % 10 === 0 ? '' : `-${UNITS[rest % 10] ?? ''}`}`
  if (hundreds === 0) return below
  return `${UNITS[hundreds] ?? ''} Hundred${rest === 0 ? '' : ` and ${below}`}`
}

const keep = (name: string, cls: string, variant: (b: AddressBase) => fc.Arbitrary<Detail>): Transformation<AddressBase> => ({ name, class: cls, variant })
const plain = (b: AddressBase) => written(b)

/** A one-letter slip in a word: dropped, doubled, two swapped or one changed. */
function slip (word: string): fc.Arbitrary<string> {
  return fc.tuple(fc.integer({ min: 1, max: word.length - 2 }), fc.constantFrom('drop', 'double', 'swap', 'change'), fc.constantFrom(...'aeiouynrst'))
    .map(([at, kind, other]) => {
      if (kind === 'drop') return word.slice(0, at) + word.slice(at + 1)
      if (kind === 'double') return word.slice(0, at) + (word[at] ?? '') + word.slice(at)
      if (kind === 'swap') return word.slice(0, at) + (word[at + 1] ?? '') + (word[at] ?? '') + word.slice(at + 2)
      return word.slice(0, at) + (other === word[at] ? 'x' : other) + word.slice(at + 1)
    })
}

const LOOKALIKE: Record<string, string> = { A: '\u0410', E: '\u0415', O: '\u041E', C: '\u0421', P: '\u0420', a: '\u0430', e: '\u0435', o: '\u043E', c: '\u0441', p: '\u0440' }
const INVISIBLE = ['\u200B', '\u200D', '\u00AD', '\u2060', '\uFEFF']

const keeps: Array<Transformation<AddressBase>> = [
  keep('lower case', 'case', (b) => fc.constant(text(plain(b)).toLowerCase())),
  keep('upper case', 'case', (b) => fc.constant(text(plain(b)).toUpperCase())),
  keep('lines instead of commas', 'layout', (b) => fc.constantFrom('\n', '\r\n', ',\n').map((sep) => text(plain(b), sep))),
  keep('no commas at all', 'layout', (b) => fc.constant(text(plain(b), ' '))),
  keep('no spaces at all', 'layout', (b) => fc.constantFrom(',', '\n').map((sep) => plain(b).lines.concat([postcodeText(b)]).map((line) => line.replace(/ /g, '')).join(sep))),
  keep('postcode broken across lines', 'layout', (b) => fc.constant(`${plain(b).lines.join(', ')}, ${b.postcode.outward}\n${b.postcode.digit}${b.postcode.letters}`)),
  keep('postcode spaced at any seam', 'postcode', (b) => {
    const outward = b.postcode.outward
    const area = outward.replace(/[0-9].*/, '')
    const inward = `${b.postcode.digit}${b.postcode.letters}`
    return fc.constantFrom(`${area} ${outward.slice(area.length)} ${inward}`, `${outward} ${b.postcode.digit} ${b.postcode.letters}`,
      `${outward}${inward}`, `${area} ${outward.slice(area.length)}${inward}`, `${outward}  ${inward}`)
      .map((postcode) => text({ ...plain(b), postcode }))
  }),
  keep('postcode in lower case', 'postcode', (b) => fc.constant(text({ ...plain(b), postcode: postcodeText(b).toLowerCase() }))),
  keep('an OCR slip in the inward code', 'postcode', (b) => {
    const digit = String(b.postcode.digit)
    const asLetter: Record<string, string> = { 0: 'O', 1: 'I', 5: 'S', 8: 'B', 2: 'Z' }
    // one slip: the digit read as a letter, or else one letter read as a digit
    const slipped = asLetter[digit]
    const inward = slipped !== undefined
      ? slipped + b.postcode.letters
      : digit + b.postcode.letters.replace(/[BSZ]/, (letter) => ({ B: '8', S: '5', Z: '2' })[letter] ?? letter)
    return fc.constant(text({ ...plain(b), postcode: `${b.postcode.outward} ${inward}` }))
  }),
  keep('street type abbreviated', 'abbreviation', (b) => {
    const forms = TYPES.find(([full]) => full === b.type)?.[1] ?? [b.type]
    return fc.constantFrom(...forms).map((short) => text(onHouseLine(plain(b), b, (line) => line.replace(new RegExp(` ${b.type}$`), ` ${short}`))))
  }),
  keep('a one-letter slip in a long street name', 'street slip', (b) => {
    if (b.name.length < 6) return fc.constant(text(plain(b)))
    return slip(b.name).map((name) => entered(written(b, { name }), false))
  }),
  keep('house number in words', 'numbers as words', (b) => fc.constant(b.house.kind === 'number'
    ? text(onHouseLine(plain(b), b, (line) => line.replace(/^[0-9]+/, numberWords(b.house.kind === 'number' ? b.house.n : 0))))
    : text(plain(b)))),
  keep('flat number in words', 'numbers as words', (b) => fc.constant(b.flat?.kind === 'number'
    ? text(plain(b)).replace(/^Flat [0-9]+/, `Flat ${numberWords(b.flat.n)}`) : text(plain(b)))),
  keep('Edinburgh and Glasgow floor and door', 'regional flats', (b) => {
    const f = b.flat
    if (f?.kind !== 'door') return fc.constant(text(plain(b)))
    // a bare slash before a house name, not a number, reads as house and flat (12/6 Marchmont Road)
    const slashes = b.house.kind === 'number' ? [`${f.floor}/${f.door}`, `${f.floor === 0 ? 'O' : f.floor}/${f.door}`] : []
    return fc.constantFrom(`${f.floor}F${f.door}`, `${f.floor}f${f.door}`, `Flat ${f.floor}/${f.door}`, ...slashes)
      .map((written) => text(plain(b)).replace(flatText(f), written))
  }),
  keep('Bristol floor initials', 'regional flats', (b) => {
    const f = b.flat
    if (f?.kind !== 'floor') return fc.constant(text(plain(b)))
    return fc.constantFrom('', ' Flat').map((after) => text(plain(b)).replace(flatText(f), `${LEVEL_INITIALS[f.level]}${after}`))
  }),
  keep('a floor flat running into the number', 'flat into number', (b) => {
    if (b.flat?.kind !== 'floor' || b.house.kind !== 'number' || b.building !== null) return fc.constant(text(plain(b)))
    return fc.constant(text(plain(b)).replace(`${flatText(b.flat)}, `, `${flatText(b.flat).toLowerCase()} `))
  }),
  keep('a building name running into the number', 'flat into number', (b) => fc.constant(b.building === null
    ? text(plain(b)) : text(plain(b)).replace(`${b.building}, `, `${b.building} `))),
  keep('lookalike letters', 'disguise', (b) => fc.integer({ min: 0, max: 1000 }).map((seed) =>
    [...text(plain(b))].map((c, i) => ((i * 7 + seed) % 3 === 0 ? LOOKALIKE[c] ?? c : c)).join(''))),
  keep('zero-width characters', 'disguise', (b) => fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.constantFrom(...INVISIBLE)).map(([seed, mark]) =>
    [...text(plain(b))].map((c, i) => ((i * 5 + seed) % 4 === 0 ? c + mark : c)).join(''))),
  keep('full-width postcode', 'disguise', (b) => fc.constant(text({ ...plain(b), postcode: [...postcodeText(b)].map((c) => (c === ' ' ? c : String.fromCharCode(c.charCodeAt(0) + 0xFEE0))).join('') }))),
  keep('a return address below', 'text beyond the address', (b) => fc.constantFrom(
    'If undelivered return to HMP Hull, Hedon Road, HU9 5LS', 'If undelivered please return to: HMP Leeds, 2 Gloucester Terrace, LS12 2TJ',
    'Return to sender: PO Box 17, Wakefield WF2 9AG').map((back) => `${text(plain(b), '\n')}\n\n${back}`)),
  keep('an addressee line above', 'addressee', (b) => fc.constantFrom('Mrs J Doe', 'FAO Jane Doe', 'c/o Sam Doe', 'To: Mr A Doe', 'Miss Jo Bloggs')
    .map((who) => `${who}\n${text(plain(b), '\n')}`)),
  keep('county and country lines', 'extra lines', (b) => fc.constantFrom('West Yorkshire', 'Yorkshire', 'United Kingdom', 'England', 'UK')
    .map((county) => text({ lines: [...plain(b).lines, county], postcode: postcodeText(b) }))),
  keep('the street left out', 'missing street', (b) => {
    const w = plain(b)
    if (b.house.kind !== 'number') return fc.constant(text(w))
    return fc.constant(text(onHouseLine(w, b, () => String(b.house.kind === 'number' ? b.house.n : ''))))
  }),
  keep('no postcode, street and town', 'missing postcode', (b) => fc.constant(text({ ...plain(b), postcode: null }))),
  keep('no postcode, another locality line', 'missing postcode', (b) => fc.constantFrom('Chapel Allerton', 'Meanwood', null).map((locality) =>
    text({ ...written(b, { locality }), postcode: null }))),
  keep('another word for flat', 'flat words', (b) => fc.constantFrom('Apartment', 'Apt', 'Flt', 'Unit', 'Flat No.', 'FLAT').map((word) =>
    text(plain(b)).replace(/^Flat /, `${word} `))),
  keep('the flat after the street', 'layout', (b) => {
    if (b.flat?.kind !== 'number' || b.house.kind !== 'number') return fc.constant(text(plain(b)))
    const w = plain(b)
    const flatLine = flatText(b.flat)
    return fc.constant(text(onHouseLine({ ...w, lines: w.lines.filter((line) => line !== flatLine) }, b, (line) => `${line} ${flatLine}`)))
  }),
  keep('string and object forms swapped', 'layout', (b) => fc.constant(entered(plain(b), !b.object))),
  keep('postcode in the middle', 'layout', (b) => {
    const w = plain(b)
    return fc.constant([...w.lines.slice(0, -1), postcodeText(b), ...w.lines.slice(-1)].join(', '))
  }),
  keep('Saint written out, apostrophe added', 'abbreviation', (b) => fc.constant(b.saint
    ? text(plain(b)).replace(`St ${b.name}`, `Saint ${b.name.replace(/s$/, "'s")}`) : text(plain(b)))),
  keep('dots and extra spaces', 'layout', (b) => fc.constant(text(plain(b), ' ,  ').replace(/ /g, '  ') + '.')),
  keep('a flat named where the block covers the house', 'flats', (b) => fc.integer({ min: 1, max: 9 }).map((n) =>
    b.flat === null ? `Flat ${n}, ${text(plain(b))}` : text(plain(b)))),
  keep('no flat named where the block is on a flat', 'flats', (b) => fc.constant(text({ ...written(b, { flat: null }) }))),
  keep('postcode spaced anywhere', 'postcode', (b) => fc.tuple(fc.integer({ min: 0, max: 63 }), fc.constantFrom(' ', '.')).map(([cuts, gap]) => {
    // any of the gaps between the characters cut, and always the one between two digits, since a
    // word of two digits is a house number
    const chars = [...`${b.postcode.outward}${b.postcode.digit}${b.postcode.letters}`]
    const digits = (c: string | undefined) => c !== undefined && /[0-9]/.test(c)
    const spaced = chars.map((c, i) => (i > 0 && (((cuts >> (i - 1)) & 1) === 1 || (digits(c) && digits(chars[i - 1]))) ? gap + c : c)).join('')
    return text({ ...plain(b), postcode: spaced })
  })),
  keep('another address written above', 'several addresses', (b) => fc.tuple(fc.integer({ min: 1, max: 99 }), fc.constantFrom(...NAMES), fc.boolean())
    // with no postcode of its own, the address above gives way to a number or flat below it, not to a house name
    .map(([n, name, withPostcode]) => `${n} ${name === b.name ? 'Orchard' : name} Grove${withPostcode || b.house.kind === 'name' ? ', Hull HU9 5LS' : ''}\n${text(plain(b), '\n')}`)),
  keep('another address written below', 'several addresses', (b) => fc.tuple(fc.integer({ min: 1, max: 99 }), fc.constantFrom(...NAMES))
    .map(([n, name]) => `${text(plain(b))}; ${n} ${name === b.name ? 'Orchard' : name} Grove, Hull HU9 5LS`)),
  keep('a flat word abbreviated or a hash', 'flat words', (b) => fc.constantFrom('Fl ', 'F ', '#').map((word) =>
    b.flat?.kind === 'number' && b.building === null && b.house.kind === 'number' ? text(plain(b)).replace(/^Flat /, word) : text(plain(b)))),
  keep('a building word abbreviated', 'abbreviation', (b) => {
    const short: Record<string, string> = { Cottage: 'Cott.', House: 'Ho', Lodge: 'Ldg', Farm: 'Fm', Court: 'Ct', Buildings: 'Bldgs' }
    const name = b.house.kind === 'name' ? b.house.name : b.building
    if (name === null) return fc.constant(text(plain(b)))
    const abbreviated = name.replace(/(\w+)$/, (word) => short[word] ?? word)
    return fc.constant(text(plain(b)).replace(name, abbreviated))
  }),
  keep('one or two unlabelled lines above', 'extra lines', (b) => fc.subarray(['Jane Doe', 'Private & Confidential', 'URGENT', 'Please Forward', 'The Doe Family'], { minLength: 1, maxLength: 2 })
    .map((above) => `${above.join('\n')}\n${text(plain(b), '\n')}`)),
  keep('The before the street name', 'street', (b) => fc.constant(text(onHouseLine(plain(b), b, (line) =>
    b.house.kind === 'number' ? line.replace(/^([0-9]+) /, '$1 The ') : `The ${line}`)))),
  keep('a numbered floor beside the flat, in either order', 'regional flats', (b) => {
    const f = b.flat
    if (f?.kind !== 'door' || f.floor === 0) return fc.constant(text(plain(b)))
    const floor = ['', '1st', '2nd', '3rd', '4th'][f.floor] ?? ''
    return fc.constantFrom(`Flat ${f.door}, ${floor} Floor`, `${floor} Floor, Flat ${f.door}`, `Flat ${f.door} (${floor} floor)`)
      .map((written) => text(plain(b)).replace(flatText(f), written))
  }),
  keep('a range around the house number', 'number', (b) => fc.integer({ min: 1, max: 4 }).map((k) => {
    if (b.house.kind !== 'number' || b.house.n <= 2 * k) return text(plain(b))
    const n = b.house.n
    return text(onHouseLine(plain(b), b, (line) => line.replace(/^[0-9]+ /, `${n - 2 * k}-${n + 2 * k} `)))
  })),
  keep('a one-letter slip in a house name', 'building names', (b) => {
    if (b.house.kind !== 'name') return fc.constant(text(plain(b)))
    // a slip in the name's longest word
    const name = b.house.name
    const word = name.split(' ').reduce((longest, w) => (w.length > longest.length ? w : longest), '')
    return slip(word).map((slipped) => text(written(b, { house: { kind: 'name', name: name.replace(word, slipped) } })))
  })
]

const other = (name: string, cls: string, variant: (b: AddressBase) => fc.Arbitrary<Detail>): Transformation<AddressBase> => ({ name, class: cls, variant })

const neighbours: Array<Transformation<AddressBase>> = [
  other('another house number', 'number', (b) => fc.integer({ min: 1, max: 50 }).map((k) =>
    b.house.kind === 'number' ? text(written(b, { house: { kind: 'number', n: b.house.n + k } })) : text(written(b, { house: { kind: 'number', n: k } })))),
  other('a letter after the house number', 'number', (b) => fc.constantFrom('A', 'B', 'C').map((l) =>
    b.house.kind === 'number' ? text(onHouseLine(plain(b), b, (line) => line.replace(/^([0-9]+)/, `$1${l}`))) : text(written(b, { house: { kind: 'number', n: 3 } })))),
  other('another flat', 'flat', (b) => fc.integer({ min: 1, max: 30 }).map((k): Detail => {
    const f = b.flat
    if (f === null) return text(written(b, { house: { kind: 'number', n: (b.house.kind === 'number' ? b.house.n : 0) + k } }))
    if (f.kind === 'number') return text(written(b, { flat: { kind: 'number', n: f.n + k } }))
    if (f.kind === 'door') return text(written(b, { flat: { kind: 'door', floor: f.floor, door: f.door + k } }))
    return text(written(b, { flat: { kind: 'floor', level: LEVELS[(LEVELS.indexOf(f.level) + 1 + (k % 4)) % 5] as Level } }))
  })),
  other('another street type', 'street', (b) => fc.constantFrom(...TYPES.map(([full]) => full)).filter((t) => t !== b.type).map((type) =>
    text(written(b, { type })))),
  other('another street name', 'street', (b) => fc.constantFrom(...NAMES).filter((n) => n !== b.name).map((name) =>
    text(written(b, { name, saint: false })))),
  other('North for South, Upper for Lower', 'street', (b) => fc.constant(text(written(b, {
    qualifier: b.qualifier === null ? 'Upper' : OPPOSITE.get(b.qualifier) ?? null
  })))),
  other('another saint', 'street', (b) => fc.constantFrom(...SAINTS).filter((s) => s !== b.name).map((name) =>
    text(written(b, { name, saint: true })))),
  other('another postcode, same number and street', 'postcode', (b) => fc.integer({ min: 1, max: 9 }).map((k) =>
    text(written(b, { postcode: { ...b.postcode, digit: (b.postcode.digit + k) % 10 } })))),
  other('another building name', 'building', (b) => fc.constantFrom(...HOUSE_NAMES).map((name) =>
    b.house.kind === 'name' ? text(written(b, { house: { kind: 'name', name: name === b.house.name ? 'Orchard End' : name } })) : text(written(b, { house: { kind: 'number', n: b.house.n + 1 } })))),
  other('another floor and door', 'flat', (b) => fc.integer({ min: 1, max: 3 }).map((k) => {
    const f = b.flat
    const door: Flat = f?.kind === 'door' ? { kind: 'door', floor: (f.floor + k) % 5, door: f.door } : { kind: 'number', n: (f?.kind === 'number' ? f.n : 0) + k }
    return f === null ? text(written(b, { postcode: { ...b.postcode, digit: (b.postcode.digit + k) % 10 } })) : text(written(b, { flat: door }))
  })),
  other('a range beside the number', 'number', (b) => fc.integer({ min: 1, max: 5 }).map((k) => {
    const n = b.house.kind === 'number' ? b.house.n : 0
    return text(written(b, { house: { kind: 'number', n: n + 2 * k } })).replace(`${n + 2 * k} `, `${n + 2 * k}-${n + 2 * k + 2} `)
  })),
  other('the same street in another town, no postcode', 'town', (b) => fc.constantFrom(...TOWNS).filter((town) => town !== b.town).map((town) =>
    text({ ...written(b, { town, locality: null }), postcode: null }))),
  other('a qualifier after the street type', 'street', (b) => fc.constantFrom('North', 'South', 'East', 'West', 'Lower', 'Upper', 'Extension').map((after) =>
    text(onHouseLine(plain(b), b, (line) => `${line} ${after}`)))),
  other('another address above, then another door', 'several addresses', (b) => fc.integer({ min: 1, max: 9 }).map((k) =>
    `HMP Hull, 2 Hedon Road, Hull HU9 5LS\n${text(written(b, { postcode: { ...b.postcode, digit: (b.postcode.digit + k) % 10 } }), '\n')}`))
]

export const addressCatalogue: KindCatalogue<AddressBase> = {
  kind: 'address',
  base,
  entry: (b) => entered(plain(b), b.object),
  keeps,
  neighbours
}

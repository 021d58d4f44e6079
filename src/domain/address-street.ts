/**
 * Streets and towns: what of a street line tells one street from another, in a form that two ways of
 * writing the same street share.
 *
 * A street is its name and its type: `St John's Rd` is name STJOHNS, type ROAD. The type is the
 * last street-type word (Road, Rd, Avenue, Ave ...), folded to its full word, also when it is typed
 * with one letter wrong (Avenve). The name is every word before it run
 * together, with qualifiers kept and their abbreviations folded (Saint and St to ST, Nth to NORTH,
 * Upr to UPPER, Mt to MOUNT, N to NORTH ...), so North Road and South Road, or St John's and St
 * James's, stay two streets, while Heol-y-Wyn and Heol y Wyn are one. A qualifier after the type
 * (North Street East, Park Road Extension) ends the line it stands on and makes another street.
 *
 * Two names are the same street when they are within one slip of each other: a letter dropped,
 * added, changed or two swapped. That is tested through keys: each name stands for its deletion
 * neighbourhood (the name and the name with each one letter left out), and two names within one
 * slip always share a member. Names of four letters or fewer are compared exactly; names are cut to
 * ten letters first, so a name has at most eleven members.
 */
import type { Line } from './address-read.js'

export interface Street {
  /** the words before the name that tell streets apart, folded, compared exactly: NORTH, UPPER ST */
  qualifiers: string
  /** the name's own words run together: JOHNS, ACACIA, HEOLYWYN */
  name: string
  /** the full street-type word, ROAD, AVENUE ...; null when none was read */
  type: string | null
  /** a qualifier after the type (EAST of North Street East), or '' */
  after: string
}

/** Names longer than this are cut: a slip past it no longer matters, and the members stay few. */
const NAME_LENGTH = 10
/** Names up to this long are compared exactly: one slip in a short name makes another name. */
const EXACT_LENGTH = 4

/** Street-type words and their abbreviations, to the full word. */
export const STREET_TYPES: ReadonlyMap<string, string> = new Map([
  ...['STREET', 'ROAD', 'AVENUE', 'CRESCENT', 'GARDENS', 'COURT', 'LANE', 'DRIVE', 'PLACE', 'SQUARE',
    'TERRACE', 'CLOSE', 'GREEN', 'GROVE', 'PARK', 'WAY', 'PARADE', 'MOUNT', 'WALK', 'HEIGHTS', 'APPROACH',
    'BOULEVARD', 'ROW', 'MEWS', 'RISE', 'VIEW', 'VALE', 'HILL', 'WYND', 'CHASE', 'BUILDINGS', 'YARD',
    'CROFT', 'GATE', 'FOLD', 'GARTH', 'CIRCUS', 'QUAY', 'WHARF', 'EMBANKMENT', 'ESPLANADE', 'PROMENADE',
    'VILLAS', 'COTTAGES', 'PASSAGE', 'ALLEY', 'BROW', 'BANK', 'END', 'LEA', 'DALE', 'CAUSEWAY', 'CROSS',
    'GLEN', 'LOAN', 'BRAE', 'HEAD', 'NOOK', 'CORNER', 'MEADOW', 'MEADOWS', 'FIELDS', 'ORCHARD'].map((word): [string, string] => [word, word]),
  ['ST', 'STREET'], ['STR', 'STREET'], ['RD', 'ROAD'], ['AVE', 'AVENUE'], ['AV', 'AVENUE'], ['AVEN', 'AVENUE'],
  ['CRES', 'CRESCENT'], ['CRESC', 'CRESCENT'], ['CR', 'CRESCENT'], ['CRS', 'CRESCENT'], ['GDNS', 'GARDENS'],
  ['GDN', 'GARDENS'], ['GD', 'GARDENS'], ['GARDEN', 'GARDENS'], ['CT', 'COURT'], ['CRT', 'COURT'], ['LN', 'LANE'],
  ['LA', 'LANE'], ['DR', 'DRIVE'], ['DRV', 'DRIVE'], ['PL', 'PLACE'], ['SQ', 'SQUARE'], ['TERR', 'TERRACE'], ['TER', 'TERRACE'],
  ['TCE', 'TERRACE'], ['CL', 'CLOSE'], ['GRN', 'GREEN'], ['GRO', 'GROVE'], ['GR', 'GROVE'], ['GV', 'GROVE'],
  ['PK', 'PARK'], ['WY', 'WAY'], ['PDE', 'PARADE'], ['MT', 'MOUNT'], ['WK', 'WALK'], ['HTS', 'HEIGHTS'],
  ['APP', 'APPROACH'], ['BLVD', 'BOULEVARD'], ['BLDGS', 'BUILDINGS'], ['BLDG', 'BUILDINGS'], ['ESP', 'ESPLANADE'],
  ['PROM', 'PROMENADE'], ['VW', 'VIEW'], ['CTS', 'COTTAGES']
])

/** Full type words long enough that one slip in them still names them (Avenve, Cresent, Stret). */
const SLIPPED_TYPES = [...new Set(STREET_TYPES.values())].filter((word) => word.length >= 5)

/** Qualifiers and their abbreviations inside a name. */
const QUALIFIERS = new Map([
  ['SAINT', 'ST'], ['STE', 'ST'], ['MT', 'MOUNT'], ['GT', 'GREAT'], ['GRT', 'GREAT'], ['LT', 'LITTLE'],
  ['LTL', 'LITTLE'], ['NTH', 'NORTH'], ['STH', 'SOUTH'], ['UPR', 'UPPER'], ['UPP', 'UPPER'], ['LWR', 'LOWER'],
  ['GTR', 'GREATER'], ['N', 'NORTH'], ['S', 'SOUTH'], ['E', 'EAST'], ['W', 'WEST']
])

/** Qualifiers that may follow the type, and their abbreviations. */
const AFTER_TYPE = new Map([
  ['NORTH', 'NORTH'], ['SOUTH', 'SOUTH'], ['EAST', 'EAST'], ['WEST', 'WEST'], ['NTH', 'NORTH'], ['STH', 'SOUTH'],
  ['UPPER', 'UPPER'], ['LOWER', 'LOWER'], ['EXTENSION', 'EXTENSION'], ['EXT', 'EXTENSION'], ['CENTRAL', 'CENTRAL']
])

/** Where a street ending in the type at `type` starts: the word before it, and any qualifiers before that (St Johns Road). */
export function streetStart(words: Line, type: number): number {
  let start = type - 1
  while (start > 0 && QUALIFIER_WORDS.has(words[start - 1] as string)) start--
  return start
}

/**
 * The words of a street line split into the street (up to its type) and what follows it on the line
 * (a town, when the address was typed on one line). The type is the last street-type word after the
 * first word; when words follow it and another type word stands before it (14 Acacia Avenue Forest
 * Hill), where the street ends cannot be told, and the street is `unsure`.
 */
export function splitStreet(words: Line): { street: Line, rest: Line, unsure: boolean } {
  const types: number[] = []
  for (let at = 1; at < words.length; at++) {
    const word = words[at] as string
    // ST with more words after it is SAINT (14 Acacia Avenue St Albans)
    if (STREET_TYPES.has(word) && (word !== 'ST' || at === words.length - 1)) types.push(at)
  }
  // 12 High St Ripon: with no other type on the line, St in mid-line ends the street
  if (types.length === 0) {
    const saint = words.indexOf('ST', 1)
    if (saint > 0) types.push(saint)
  }
  const at = types[types.length - 1]
  if (at === undefined) return welshStreet(words)
  // North Street East: one qualifier ending the line is the street's
  if (at === words.length - 2 && AFTER_TYPE.has(words[at + 1] as string)) return { street: words, rest: [], unsure: false }
  return { street: words.slice(0, at + 1), rest: words.slice(at + 1), unsure: at < words.length - 1 && types.length > 1 }
}

/** Welsh street types, which stand before the name: Ffordd Las, Heol y Wyn, Stryd Fawr. */
const WELSH_TYPES = new Set(['FFORDD', 'HEOL', 'STRYD', 'LON', 'RHODFA', 'CILGANT', 'TERAS', 'LLWYBR', 'CLOS', 'MAES'])
const WELSH_ARTICLES = new Set(['Y', 'YR'])

/**
 * A line with no street type after its first word that starts with a Welsh one: the street is the type
 * and the next word (after y or yr), and the rest of the line is the town (5 Ffordd Las Rhyl).
 */
function welshStreet(words: Line): { street: Line, rest: Line, unsure: boolean } {
  if (!WELSH_TYPES.has(words[0] ?? '')) return { street: words, rest: [], unsure: false }
  const end = WELSH_ARTICLES.has(words[1] ?? '') ? 3 : 2
  return { street: words.slice(0, end), rest: words.slice(end), unsure: false }
}

const QUALIFIER_WORDS = new Set([...QUALIFIERS.keys(), ...QUALIFIERS.values(), 'NORTH', 'SOUTH', 'EAST', 'WEST', 'UPPER', 'LOWER', 'GREAT', 'LITTLE', 'OLD', 'NEW'])

/** A street line's qualifiers, name and type. */
export function readStreet(line: Line): Street | null {
  const tail = line[line.length - 1] ?? ''
  const qualified = line.length > 2 && AFTER_TYPE.has(tail) && STREET_TYPES.has(line[line.length - 2] as string)
  const words = qualified ? line.slice(0, -1) : line
  if (words.length === 0) return null
  const last = words[words.length - 1] as string
  const type = words.length > 1 ? STREET_TYPES.get(last) ?? slippedType(last) : undefined
  const typed = type === undefined ? words : words.slice(0, -1)
  // The High Street is High Street: a leading The is dropped when a name word follows it
  const nameWords = (typed[0] === 'THE' && typed.length > 1 ? typed.slice(1) : typed).map((word) => QUALIFIERS.get(word) ?? word)
  // qualifiers before the name (North, Upper, St ...): the last word is always the name's own
  let own = 0
  while (own < nameWords.length - 1 && QUALIFIER_WORDS.has(nameWords[own] as string)) own++
  const name = nameWords.slice(own).join('')
  if (name === '') return null
  return { qualifiers: nameWords.slice(0, own).join(' '), name, type: type ?? null, after: qualified ? AFTER_TYPE.get(tail) ?? '' : '' }
}

/** The street type one slip away from `word` (a letter dropped, added, changed or two swapped), if any. */
function slippedType(word: string): string | undefined {
  if (word.length < 4) return undefined
  return SLIPPED_TYPES.find((full) => withinOneSlip(word, full))
}

/** Damerau-Levenshtein distance at most one. */
export function withinOneSlip(a: string, b: string): boolean {
  if (a === b) return true
  if (Math.abs(a.length - b.length) > 1) return false
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2)
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1)
}

/**
 * The name's members: the name cut to NAME_LENGTH (or `length`), then, for a name longer than EXACT_LENGTH, each
 * one-letter deletion of it. Two names within one slip share a member; the name itself comes first.
 */
export function nameMembers(name: string, length = NAME_LENGTH): string[] {
  const cut = name.slice(0, length)
  const members = [cut]
  if (cut.length <= EXACT_LENGTH) return members
  for (let i = 0; i < cut.length; i++) {
    const member = cut.slice(0, i) + cut.slice(i + 1)
    if (!members.includes(member)) members.push(member)
  }
  return members
}

/** The street as one text for keys that compare it exactly: QUALIFIERS:NAME.TYPE, then .AFTER if any. */
export function streetText(street: Street, name = street.name): string {
  return `${street.qualifiers}:${name}.${street.type ?? ''}${street.after === '' ? '' : `.${street.after}`}`
}

// Lines that name a county or a country: never a town, so a shared county line never joins two towns.
const COUNTIES = new Set([
  'UK', 'GB', 'UNITEDKINGDOM', 'GREATBRITAIN', 'ENGLAND', 'SCOTLAND', 'WALES', 'NORTHERNIRELAND', 'CYMRU',
  'AVON', 'BEDS', 'BERKS', 'BUCKS', 'CAMBS', 'CLEVELAND', 'CORNWALL', 'CUMBRIA', 'DERBYS', 'DEVON', 'DORSET',
  'DURHAM', 'COUNTYDURHAM', 'ESSEX', 'GLOS', 'HANTS', 'HERTS', 'KENT', 'LANCS', 'LEICS', 'LINCS', 'MERSEYSIDE',
  'MIDDLESEX', 'NORFOLK', 'NORTHANTS', 'NORTHUMBERLAND', 'NOTTS', 'OXON', 'RUTLAND', 'SHROPS', 'SOMERSET',
  'STAFFS', 'SUFFOLK', 'SURREY', 'SUSSEX', 'EASTSUSSEX', 'WESTSUSSEX', 'TYNEANDWEAR', 'WESTMIDLANDS', 'WILTS',
  'WORCS', 'YORKS', 'WESTYORKS', 'NORTHYORKS', 'SOUTHYORKS', 'EASTYORKS', 'GREATERMANCHESTER', 'GREATERLONDON',
  'ISLEOFWIGHT', 'LOTHIAN', 'MIDLOTHIAN', 'EASTLOTHIAN', 'WESTLOTHIAN', 'FIFE', 'GWENT', 'POWYS', 'DYFED',
  'GWYNEDD', 'CLWYD', 'GLAMORGAN', 'SOUTHGLAMORGAN', 'WESTGLAMORGAN', 'MIDGLAMORGAN', 'COANTRIM', 'CODOWN',
  'COARMAGH', 'COTYRONE', 'COLONDONDERRY', 'COFERMANAGH', 'HUMBERSIDE', 'WESTMORLAND', 'CUMBERLAND'
])
const SHIRE = /SHIRE$/

/** Is this run of words a county (N Yorks, North Yorkshire, Kent)? At most two words are one. */
function isCounty(words: Line): boolean {
  if (words.length > 2) return false
  const joined = words.map((word) => QUALIFIERS.get(word) ?? word).join('')
  return COUNTIES.has(joined) || SHIRE.test(joined)
}

/** A town line without a county after the town (Ripon North Yorkshire, Ripon N Yorks): at most two words go. */
function withoutCounty(line: Line): Line {
  if (isCounty(line)) return line
  for (const count of [2, 1]) if (line.length > count && isCounty(line.slice(-count))) return line.slice(0, -count)
  return line
}

/**
 * The forms a town line is tried in: the line run together and, for a line of several words, its
 * last word (Chapel Allerton Leeds is also LEEDS). County and country lines give none.
 */
export function townForms(words: Line): string[] {
  const line = withoutCounty(words)
  const joined = line.map((word) => QUALIFIERS.get(word) ?? word).join('')
  if (joined === '' || COUNTIES.has(joined) || SHIRE.test(joined)) return []
  const last = line[line.length - 1] as string
  return line.length > 1 && !COUNTIES.has(last) && !SHIRE.test(last) && last.length > 2 ? [joined, last] : [joined]
}

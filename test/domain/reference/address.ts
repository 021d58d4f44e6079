/**
 * UK postal addresses -> index keys (docs/MATCHING.md, Postal addresses: postcode plus premise is
 * the key).
 *
 * Keys, with P = postcode key, N = premise, F = flat (`F2`), S = street, T = town:
 *   a:P|N|F   a:P|N|*   a:P|N|-            postcode and premise
 *   sp:S|T|N|...  sn:S|T|N|...             street and town, for an entry with / without a postcode
 *   a?:TEXT                                 the folded text, when nothing better can be read
 * The flat part is asymmetric on purpose: `*` is stored by a block without a flat and covers every
 * flat at the premise; `-` is stored by a block on a flat and catches a letter that names no flat
 * (held for a human: recall comes first); a block on Flat 2 never meets a letter to Flat 3.
 * Street keys let an address without a postcode meet the same premise, street and town; two addresses
 * that both have postcodes are compared by postcode only, which is why a check with a postcode looks
 * up `sn:` keys only.
 *
 * The premise N is, in Royal Mail's terms, the building number or else the building name:
 *   - a number with its letter (14, 14A) or a range (14-16, 14 to 16); a range is one building that
 *     takes in both end numbers, so it meets a letter to either end, and a letter to a range meets a
 *     block on either end; 14-16 never meets 16-18 (one building cannot take in another's number);
 *   - numbers written as words where a house or flat number stands (Fourteen Acacia Avenue, Flat Two);
 *   - a building name (Rose Court) when there is no number; with a number too, the name is stored as
 *     `ROSE COURT+`, which a letter naming the building and no number looks up: a letter with a
 *     number is judged by its number, so Rose Court, 16 never meets Rose Court, 14.
 * Flats: Flat/Apartment/Unit/Room/Studio/Suite + number or letter, and floors (First Floor Flat,
 * Floor 1, Basement Flat), a floor used only when no flat number is given.
 * Lines that address a person (Mr, Mrs, Ms, Miss, Mx, Dr, c/o, FAO ...) are not address lines.
 */
import type { AddressObject, DetailIssue, DetailKeys } from '../../../src/domain/detail-keys.js'
import { findPostcode, normalisePostcode } from './postcode.js'

/** An address line as words: uppercase A-Z0-9 (and hyphens inside number ranges). */
type Line = string[]

/** What could be read from an address; exported so that tests and explanations can show it. */
export interface ParsedAddress {
  /** postcode key, e.g. `LS14AP` */
  postcode: string | null
  /** canonical sub-premise, e.g. `F2` for Flat 2, Apartment 2, Unit 2 ... */
  flat: string | null
  /** house number (14, 14A, 14-16) or, when there is none, the building name */
  premise: string | null
  /** the building name when a house number is the premise (Rose Court, 14 Acacia Avenue) */
  building: string | null
  street: string | null
  /** the town first, then any later lines (county, country) that a check also tries as the town */
  towns: string[]
  /** the whole address as A-Z0-9 words with the postcode in key form: the fallback key's text */
  folded: string
}

const EMPTY: DetailIssue = { code: 'address_empty', message: 'is empty' }
const UNPARSED: DetailIssue = {
  code: 'address_unparsed',
  message: 'could not be read as a postal address; blocked by its exact text'
}

const LINE_SEPARATOR = /[,\n\r\u2028\u2029]+/
const COMBINING_MARKS = /\p{M}+/gu
// Apostrophes are dropped, not spaced: "St John's" must read as JOHNS, the way most people write it.
const APOSTROPHES = /['`\u2018\u2019\u02BC]/g
const DASHES = /[\u2010-\u2015\u2212]/g
const NOT_KEPT = /[^A-Z0-9-]+/g
// A hyphen only survives between digits, where it makes a range (14-16); elsewhere it is a space.
const LOOSE_HYPHEN = /(?<![0-9])-|-(?![0-9])/g
const SPACES = /\s+/g
const HYPHEN = /-/g

const SUB_PREMISE_WORDS = new Set(['FLAT', 'FLT', 'APARTMENT', 'APT', 'UNIT', 'ROOM', 'STUDIO', 'SUITE'])
/** Where a floor stands for the flat: First Floor Flat, Floor 1, Basement Flat. */
const FLOOR_LEVELS = new Map([
  ['BASEMENT', 'B'], ['LOWER', 'LG'], ['GROUND', 'G'], ['GARDEN', 'G'], ['FIRST', '1'], ['1ST', '1'],
  ['SECOND', '2'], ['2ND', '2'], ['THIRD', '3'], ['3RD', '3'], ['FOURTH', '4'], ['4TH', '4'],
  ['FIFTH', '5'], ['5TH', '5'], ['TOP', 'T'], ['UPPER', 'U']
])
/** Lines that address a person, not a place: dropped before the address is read. */
const ADDRESSEE_WORDS = new Set(['MR', 'MRS', 'MS', 'MISS', 'MX', 'DR', 'MASTER', 'FAO', 'ATTN', 'REV', 'PROF'])
const CARE_OF = ['C', 'O']
const HAS_DIGIT = /[0-9]/
// Numbers as words (Royal Mail asks for figures, people write words): "Fourteen", "Twenty One".
const UNITS = ['ZERO', 'ONE', 'TWO', 'THREE', 'FOUR', 'FIVE', 'SIX', 'SEVEN', 'EIGHT', 'NINE', 'TEN',
  'ELEVEN', 'TWELVE', 'THIRTEEN', 'FOURTEEN', 'FIFTEEN', 'SIXTEEN', 'SEVENTEEN', 'EIGHTEEN', 'NINETEEN']
const TENS = ['', '', 'TWENTY', 'THIRTY', 'FORTY', 'FIFTY', 'SIXTY', 'SEVENTY', 'EIGHTY', 'NINETY']
// Digits typed as letters in a house number: l4 for 14, 1O for 10 (only O, I and L, and only in a
// word that also has a digit and nothing else).
const NUMBER_LOOKALIKE = /^(?=[^0-9]*[0-9])[0-9OIL]{2,4}$/
/** "14 to 16": a range written with a word. */
const RANGE_WORDS = new Set(['TO'])
// "Flat No. 2": the NO between the word and the number says nothing.
const NUMBER_WORDS = new Set(['NO', 'NUMBER'])
const NUMBER_ID = /^[0-9]+[A-Z]?$/
const NUMBER_RANGE = /^[0-9]+[A-Z]?-[0-9]+[A-Z]?$/
const DIGITS = /^[0-9]+$/
const SINGLE_LETTER = /^[A-Z]$/
const LEADING_ZEROS = /(^|-)0+(?=[0-9])/g

// Street-type abbreviations, folded to the full word at the end of a street (or building) name.
const STREET_TYPES = new Map([
  ['ST', 'STREET'], ['RD', 'ROAD'], ['AVE', 'AVENUE'], ['AV', 'AVENUE'], ['CRES', 'CRESCENT'],
  ['GDNS', 'GARDENS'], ['CT', 'COURT'], ['LN', 'LANE'], ['DR', 'DRIVE'], ['PL', 'PLACE'],
  ['SQ', 'SQUARE'], ['TERR', 'TERRACE'], ['TER', 'TERRACE'], ['CL', 'CLOSE'], ['GRN', 'GREEN'],
  ['GRO', 'GROVE'], ['GR', 'GROVE'], ['PK', 'PARK'], ['WY', 'WAY'], ['CRESC', 'CRESCENT'],
  ['CR', 'CRESCENT'], ['PDE', 'PARADE'], ['MT', 'MOUNT'], ['WK', 'WALK'], ['HTS', 'HEIGHTS'],
  ['APP', 'APPROACH'], ['BLVD', 'BOULEVARD'], ['STR', 'STREET'], ['GDN', 'GARDENS'], ['GD', 'GARDENS']
])
// Street types that have no abbreviation here, for finding where a one-line street ends.
const MORE_STREET_WORDS = ['WALK', 'ROW', 'MEWS', 'RISE', 'VIEW', 'VALE', 'HILL', 'WYND', 'CHASE']
const STREET_WORDS = new Set([...STREET_TYPES.keys(), ...STREET_TYPES.values(), ...MORE_STREET_WORDS])

/** Index keys for an address as written on an envelope, or as lines plus a postcode. */
export function addressKeys(raw: string | AddressObject): DetailKeys {
  const address = parseAddress(raw)
  if (address === null) return { store: [], lookup: [], warning: null, reject: { ...EMPTY } }
  const fallback = `a?:${address.folded}`
  const store = storeKeys(address)
  // A check always tries its own exact text too, in case an entry could only be blocked by its text.
  const lookup = unique([...lookupKeys(address), fallback])
  if (store.length === 0) return { store: [fallback], lookup, warning: { ...UNPARSED }, reject: null }
  return { store, lookup, warning: null, reject: null }
}

/** Reads an address into its parts; null when it holds no letters or digits at all. */
export function parseAddress(raw: string | AddressObject): ParsedAddress | null {
  const { lines, postcode, folded } = typeof raw === 'string' ? readText(raw) : readObject(raw)
  if (folded === '') return null
  const { rest, flat } = takeSubPremise(lines.filter((line) => !addressesPerson(line)))
  const { premise, building, street, towns } = locatePremise(wordsToNumber(rest))
  return {
    postcode,
    flat,
    premise,
    building,
    street: street.length > 0 ? foldName(street).join(' ') : null,
    towns: towns.map((town) => foldSaint(town).join(' ')),
    folded
  }
}

interface ReadLines {
  lines: Line[]
  postcode: string | null
  folded: string
}

/** An envelope's text: the last postcode in it is the postcode, wherever it stands. */
function readText(text: string): ReadLines {
  const lines = splitLines(text)
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]?.join(' ') ?? ''
    const match = findPostcode(line)
    if (match === null) continue
    const cut = (middle: string): Line[] => [words(line.slice(0, match.start) + middle + line.slice(match.end))]
    const withKey = [...lines.slice(0, i), ...cut(` ${match.postcode} `), ...lines.slice(i + 1)]
    const without = [...lines.slice(0, i), ...cut(' '), ...lines.slice(i + 1)]
    return { lines: without.filter(nonEmpty), postcode: match.postcode, folded: fold(withKey) }
  }
  return { lines, postcode: null, folded: fold(lines) }
}

/** Lines plus a postcode field: a well-formed field is the postcode, else it is read like a last line. */
function readObject(address: AddressObject): ReadLines {
  const declared = address.postcode === undefined ? null : normalisePostcode(address.postcode)
  if (declared === null) return readText([...address.lines, address.postcode ?? ''].join('\n'))
  // The same postcode may also be written in the lines ("Leeds LS1 4AP"): it is not part of the town.
  const lines = splitLines(address.lines.join('\n')).map((line) => removePostcode(line, declared)).filter(nonEmpty)
  return { lines, postcode: declared, folded: fold([...lines, [declared]]) }
}

function removePostcode(line: Line, postcode: string): Line {
  const text = line.join(' ')
  const match = findPostcode(text)
  if (match === null || match.postcode !== postcode) return line
  return words(`${text.slice(0, match.start)} ${text.slice(match.end)}`)
}

function splitLines(text: string): Line[] {
  return text.normalize('NFKC').split(LINE_SEPARATOR).map(normaliseLine).filter(nonEmpty)
}

/** NFKC (done by splitLines), accents dropped, uppercase, punctuation to spaces. */
function normaliseLine(line: string): Line {
  const plain = line.normalize('NFD').replace(COMBINING_MARKS, '').toUpperCase()
  return words(plain.replace(APOSTROPHES, '').replace(DASHES, '-').replace(NOT_KEPT, ' ').replace(LOOSE_HYPHEN, ' '))
}

function words(text: string): Line {
  return text.split(SPACES).filter((word) => word !== '')
}

function fold(lines: Line[]): string {
  return lines.map((line) => line.join(' ')).join(' ').replace(HYPHEN, ' ')
}

/** "Mrs J Doe", "c/o Jane Doe", "FAO Jane Doe": a line that names a person and holds no number. */
function addressesPerson(line: Line): boolean {
  const first = line[0] ?? ''
  const careOf = line[0] === CARE_OF[0] && line[1] === CARE_OF[1]
  return (ADDRESSEE_WORDS.has(first) || careOf) && !line.some((word) => HAS_DIGIT.test(word))
}

/**
 * Takes the first FLAT/APARTMENT/UNIT... + identifier out of the lines, dropping a line it empties;
 * a floor (First Floor Flat, Floor 2) is taken out too, and is the flat when no flat number is given.
 */
function takeSubPremise(lines: Line[]): { rest: Line[], flat: string | null } {
  const numbered = takeFlat(lines)
  const floor = takeFloor(numbered?.rest ?? lines)
  const rest = floor?.rest ?? numbered?.rest ?? lines
  return { rest, flat: numbered?.flat ?? floor?.flat ?? null }
}

function takeFlat(lines: Line[]): { rest: Line[], flat: string } | null {
  for (const [index, line] of lines.entries()) {
    for (const [at, word] of line.entries()) {
      if (!SUB_PREMISE_WORDS.has(word)) continue
      const skip = NUMBER_WORDS.has(line[at + 1] ?? '') ? 1 : 0
      const id = readIdentifier(line, at + 1 + skip, false) ?? readNumberWords(line, at + 1 + skip)
      if (id === null) continue
      return { rest: cut(lines, index, at, 1 + skip + id.used), flat: `F${id.id}` }
    }
  }
  return null
}

/** "First Floor (Flat)", "Ground Floor", "Floor 2", "Basement Flat", "Top Flat". */
function takeFloor(lines: Line[]): { rest: Line[], flat: string } | null {
  for (const [index, line] of lines.entries()) {
    for (const [at, word] of line.entries()) {
      const next = line[at + 1] ?? ''
      if (word === 'FLOOR' && DIGITS.test(next)) return { rest: cut(lines, index, at, 2), flat: `FL${Number(next)}` }
      let level = FLOOR_LEVELS.get(word)
      if (level === undefined) continue
      let used = 1
      if (word === 'LOWER' && line[at + 1] === 'GROUND') used++
      else if (word === 'LOWER') level = undefined
      if (level === undefined) continue
      const after = line[at + used] ?? ''
      if (after !== 'FLOOR' && after !== 'FLAT') continue
      used += after === 'FLOOR' && line[at + used + 1] === 'FLAT' ? 2 : 1
      return { rest: cut(lines, index, at, used), flat: `FL${level}` }
    }
  }
  return null
}

/** The lines with `count` words taken out of line `index` at `at`, dropping the line if emptied. */
function cut(lines: Line[], index: number, at: number, count: number): Line[] {
  const line = lines[index] ?? []
  const remaining = [...line.slice(0, at), ...line.slice(at + count)]
  return [...lines.slice(0, index), remaining, ...lines.slice(index + 1)].filter(nonEmpty)
}

/** "TWENTY ONE", "FOURTEEN", "ONE HUNDRED AND TWO" from `at`: the number and how many words it took. */
function readNumberWords(line: Line, at: number): Identifier | null {
  let value = 0
  let used = 0
  const word = (i: number) => line[at + i] ?? ''
  const unit = UNITS.indexOf(word(used))
  if (unit > 0 && word(used + 1) === 'HUNDRED') {
    value = unit * 100
    used += 2
    if (word(used) === 'AND') used++
  }
  const tens = TENS.indexOf(word(used))
  if (tens >= 2) {
    value += tens * 10
    used++
    const after = UNITS.indexOf(word(used))
    if (after >= 1 && after <= 9) {
      value += after
      used++
    }
  } else {
    const small = UNITS.indexOf(word(used))
    if (small >= 1) {
      value += small
      used++
    } else if (word(used - 1) === 'AND') {
      used--
    }
  }
  return value > 0 ? { id: String(value), used } : null
}

/**
 * A house number written in words at the start of the first line ("Fourteen Acacia Avenue"), read as
 * figures only when the words after it end in a street type and no line has a house number in
 * figures: "Three Gables" is a house name, "Seven Sisters Road" after a house name is a street.
 */
function wordsToNumber(lines: Line[]): Line[] {
  const [first, ...others] = lines
  if (first === undefined || lines.some((line) => line.some((word) => HAS_DIGIT.test(word)))) return lines
  const skip = NUMBER_WORDS.has(first[0] ?? '') ? 1 : 0
  const number = readNumberWords(first, skip)
  if (number === null) return lines
  const street = first.slice(skip + number.used)
  if (street.length === 0 || !STREET_WORDS.has(street[street.length - 1] ?? '')) return lines
  return [[number.id, ...street], ...others]
}

interface Identifier {
  id: string
  /** how many words it took: "14 A" is two */
  used: number
}

/**
 * A number with an optional letter (14, 14A, "14 A"), a range (14-16, house numbers only) or, for a
 * flat, a lone letter (Flat B).
 */
function readIdentifier(line: Line, at: number, isHouse: boolean): Identifier | null {
  const written = line[at]
  if (written === undefined) return null
  const word = isHouse && NUMBER_LOOKALIKE.test(written) ? written.replace(/O/g, '0').replace(/[IL]/g, '1') : written
  if (isHouse && DIGITS.test(word) && RANGE_WORDS.has(line[at + 1] ?? '') && DIGITS.test(line[at + 2] ?? '')) {
    return { id: `${word}-${line[at + 2] ?? ''}`.replace(LEADING_ZEROS, '$1'), used: 3 }
  }
  if (isHouse && NUMBER_RANGE.test(word)) return { id: word.replace(LEADING_ZEROS, '$1'), used: 1 }
  if (!isHouse && SINGLE_LETTER.test(word)) return { id: word, used: 1 }
  if (!NUMBER_ID.test(word)) return null
  const id = word.replace(LEADING_ZEROS, '$1')
  const next = line[at + 1] ?? ''
  return DIGITS.test(word) && SINGLE_LETTER.test(next) ? { id: id + next, used: 2 } : { id, used: 1 }
}

interface Layout {
  premise: string | null
  building: string | null
  street: Line
  towns: Line[]
}

/**
 * The premise and where the street and town lines stand relative to it: the street follows the house
 * number on its line (or is the next line when the number stands alone); with no house number the
 * first line is the building name and the next the street. The lines after the street are the town
 * and then anything else (county, country).
 */
function locatePremise(lines: Line[]): Layout {
  const house = findHouseNumber(lines)
  if (house !== null) {
    const onLine = lines[house.line]?.slice(house.after) ?? []
    const streetLine = onLine.length > 0 ? house.line : house.line + 1
    const street = onLine.length > 0 ? onLine : lines[streetLine] ?? []
    // the line before the number's, when it holds no number: a building name (Rose Court)
    const before = lines[house.line - 1]
    const building = before === undefined || before.some((word) => HAS_DIGIT.test(word)) ? null : foldBuilding(before).join(' ')
    return splitTown({ premise: house.id, building, street, towns: lines.slice(streetLine + 1) })
  }
  const [building, street, ...towns] = lines.length === 1 ? splitOneLine(lines[0] ?? []) : lines
  if (building === undefined) return { premise: null, building: null, street: [], towns: [] }
  return splitTown({ premise: foldBuilding(building).join(' '), building: null, street: street ?? [], towns })
}

/**
 * A house name, street and town typed on one line without commas ("The Old Rectory Church Lane
 * Otley"): the street is the word before the last street type and that type; the name is what comes
 * before it, the town what follows. A street name of two words before its type is misread, but the
 * whole line read as a house name would meet nothing anyway.
 */
function splitOneLine(line: Line): Line[] {
  for (let at = line.length - 1; at >= 2; at--) {
    // ST counts here: scanning from the end, "ST JOHNS ROAD" meets ROAD first
    if (STREET_WORDS.has(line[at] ?? '')) {
      const towns = line.slice(at + 1)
      return [line.slice(0, at - 1), line.slice(at - 1, at + 1), ...(towns.length > 0 ? [towns] : [])]
    }
  }
  return [line]
}

/** The first number that can be a house number, with the line it is on and where its words end. */
function findHouseNumber(lines: Line[]): { id: string, line: number, after: number } | null {
  for (const [index, line] of lines.entries()) {
    for (let at = 0; at < line.length; at++) {
      const id = readIdentifier(line, at, true)
      if (id !== null) return { id: id.id, line: index, after: at + id.used }
    }
  }
  return null
}

/**
 * "14 Acacia Avenue Leeds" written on one line, with no town line after it: the town is what follows
 * the last street-type word. ST is left alone there, since before another word it means SAINT.
 */
function splitTown(layout: Layout): Layout {
  if (layout.towns.length > 0) return layout
  const { street } = layout
  for (let at = street.length - 2; at >= 1; at--) {
    const word = street[at] ?? ''
    if (word !== 'ST' && STREET_WORDS.has(word)) {
      return { ...layout, street: street.slice(0, at + 1), towns: [street.slice(at + 1)] }
    }
  }
  return layout
}

/** A leading ST is SAINT ("ST JOHNS ROAD", "ST ALBANS"). */
function foldSaint(name: Line): Line {
  return name.length > 1 && name[0] === 'ST' ? ['SAINT', ...name.slice(1)] : name
}

/** Saint at the start, the full street type at the end: "ST JOHNS RD" -> SAINT JOHNS ROAD. */
function foldName(name: Line): Line {
  const folded = foldSaint(name)
  const last = folded[folded.length - 1] ?? ''
  const full = folded.length > 1 ? STREET_TYPES.get(last) : undefined
  return full === undefined ? folded : [...folded.slice(0, -1), full]
}

/** "The Old Rectory" and "Old Rectory" are the same house. */
function foldBuilding(name: Line): Line {
  return foldName(name.length > 1 && name[0] === 'THE' ? name.slice(1) : name)
}

/**
 * The premise parts an entry stores: the number (or building name); a plain number also as `14^`,
 * which a letter to a range looks up; a range also each plain end, which a letter to that number
 * looks up; and a building name beside a number, marked `+` (see the header). The marks keep a letter
 * to 16-18 from meeting a block on 14-16. Entries carry the extra keys so that the common check, a
 * plain number, looks up no more than before.
 */
function storedPremises(address: ParsedAddress): string[] {
  const { premise, building } = address
  if (premise === null) return []
  const named = building === null ? [] : [`${building}+`]
  if (NUMBER_RANGE.test(premise)) return [premise, ...premise.split('-'), ...named]
  if (NUMBER_ID.test(premise)) return [premise, `${premise}^`, ...named]
  return [premise, ...named]
}

/**
 * The premise parts a check looks up: the number (or building name); for a range, also each end as
 * a number that a plain block holds (`14^`); with a building name beside a number, the name as an
 * entry holds it alone; a building name without a number, also the name beside a number (`+`).
 */
function lookedUpPremises(address: ParsedAddress): string[] {
  const { premise, building } = address
  if (premise === null) return []
  const named = building === null ? [] : [building]
  if (NUMBER_RANGE.test(premise)) return [premise, ...premise.split('-').map((end) => `${end}^`), ...named]
  if (NUMBER_ID.test(premise)) return [premise, ...named]
  return [premise, `${premise}+`]
}

function storeKeys(address: ParsedAddress): string[] {
  const { postcode, street, towns, flat } = address
  const keys: string[] = []
  const town = towns[0]
  for (const premise of storedPremises(address)) {
    if (postcode !== null) keys.push(...flatKeys(`a:${postcode}|${premise}`, flat, 'store'))
    if (street !== null && town !== undefined) {
      const prefix = postcode === null ? 'sn' : 'sp'
      keys.push(...flatKeys(`${prefix}:${street}|${town}|${premise}`, flat, 'store'))
    }
  }
  return keys
}

/**
 * A check tries every line after the street as the town, so that "Headingley, Leeds" still meets an
 * entry that names Leeds; entries store only their first town line, so a shared county line alone
 * never makes two towns meet.
 */
function lookupKeys(address: ParsedAddress): string[] {
  const { postcode, street, towns, flat } = address
  const keys: string[] = []
  const prefixes = postcode === null ? ['sp', 'sn'] : ['sn']
  for (const premise of lookedUpPremises(address)) {
    if (postcode !== null) keys.push(...flatKeys(`a:${postcode}|${premise}`, flat, 'lookup'))
    if (street === null) continue
    for (const town of towns) {
      for (const prefix of prefixes) keys.push(...flatKeys(`${prefix}:${street}|${town}|${premise}`, flat, 'lookup'))
    }
  }
  return keys
}

/**
 * The flat part of a key. Stored: `*` (no flat: covers every flat) or the flat plus `-`. Looked up:
 * the flat plus `*`, or with no flat `*` plus `-` (any flat blocked here holds the letter).
 */
function flatKeys(base: string, flat: string | null, side: 'store' | 'lookup'): string[] {
  if (flat === null) return side === 'store' ? [`${base}|*`] : [`${base}|*`, `${base}|-`]
  return side === 'store' ? [`${base}|${flat}`, `${base}|-`] : [`${base}|${flat}`, `${base}|*`]
}

function nonEmpty(line: Line): boolean {
  return line.length > 0
}

function unique(keys: string[]): string[] {
  return [...new Set(keys)]
}

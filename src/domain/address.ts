/**
 * UK postal addresses -> index keys (DESIGN.md, "Matching rules": postcode plus premise is the key).
 *
 * Keys, with P = postcode key, N = premise (house number, else building name), F = flat (`F2`),
 * S = street, T = town:
 *   a:P|N|F   a:P|N|*   a:P|N|-            postcode and premise
 *   sp:S|T|N|...  sn:S|T|N|...             street and town, for an entry with / without a postcode
 *   a?:TEXT                                 the folded text, when nothing better can be read
 * The flat part is asymmetric on purpose: `*` is stored by a block without a flat and covers every
 * flat at the premise; `-` is stored by a block on a flat and catches a letter that names no flat
 * (held for a human: recall comes first); a block on Flat 2 never meets a letter to Flat 3.
 * Street keys let an address without a postcode meet the same premise, street and town; two addresses
 * that both have postcodes are compared by postcode only, which is why a check with a postcode looks
 * up `sn:` keys only.
 */
import type { AddressObject, DetailIssue, DetailKeys } from './detail-keys.js'
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
  ['GRO', 'GROVE'], ['GR', 'GROVE'], ['PK', 'PARK'], ['WY', 'WAY']
])
const STREET_WORDS = new Set([...STREET_TYPES.keys(), ...STREET_TYPES.values()])

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
  const { rest, flat } = takeSubPremise(lines)
  const { premise, street, towns } = locatePremise(rest)
  return {
    postcode,
    flat,
    premise,
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

/** Takes the first FLAT/APARTMENT/UNIT... + identifier out of the lines, dropping a line it empties. */
function takeSubPremise(lines: Line[]): { rest: Line[], flat: string | null } {
  for (const [index, line] of lines.entries()) {
    for (const [at, word] of line.entries()) {
      if (!SUB_PREMISE_WORDS.has(word)) continue
      const skip = NUMBER_WORDS.has(line[at + 1] ?? '') ? 1 : 0
      const id = readIdentifier(line, at + 1 + skip, false)
      if (id === null) continue
      const remaining = [...line.slice(0, at), ...line.slice(at + 1 + skip + id.used)]
      const rest = [...lines.slice(0, index), remaining, ...lines.slice(index + 1)].filter(nonEmpty)
      return { rest, flat: `F${id.id}` }
    }
  }
  return { rest: lines, flat: null }
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
  const word = line[at]
  if (word === undefined) return null
  if (isHouse && NUMBER_RANGE.test(word)) return { id: word.replace(LEADING_ZEROS, '$1'), used: 1 }
  if (!isHouse && SINGLE_LETTER.test(word)) return { id: word, used: 1 }
  if (!NUMBER_ID.test(word)) return null
  const id = word.replace(LEADING_ZEROS, '$1')
  const next = line[at + 1] ?? ''
  return DIGITS.test(word) && SINGLE_LETTER.test(next) ? { id: id + next, used: 2 } : { id, used: 1 }
}

interface Layout {
  premise: string | null
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
    return splitTown({ premise: house.id, street, towns: lines.slice(streetLine + 1) })
  }
  const [building, street, ...towns] = lines
  if (building === undefined) return { premise: null, street: [], towns: [] }
  return splitTown({ premise: foldBuilding(building).join(' '), street: street ?? [], towns })
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

function storeKeys(address: ParsedAddress): string[] {
  const { postcode, premise, street, towns, flat } = address
  const keys: string[] = []
  if (premise === null) return keys
  if (postcode !== null) keys.push(...flatKeys(`a:${postcode}|${premise}`, flat, 'store'))
  const town = towns[0]
  if (street !== null && town !== undefined) {
    const prefix = postcode === null ? 'sn' : 'sp'
    keys.push(...flatKeys(`${prefix}:${street}|${town}|${premise}`, flat, 'store'))
  }
  return keys
}

/**
 * A check tries every line after the street as the town, so that "Headingley, Leeds" still meets an
 * entry that names Leeds; entries store only their first town line, so a shared county line alone
 * never makes two towns meet.
 */
function lookupKeys(address: ParsedAddress): string[] {
  const { postcode, premise, street, towns, flat } = address
  const keys: string[] = []
  if (premise === null) return keys
  if (postcode !== null) keys.push(...flatKeys(`a:${postcode}|${premise}`, flat, 'lookup'))
  if (street === null) return keys
  const prefixes = postcode === null ? ['sp', 'sn'] : ['sn']
  for (const town of towns) {
    for (const prefix of prefixes) keys.push(...flatKeys(`${prefix}:${street}|${town}|${premise}`, flat, 'lookup'))
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

/**
 * Reading an address into lines of words and its postcodes: the layout half of address matching.
 *
 * The text is folded first (fold.ts: lookalikes, invisible characters, other scripts' digits), then
 * accents are dropped and it is uppercased. Words are A-Z and 0-9; a hyphen or slash stays only
 * between digits (14-16, 1/2); apostrophes are dropped (ST JOHNS); a comma or line break ends a line.
 * Words typed together are taken apart where the case changes (ElmGrove) and after a house number
 * (9ELMGROVE, FLAT5), so that text with no spaces reads like text with them.
 *
 * Every postcode in the text is found (postcode.ts, findPostcodes). The address's own postcode is
 * the last one before any return address ("If undelivered return to ..."), which is left out of the
 * lines; the others are kept for a check to try too.
 */
import type { AddressObject } from './detail-keys.js'
import { foldText } from './fold.js'
import { findPostcodes, normalisePostcode } from './postcode.js'

/** An address line as words. */
export type Line = string[]

export interface ReadAddress {
  /** the address's lines without its postcodes, people or return address */
  lines: Line[]
  /** the address's postcode (key form) */
  postcode: string | null
  /** other postcodes in the text, the nearest first */
  others: string[]
  /** the words and postcode as one text: what an address that cannot be read is blocked by */
  folded: string
}

/** At most this many postcodes are read from one text: the address's own and a return address or two. */
const MAX_POSTCODES = 3
/** The fallback key's text is cut here, so that a long text still makes a short key. */
const MAX_FOLDED = 240

const NON_ASCII = /[^\x00-\x7F]/
const COMBINING_MARKS = /\p{M}+/gu
const APOSTROPHES = /[\u2018\u2019\u02BC]/g
const DASHES = /[\u2010-\u2015\u2212]/g
const CAMEL = /([a-z])([A-Z])/g
const HAS_CAMEL = /[a-z][A-Z]/
/** A number typed onto a capitalised word: 14Acacia, 1St (Saint, not first). */
const NUMBER_THEN_WORD = /([0-9])([A-Z][a-z])/g
/** A range typed with spaces round its hyphen (14 - 16). */
const SPACED_RANGE = /(^|[^0-9A-Z])([0-9]+) ?- ?(?=[0-9])/g
/** Glasgow's 0/1 (floor / door) typed with a letter O; spaces around a slash between numbers. */
const SLASH = /(^|[^0-9A-Z])(O|[0-9]{1,2}) ?\/ ?([0-9]{1,2})(?![0-9])/g
/** Number-letter runs that stay one word: ordinals (1ST, 22ND) and Edinburgh flats (3F2). */
const KEEP_JOINED = /^(?:[0-9]*(?:1ST|2ND|3RD|[04-9]TH|1[1-3]TH)|[0-9]{1,2}F[0-9]{1,2}|[0-9]+[A-Z])$/
const DIGIT_THEN_LETTER = /^([0-9]+(?:[-/][0-9]+)?)([A-Z]{2,}.*)$/
/** Words a number is typed onto: FLAT5, NO5. */
const NUMBER_AFTER = /^(FLAT|FLT|APT|APARTMENT|UNIT|NO|ROOM|STUDIO|SUITE)([0-9]+[A-Z]?|[0-9]{1,2}F[0-9]{1,2})$/

/** Where a return address starts (the rest of the text is not the address). */
const RETURN_PHRASES: readonly string[][] = [
  ['IF', 'UNDELIVERED'], ['IF', 'UNDELIVERABLE'], ['IF', 'NOT', 'DELIVERED'], ['RETURN', 'TO'],
  ['RETURN', 'ADDRESS'], ['RETURNS', 'TO'], ['SENDER']
]
/** Lines that address a person, not a place. */
const ADDRESSEE_WORDS = new Set(['MR', 'MRS', 'MS', 'MISS', 'MX', 'DR', 'MASTER', 'FAO', 'ATTN', 'REV', 'PROF', 'SIR', 'LADY', 'DAME'])

/** An envelope's text, or lines plus a postcode field. */
export function readAddress(raw: string | AddressObject): ReadAddress {
  if (typeof raw === 'string') return readText(raw, null)
  const declared = raw.postcode === undefined ? null : normalisePostcode(foldText(raw.postcode))
  if (declared === null) return readText([...raw.lines, raw.postcode ?? ''].join('\n'), null)
  return readText(raw.lines.join('\n'), declared)
}

function readText(text: string, declared: string | null): ReadAddress {
  const lines = splitLines(prepare(text))
  const words: string[] = []
  const lineOf: number[] = []
  lines.forEach((line, index) => {
    for (const word of line) {
      words.push(word)
      lineOf.push(index)
    }
  })
  const found = findPostcodes(words, lineOf, MAX_POSTCODES + 1).reverse()
  const cut = returnStart(words, lineOf)
  // the address's own postcode: the declared one, else the last before the return address
  const own = declared ?? found.filter((match) => match.first < cut).pop()?.postcode ?? null
  const others: string[] = []
  for (let i = found.length - 1; i >= 0; i--) {
    const postcode = (found[i] as { postcode: string }).postcode
    if (postcode !== own && !others.includes(postcode) && others.length < MAX_POSTCODES - 1) others.push(postcode)
  }
  // the words left once postcodes are out, up to the return address
  const taken = new Map<number, string>()
  for (const match of found) {
    for (let i = match.first; i <= match.last; i++) taken.set(i, i === match.first ? match.kept : '')
  }
  const kept: Line[] = lines.map(() => [])
  for (let i = 0; i < Math.min(cut, words.length); i++) {
    const word = taken.get(i) ?? words[i] as string
    if (word !== '') kept[lineOf[i] as number]?.push(word)
  }
  const place = kept.filter((line) => line.length > 0 && !addressesPerson(line)).map(splitWords)
  const folded = [...place.flat(), own ?? ''].join(' ').trim().slice(0, MAX_FOLDED)
  return { lines: place, postcode: own, others, folded }
}

/** Fold, drop accents, take apart words typed together by case, uppercase, and tidy slashes. */
function prepare(text: string): string {
  let plain = foldText(text)
  if (NON_ASCII.test(plain)) {
    plain = plain.normalize('NFD').replace(COMBINING_MARKS, '').replace(APOSTROPHES, "'").replace(DASHES, '-')
  }
  if (HAS_CAMEL.test(plain)) plain = plain.replace(CAMEL, '$1 $2')
  plain = plain.replace(NUMBER_THEN_WORD, '$1 $2')
  return plain.toUpperCase().replace(SPACED_RANGE, '$1$2-').replace(SLASH, (_, before: string, floor: string, door: string) =>
    `${before}${floor === 'O' ? '0' : floor}/${door}`)
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39
}

function isWordChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || isDigit(c)
}

function isLineBreak(c: number): boolean {
  return c === 0x2c || c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029
}

/**
 * The uppercased text as lines of words: A-Z and 0-9 make words; an apostrophe is dropped; a hyphen
 * or slash stays between a word of digits and a digit (14-16, 1/2, never LS1-4AP); anything else ends
 * a word, and a comma or line break ends the line too. Linear in the text.
 */
function splitLines(upper: string): Line[] {
  const lines: Line[] = []
  let line: Line = []
  let word = ''
  let digitsOnly = true
  for (let i = 0; i <= upper.length; i++) {
    const c = i < upper.length ? upper.charCodeAt(i) : 0x0a
    if (isWordChar(c)) {
      word += upper[i]
      if (!isDigit(c)) digitsOnly = false
      continue
    }
    if (c === 0x27 || c === 0x60) continue
    if ((c === 0x2d || c === 0x2f) && word !== '' && digitsOnly && isDigit(upper.charCodeAt(i + 1))) {
      word += upper[i]
      continue
    }
    if (word !== '') line.push(word)
    word = ''
    digitsOnly = true
    if (isLineBreak(c) && line.length > 0) {
      lines.push(line)
      line = []
    }
  }
  return lines
}

/** The first word of the return address, or the number of words when there is none. */
function returnStart(words: readonly string[], lineOf: readonly number[]): number {
  for (let i = 1; i < words.length; i++) {
    for (const phrase of RETURN_PHRASES) {
      if (phrase.every((word, k) => words[i + k] === word)) return i
    }
    // FROM opening a line, after the address has begun
    if (words[i] === 'FROM' && lineOf[i] !== lineOf[i - 1]) return i
  }
  return words.length
}

/** "Mrs J Doe", "c/o Jane Doe", "To: FAO Jane Doe": a line that names a person and holds no number. */
function addressesPerson(line: Line): boolean {
  const at = line[0] === 'TO' ? 1 : 0
  const first = line[at] ?? ''
  const careOf = first === 'C' && line[at + 1] === 'O'
  return (ADDRESSEE_WORDS.has(first) || careOf) && !line.some((word) => isDigit(word.charCodeAt(word.length - 1)) || isDigit(word.charCodeAt(0)))
}

/** A line with words typed together taken apart: 9ELMGROVE is 9 ELMGROVE, FLAT5 is FLAT 5; a leading TO goes. */
function splitWords(line: Line): Line {
  const out: Line = []
  for (const [index, word] of line.entries()) {
    if (index === 0 && word === 'TO' && line.length > 1) continue
    const after = NUMBER_AFTER.exec(word)
    if (after !== null) {
      out.push(after[1] as string, after[2] as string)
      continue
    }
    const split = KEEP_JOINED.test(word) ? null : DIGIT_THEN_LETTER.exec(word)
    if (split === null) out.push(word)
    else out.push(split[1] as string, split[2] as string)
  }
  return out
}

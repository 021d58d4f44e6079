/**
 * Reading an address into lines of words and its postcodes: the layout half of address matching.
 *
 * The text is folded first (fold.ts: lookalikes, invisible characters, other scripts' digits), then
 * accents are dropped and it is uppercased. Words are A-Z and 0-9; a hyphen or slash stays only
 * between digits (14-16, 1/2); apostrophes are dropped (ST JOHNS); a comma or line break ends a line.
 * Words typed together are taken apart where the case changes (ElmGrove) and after a house number
 * (9ELMGROVE, FLAT5), so that text with no spaces reads like text with them.
 *
 * Every postcode in the text is found (postcode.ts, findPostcodes), and the text is cut into the
 * addresses it holds: each postcode closes one, and what follows starts the next at its next line or
 * at a flat or number on the postcode's own line. Text after the last postcode is another address when
 * it holds a number and a street (a return address written above the real one, with no postcode),
 * and otherwise belongs to the last (a county line). A return address ("If undelivered return to
 * ...") is left out; its postcodes are kept for a check to try too. Within the last address, the
 * lines after a number and street that another premise follows (9 Elm Grove, Flat 2, 14 Acacia
 * Avenue) are also read as an address of their own. At most MAX_ADDRESSES are read, more than a
 * 1000-character text holds, so an address padded with others before and after it is still read;
 * past that, the first and the last halves. Each address's keys are taken in turn (address.ts,
 * interleave), so every address keeps its most telling keys under the detail's cap.
 *
 * The work is bounded: every word is looked at a fixed number of times to find postcodes and
 * addresses, and an address is read from at most MAX_LINES lines of MAX_LINE_WORDS words.
 */
import type { AddressObject } from './detail-keys.js'
import { foldText } from './fold.js'
import { findPostcodes, normalisePostcode, scannedPostcode } from './postcode.js'
import type { PostcodeWords } from './postcode.js'

/** An address line as words. */
export type Line = string[]

export interface ReadAddress {
  /** the address's lines without its postcodes, people or return address */
  lines: Line[]
  /** the lines that address a person (Mrs J Doe, c/o Jane Doe), without c/o, FAO or To */
  people: Line[]
  /** the address's postcode (key form) */
  postcode: string | null
  /** other postcodes in the text, the nearest first */
  others: string[]
  /** the words and postcode as one text: what an address that cannot be read is blocked by */
  folded: string
}

/** At most this many postcodes are read from one text: its addresses' own and a return address or two. */
/** Every postcode a field can hold (six characters each, 1000 at most), so that every address is cut out. */
const MAX_POSTCODES = 170
/** At most this many addresses are read from one text (the first and last halves past it). */
export const MAX_ADDRESSES = 64
/** An address is read from at most this many lines, the first ones, of at most this many words. */
const MAX_LINES = 16
const MAX_LINE_WORDS = 24
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
/**
 * Glasgow's 0/1 and 1/1 (floor / door) typed with O, I or l for a digit (O/1, Flat l/l); spaces
 * around a slash between numbers. Two letters are read as digits only after a word for a flat.
 */
const SLASH = /(^|[^0-9A-Z])(FLAT |FLT |APT |APARTMENT )?(O|I|L|[0-9]{1,2}) ?\/ ?(O|I|L|[0-9]{1,2})(?![0-9A-Z])/g
/** Edinburgh's 3F2 written with spaces (3 F 2); a range with an ampersand (14 & 16). */
const SPACED_FLOOR_DOOR = /(^|[^0-9A-Z])([0-9]) F ([0-9]{1,2})(?![0-9A-Z])/g
const AMPERSAND_RANGE = /([0-9]) ?& ?(?=[0-9])/g
/** Number-letter runs that stay one word: ordinals (1ST, 22ND) and Edinburgh flats (3F2). */
const KEEP_JOINED = /^(?:[0-9]*(?:1ST|2ND|3RD|[04-9]TH|1[1-3]TH)|[0-9]{1,2}F[0-9]{1,2}|[0-9]+[A-Z])$/
const DIGIT_THEN_LETTER = /^([0-9]+(?:[-/][0-9]+)?)([A-Z]{2,}.*)$/
/** Words a number is typed onto: FLAT5, NO5. */
const NUMBER_AFTER = /^(FLAT|FLT|FL|APT|APARTMENT|UNIT|NO|ROOM|RM|STUDIO|SUITE)([0-9]+[A-Z]?|[0-9]{1,2}F[0-9]{1,2})$/
/** Words that open a flat: a premise starts with one, or with a number (address-premise.ts reads them). */
const FLAT_WORDS = new Set(['FLAT', 'FLT', 'FL', 'APT', 'APARTMENT', 'UNIT', 'ROOM', 'RM', 'STUDIO', 'SUITE'])
const HOUSE_NUMBER = /^[0-9]+[A-Z]?(?:[-/][0-9]+[A-Z]?)?$/
const TWO_LETTERS = /[A-Z].*[A-Z]/
const RETURN_FIRST_WORDS = new Set(['IF', 'RETURN', 'RETURNS', 'SENDER', 'FROM'])

/** Where a return address starts (the rest of the text is not the address). */
const RETURN_PHRASES: readonly string[][] = [
  ['IF', 'UNDELIVERED'], ['IF', 'UNDELIVERABLE'], ['IF', 'NOT', 'DELIVERED'], ['RETURN', 'TO'],
  ['RETURN', 'ADDRESS'], ['RETURNS', 'TO'], ['SENDER']
]
/** Lines that address a person, not a place. */
const ADDRESSEE_WORDS = new Set(['MR', 'MRS', 'MS', 'MISS', 'MX', 'DR', 'MASTER', 'FAO', 'ATTN', 'REV', 'PROF', 'SIR', 'LADY', 'DAME'])
/** Words before a person's name that say the letter is for them, not part of the name. */
const ADDRESSEE_MARKERS = new Set(['FAO', 'ATTN', 'ATTENTION'])

/** The addresses of an envelope's text, or of lines plus a postcode field: at least one, at most MAX_ADDRESSES. */
export function readAddresses(raw: string | AddressObject): { addresses: ReadAddress[], folded: string } {
  if (typeof raw === 'string') return readText(raw, null)
  const declared = raw.postcode === undefined ? null : normalisePostcode(foldText(raw.postcode))
  if (declared === null) return readText([...raw.lines, raw.postcode ?? ''].join('\n'), null)
  return readText(raw.lines.join('\n'), declared)
}

/** A run of words that is one address: words[first..end), closed by `postcode` (or none). */
interface Span {
  first: number
  end: number
  postcode: string | null
  others: string[]
}

/** The text's words as the reader reads them, and the line each stands on. */
function wordsOf(text: string): { words: string[], lineOf: number[] } {
  const words: string[] = []
  const lineOf: number[] = []
  splitLines(prepare(text)).forEach((line, index) => {
    for (const word of line) {
      words.push(word)
      lineOf.push(index)
    }
  })
  return { words, lineOf }
}

/**
 * Every postcode a text holds, as the reader finds them in an address (key form, at most `limit`,
 * and a reading split elsewhere beside one that stands): for free text, which must hold none. A
 * postcode scanned with no digit left is a reading for the end of an envelope, and is not looked for.
 */
export function postcodesIn(text: string, limit: number): string[] {
  const { words, lineOf } = wordsOf(text)
  return findPostcodes(words, lineOf, limit).flatMap((match) => match.also === undefined ? [match.postcode] : [match.postcode, match.also])
}

function readText(text: string, declared: string | null): { addresses: ReadAddress[], folded: string } {
  const { words, lineOf } = wordsOf(text)
  const found = findPostcodes(words, lineOf, MAX_POSTCODES).reverse()
  const cut = returnStart(words, lineOf)
  // the postcodes' words, out of the lines (what was glued before one stays)
  const taken = new Map<number, string>()
  for (const match of found) {
    for (let i = match.first; i <= match.last; i++) taken.set(i, i === match.first ? match.kept : '')
  }
  const closing = found.filter((match) => match.first < cut)
  const returned = found.filter((match) => match.first >= cut).map((match) => match.postcode)
  const spans = cutSpans(words, lineOf, closing, Math.min(cut, words.length), declared, taken)
  const last = spans[spans.length - 1] as Span
  // a single address tries every other postcode; the last of several tries the return address's
  const others = spans.length === 1 ? found.map((match) => match.postcode) : returned
  for (const postcode of others) if (postcode !== last.postcode && !last.others.includes(postcode)) last.others.push(postcode)
  // HGI IRZ (HGl lRZ, taken apart at its case) ending the last line: a postcode scanned with no digit
  // left, which a check tries too
  const end = last.end - 1
  for (let first = end - 1; last.postcode === null && first >= Math.max(last.first, end - 2) && lineOf[first] === lineOf[end]; first--) {
    const joined = words.slice(first, end + 1).join('')
    const scanned = scannedPostcode(joined.slice(0, -3), joined.slice(-3))
    if (scanned !== null && !last.others.includes(scanned)) last.others.push(scanned)
  }
  const addresses = firstAndLast(spans, MAX_ADDRESSES).map((span) => readSpan(span, words, lineOf, taken))
  const whole = addresses.flatMap((address) => address.lines.flat())
  const folded = [...whole, last.postcode ?? ''].join(' ').trim().slice(0, MAX_FOLDED)
  const inner = innerAddress(addresses[addresses.length - 1] as ReadAddress)
  if (inner !== null) addresses.push(inner)
  return { addresses: firstAndLast(addresses, MAX_ADDRESSES), folded }
}

/** The first and the last `count / 2` items, in order; all of them when there are no more than `count`. */
function firstAndLast<T>(items: T[], count: number): T[] {
  if (items.length <= count) return items
  const half = Math.floor(count / 2)
  return [...items.slice(0, half), ...items.slice(-(count - half))]
}

/** The words up to `end` cut into addresses, each closed by a postcode (see the header). */
function cutSpans(words: readonly string[], lineOf: readonly number[], closing: readonly PostcodeWords[], end: number, declared: string | null, taken: ReadonlyMap<number, string>): Span[] {
  const spans: Span[] = []
  let first = 0
  for (const [k, match] of closing.entries()) {
    const also = match.also === undefined ? [] : [match.also]
    spans.push({ first, end: match.last + 1, postcode: match.postcode, others: also })
    const next = closing[k + 1]?.first ?? end
    first = nextStart(words, lineOf, match.last + 1, next)
  }
  const lastSpan = spans[spans.length - 1]
  if (lastSpan === undefined) return [{ first: 0, end, postcode: declared, others: [] }]
  if (first < end && holdsStreetLine(words, lineOf, first, end)) {
    // Leeds LS1 4AP, 14 Acacia Avenue: with no number before it, the postcode is the street's too
    const bare = declared === null && !anyDigit(words, lastSpan.first, lastSpan.end, taken)
    spans.push({ first, end, postcode: bare ? lastSpan.postcode : declared, others: [] })
  } else {
    lastSpan.end = end
    if (declared !== null && declared !== lastSpan.postcode) {
      if (lastSpan.postcode !== null) lastSpan.others.push(lastSpan.postcode)
      lastSpan.postcode = declared
    }
  }
  return spans
}

/** Where the address after a postcode starts: its next line, or a flat or number on its own line. */
function nextStart(words: readonly string[], lineOf: readonly number[], from: number, limit: number): number {
  for (let i = from; i < limit; i++) {
    if (lineOf[i] !== lineOf[from - 1] || startsPremise(words[i] as string)) return i
  }
  return from
}

function startsPremise(word: string): boolean {
  return FLAT_WORDS.has(word) || isDigit(word.charCodeAt(0)) || NUMBER_AFTER.test(word)
}

/** Does a line of words[first..end) start with a house number followed by a word (9 Elm Grove)? */
function holdsStreetLine(words: readonly string[], lineOf: readonly number[], first: number, end: number): boolean {
  for (let i = first; i < end; i++) {
    const word = words[i] as string
    const opens = i === first || lineOf[i] !== lineOf[i - 1]
    if (opens && isStreetStart(word, words[i + 1], lineOf[i] === lineOf[i + 1] && i + 1 < end)) return true
  }
  return false
}

function isStreetStart(word: string, next: string | undefined, nextOnLine: boolean): boolean {
  if (DIGIT_THEN_LETTER.test(word) && !KEEP_JOINED.test(word)) return true
  return HOUSE_NUMBER.test(word) && nextOnLine && next !== undefined && TWO_LETTERS.test(next) && !isDigit(next.charCodeAt(0))
}

/** A span's words as lines of words, people set aside; at most MAX_LINES lines of MAX_LINE_WORDS words. */
function readSpan(span: Span, words: readonly string[], lineOf: readonly number[], taken: ReadonlyMap<number, string>): ReadAddress {
  const grouped: Line[] = []
  let lineAt = -1
  for (let i = span.first; i < span.end; i++) {
    const word = taken.get(i) ?? words[i] as string
    if (word === '') continue
    if (lineOf[i] !== lineAt) {
      if (grouped.length === MAX_LINES) break
      grouped.push([])
      lineAt = lineOf[i] as number
    }
    const line = grouped[grouped.length - 1] as Line
    if (line.length < MAX_LINE_WORDS) line.push(word)
  }
  const people: Line[] = []
  const place: Line[] = []
  for (const line of grouped) {
    if (addressesPerson(line)) people.push(personName(line))
    else place.push(splitWords(line))
  }
  const folded = [...place.flat(), span.postcode ?? ''].join(' ').trim().slice(0, MAX_FOLDED)
  return { lines: place, people, postcode: span.postcode, others: span.others, folded }
}

/**
 * The lines after the last number and street that another premise follows (9 Elm Grove, Flat 2,
 * 14 Acacia Avenue, Leeds), as an address of their own with the same postcode; null when none.
 */
function innerAddress(address: ReadAddress): ReadAddress | null {
  const { lines } = address
  let after = -1
  let premiseLater = false
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] as Line
    const street = isStreetStart(line[0] ?? '', line[1], true)
    if (street && premiseLater) {
      after = i
      break
    }
    if (street || startsPremise(line[0] ?? '')) premiseLater = true
  }
  if (after < 0) return null
  const rest = lines.slice(after + 1)
  const folded = [...rest.flat(), address.postcode ?? ''].join(' ').trim().slice(0, MAX_FOLDED)
  return { ...address, lines: rest, people: [], folded }
}

/** Fold, drop accents, take apart words typed together by case, uppercase, and tidy slashes. */
function prepare(text: string): string {
  let plain = foldText(text)
  if (NON_ASCII.test(plain)) {
    plain = plain.normalize('NFD').replace(COMBINING_MARKS, '').replace(APOSTROPHES, "'").replace(DASHES, '-')
  }
  if (HAS_CAMEL.test(plain)) plain = plain.replace(CAMEL, '$1 $2')
  plain = plain.replace(NUMBER_THEN_WORD, '$1 $2')
  let upper = plain.toUpperCase()
  // each rewrite needs its mark in the text: most addresses skip the pattern
  if (upper.includes('-')) upper = upper.replace(SPACED_RANGE, '$1$2-')
  if (upper.includes('&')) upper = upper.replace(AMPERSAND_RANGE, '$1-')
  if (upper.includes(' F ')) upper = upper.replace(SPACED_FLOOR_DOOR, '$1$2F$3')
  if (!upper.includes('/')) return upper
  return upper.replace(SLASH, (whole, before: string, flat: string | undefined, floor: string, door: string) => {
    const letters = !isDigit(floor.charCodeAt(0)) && !isDigit(door.charCodeAt(0))
    return letters && flat === undefined ? whole : `${before}${flat ?? ''}${asDigit(floor)}/${asDigit(door)}`
  })
}

function asDigit(written: string): string {
  return written === 'O' ? '0' : written === 'I' || written === 'L' ? '1' : written
}

/** Does a word of words[first..end) hold a digit, a postcode's words left out? */
function anyDigit(words: readonly string[], first: number, end: number, taken: ReadonlyMap<number, string>): boolean {
  for (let i = first; i < end; i++) {
    const word = taken.get(i) ?? words[i] as string
    for (let k = 0; k < word.length; k++) if (isDigit(word.charCodeAt(k))) return true
  }
  return false
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39
}

function isWordChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || isDigit(c)
}

/** A comma, semicolon, bar or line break ends a line. */
function isLineBreak(c: number): boolean {
  return c === 0x2c || c === 0x3b || c === 0x7c || c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029
}

/**
 * The uppercased text as lines of words: A-Z and 0-9 make words; an apostrophe is dropped; a hyphen
 * or slash stays between a word of digits and a digit (14-16, 1/2, never LS1-4AP); anything else ends
 * a word, and a comma or line break ends the line too, as does a slash with a space beside it
 * (9 Birch Lane / Flat 5 ...). Linear in the text.
 */
function splitLines(upper: string): Line[] {
  const lines: Line[] = []
  let line: Line = []
  // the word so far is `word` (parts before an apostrophe) and upper[start..i)
  let word = ''
  let start = 0
  let digitsOnly = true
  for (let i = 0; i <= upper.length; i++) {
    const c = i < upper.length ? upper.charCodeAt(i) : 0x0a
    if (isWordChar(c)) {
      if (!isDigit(c)) digitsOnly = false
      continue
    }
    if ((c === 0x2d || c === 0x2f) && (word !== '' || start < i) && digitsOnly && isDigit(upper.charCodeAt(i + 1))) continue
    if (c === 0x27 || c === 0x60) {
      word += upper.slice(start, i)
      start = i + 1
      continue
    }
    word += upper.slice(start, i)
    start = i + 1
    if (word !== '') line.push(word)
    word = ''
    digitsOnly = true
    const spacedSlash = c === 0x2f && (upper.charCodeAt(i - 1) === 0x20 || upper.charCodeAt(i + 1) === 0x20)
    if ((isLineBreak(c) || spacedSlash) && line.length > 0) {
      lines.push(line)
      line = []
    }
  }
  return lines
}

/** The first word of the return address, or the number of words when there is none. */
function returnStart(words: readonly string[], lineOf: readonly number[]): number {
  for (let i = 1; i < words.length; i++) {
    if (!RETURN_FIRST_WORDS.has(words[i] as string)) continue
    for (const phrase of RETURN_PHRASES) {
      if (phrase.every((word, k) => words[i + k] === word)) return i
    }
    // FROM opening a line, after the address has begun
    if (words[i] === 'FROM' && lineOf[i] !== lineOf[i - 1]) return i
  }
  return words.length
}

/**
 * "Mrs J Doe", "c/o Jane Doe", "To: FAO Jane Doe", "For the attention of Jane Doe": a line that names
 * a person and holds no number.
 */
function addressesPerson(line: Line): boolean {
  const at = line[0] === 'TO' ? 1 : 0
  const first = line[at] ?? ''
  const careOf = first === 'C' && line[at + 1] === 'O'
  const attention = first === 'FOR' && line[at + 1] === 'THE' && line[at + 2] === 'ATTENTION'
  return (ADDRESSEE_WORDS.has(first) || careOf || attention) && !line.some((word) => isDigit(word.charCodeAt(word.length - 1)) || isDigit(word.charCodeAt(0)))
}

/** A person's line without the words that say the letter is for them: To, c/o, FAO, For the attention of. */
function personName(line: Line): Line {
  let at = line[0] === 'TO' ? 1 : 0
  if (line[at] === 'C' && line[at + 1] === 'O') at += 2
  else if (line[at] === 'FOR' && line[at + 1] === 'THE') at += 2
  if (ADDRESSEE_MARKERS.has(line[at] ?? '')) at++
  if (line[at] === 'OF' && line[at - 1] === 'ATTENTION') at++
  return line.slice(at)
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

/**
 * Phone normaliser: one key for every way of writing the same number, and a key for every number a
 * field holds.
 *
 *   1. tidy (phone-text.ts): folding, percent-escapes, tel: and sip: URIs, export debris, dial
 *      prefixes, a trailing extension.
 *   2. a spelled number, when the whole text is one: keypad letters per ITU-T E.161 (0800 FLOWERS),
 *      or O, I and l typed for 0 and 1.
 *   3. otherwise the digit groups, in segments (phone-groups.ts: separators, number words, words
 *      between numbers), and the numbers each segment forms (phone-read.ts). Segments of fewer than
 *      seven digits beside a longer one are times, extensions or house numbers, and are left out.
 *   4. keys: `p:` + E.164 (`p:+447700900123`) for every number, at most `MAX_NUMBERS` a field.
 *   5. the other readings of the field (its text as a screen shows it, number words among digits,
 *      `+0` read as +): a check looks up their keys too; an entry stores their numbers when the text
 *      as written holds none.
 *
 * - A number only has to be *possible* (right length for its country), not *valid*: the library
 *   does not list every allocated range (Ofcom's drama ranges, for one, are not "valid" to it),
 *   and a block must not fail because the numbering plan moved on.
 * - Emergency and short service numbers (999, 112, 101, 111, 116xxx, 118xxx ...) are refused: a
 *   block on them would stop nothing a victim fears and could stop a call that must go through.
 * - An entry holding several numbers stores a key for each, with a warning; never one key made of
 *   two numbers. A check looks up every number it holds.
 * - Text that holds no possible number is still blocked, by its digits (`pd:` key), with a warning.
 *   A check also looks up the `pd:` key of its digits, so that it meets such an entry; and when a
 *   check's text cannot be read, it also looks up the readings of its digits alone.
 *
 * Pure: no I/O, no clock, no state between calls.
 */
import type { DetailIssue, DetailKeys } from './detail-keys.js'
import { DIAL_PREFIX_GROUPS, tidyReadings } from './phone-text.js'
import { segmentsOf, withNumberWordsAmongDigits } from './phone-groups.js'
import type { Group } from './phone-groups.js'
import { fastE164, library, newReader, readNumber, readSegment } from './phone-read.js'
import type { Library, Reader } from './phone-read.js'

/** Numbers read from one field, at most. */
export const MAX_NUMBERS = 8
/** Keys a check looks up for one field, at most. */
export const MAX_LOOKUP_KEYS = 24
/**
 * Longest text read group by group. No phone detail is anywhere near this long (the schemas allow
 * 64 characters); longer text is blocked by its digits.
 */
const MAX_TEXT = 256
/** Digits a segment needs to count beside another: fewer is a time, an extension or a house number. */
const MIN_SEGMENT = 7

/**
 * Emergency and short service numbers (Ofcom, National Telephone Numbering Plan: 999 and 112
 * emergency, 101 police non-emergency, 111 NHS, 105 power cuts, 119 NHS, 100 and 155 operators, 123
 * speaking clock, 116xxx harmonised European services such as 116 123, 118xxx directory enquiries),
 * and the dial prefixes on their own.
 */
const SHORT_NUMBERS: ReadonlySet<string> = new Set([
  '999', '112', '911', '101', '111', '105', '119', '100', '155', '123', '141', '1470', '1471', '18001', '18002'
])
const SHORT_SERIES = /^11[68]\d{3}$/u

/** ITU-T E.161 keypad letters. */
const KEYPAD: ReadonlyMap<string, string> = new Map(
  ['ABC', 'DEF', 'GHI', 'JKL', 'MNO', 'PQRS', 'TUV', 'WXYZ']
    .flatMap((letters, i) => [...letters].map((letter): [string, string] => [letter, String(i + 2)]))
)
/** Letters typed for the digits they look like: O for 0, I and l for 1. */
const DIGIT_LOOKALIKES: ReadonlyMap<string, string> = new Map([['O', '0'], ['o', '0'], ['I', '1'], ['i', '1'], ['l', '1']])
/**
 * A spelled number: digits first, then letters among digits, spaces, dots and hyphens (0800 FLOWERS,
 * 0808 157 0CAT). Brackets after the first letter mean a note ("(mum)"), not a spelling.
 */
const SPELLED = /^\+?[\d\s().\-/]*\d[\d\s().\-/]*[A-Za-z][A-Za-z\d\s.-]*$/u
/** Digits with O, I or l among them, and nothing else (07700 9OO123, O77OO 9OOl23). */
const LOOKALIKE_DIGITS = /^\+?[\d\s().\-/OoIil]*$/u
const LETTER = /[A-Za-z]/u
const DIGIT_AT_END = /\d$/u
const LETTERS = /[A-Za-z]/gu
const NOT_DIGITS = /\D/g
/** The text left to the library: digits, spaces and the punctuation of a written number. */
const NUMBER_TEXT = /^[\d\s().\-/+]*$/u

const NO_DIGITS: DetailIssue = Object.freeze({ code: 'phone_no_digits', message: 'contains no digits' })
const SHORT: DetailIssue = Object.freeze({
  code: 'phone_short_number',
  message: 'is an emergency or short service number, which cannot be blocked'
})
const UNPARSED: DetailIssue = Object.freeze({
  code: 'phone_unparsed',
  message: 'could not be read as a phone number; blocked by its digits only'
})
const SEVERAL: DetailIssue = Object.freeze({
  code: 'phone_several',
  message: 'holds several numbers; each is blocked'
})

/** The one spelled number the text is, and the digits it spells; undefined when it is none. */
function spelledNumber (reader: Reader, text: string): { number: string, digits: string } | undefined {
  const first = text.search(LETTER)
  if (first === -1) return undefined
  let spelled: string
  if (LOOKALIKE_DIGITS.test(text)) {
    spelled = text.replace(LETTERS, (letter) => DIGIT_LOOKALIKES.get(letter) ?? letter)
  } else {
    if (!SPELLED.test(text)) return undefined
    // keypad letters count only glued to a digit (0CAT) or after digits that are no number on their
    // own (0800 FLOWERS): "07700 900123 mum" is a number and a word
    const before = text.slice(0, first)
    if (!DIGIT_AT_END.test(before) && readAsWritten(reader, before) !== undefined) return undefined
    spelled = text.replace(LETTERS, (letter) => KEYPAD.get(letter.toUpperCase()) ?? letter)
  }
  const number = readAsWritten(reader, spelled)
  return number === undefined ? undefined : { number, digits: spelled.replace(NOT_DIGITS, '') }
}

/** Text of digits and number punctuation, read as one number. */
function readAsWritten (reader: Reader, text: string): string | undefined {
  if (!NUMBER_TEXT.test(text)) return undefined
  const digits = text.replace(NOT_DIGITS, '')
  if (digits === '') return undefined
  const plus = text.trimStart().startsWith('+')
  return readNumber(reader, text.trim(), digits, plus)
}

/** A segment without a caller-ID or text-relay prefix before a full number (after words: "call 141 0161 ..."). */
function withoutDialPrefix (segment: Group[]): Group[] {
  const [first, next] = segment
  if (first === undefined || next === undefined || !DIAL_PREFIX_GROUPS.has(first.digits)) return segment
  return next.plus || next.digits.startsWith('0') ? segment.slice(1) : segment
}

const digitsOf = (segment: readonly Group[]) => segment.map((group) => group.digits).join('')

function unique (keys: readonly string[], max: number): string[] {
  return [...new Set(keys)].slice(0, max)
}

function keysOf (text: string, reader: Reader): DetailKeys {
  if (text.length > MAX_TEXT) {
    const digits = text.replace(NOT_DIGITS, '')
    if (digits === '') return { store: [], lookup: [], warning: null, reject: NO_DIGITS }
    return { store: ['pd:' + digits], lookup: ['pd:' + digits], warning: UNPARSED, reject: null }
  }
  const { segments, digits } = segmentsOf(text)
  if (digits === '') return { store: [], lookup: [], warning: null, reject: NO_DIGITS }
  if (SHORT_NUMBERS.has(digits) || SHORT_SERIES.test(digits)) return { store: [], lookup: [], warning: null, reject: SHORT }

  const spelled = spelledNumber(reader, text)
  if (spelled !== undefined) {
    const key = 'p:' + spelled.number
    return { store: [key], lookup: [key, 'pd:' + spelled.digits], warning: null, reject: null }
  }

  // the segments that count; when none is long enough, all the digits are one segment
  const long = segments.filter((segment) => digitsOf(segment).length >= MIN_SEGMENT)
  const numbers: string[] = []
  const also: string[] = []
  const unread: string[] = []
  for (const segment of (long.length > 0 ? long : [segments.flat()]).map(withoutDialPrefix)) {
    const reading = readSegment(reader, segment)
    if (reading.numbers.length === 0) unread.push(digitsOf(segment))
    numbers.push(...reading.numbers)
    also.push(...reading.also)
  }

  const numberKeys = unique(numbers.map((number) => 'p:' + number), MAX_NUMBERS)
  const unreadKeys = unique(unread.map((run) => 'pd:' + run), MAX_NUMBERS)
  // an entry keeps the other readings too (a list item that reads, a number without its # tail):
  // recall first, and the warning asks the SPOC to look at what was typed
  const store = unique([...numberKeys, ...unreadKeys, ...also.map((number) => 'p:' + number)], MAX_NUMBERS)
  // a check whose text could not all be read also looks up what its digits alone read as
  const fallback = unread.length === 0 ? [] : unique([digits, ...unread], MAX_NUMBERS).map((run) => readNumber(reader, run, run, false))
  const lookup = unique([
    ...numberKeys,
    ...also.map((number) => 'p:' + number),
    'pd:' + digits,
    ...unreadKeys,
    ...fallback.filter((number): number is string => number !== undefined).map((number) => 'p:' + number)
  ], MAX_LOOKUP_KEYS)
  const warning = unread.length > 0 ? UNPARSED : store.length > 1 ? SEVERAL : null
  return { store, lookup, warning, reject: null }
}

/**
 * The keys of every reading of a field (phone-text.ts `tidyReadings`): the text as written; the text
 * as a screen shows it; the text with number words among digits read as digits; and, when the text
 * as written holds no number, the text with a + before a 0 read as the +. A check looks up the keys
 * of all of them. An entry stores what the text as written reads; only when that is no number, the
 * numbers the other readings find too (at most `MAX_NUMBERS`), beside its digits and its warning.
 */
function keysOfReadings (readings: Readings, reader: Reader): DetailKeys {
  const main = keysOf(readings.text, reader)
  if (main.reject !== null) return main
  const words = withNumberWordsAmongDigits(readings.text)
  const readsNothing = !main.store.some((key) => key.startsWith('p:'))
  const others = [...readings.also, ...(words === null ? [] : [words]), ...(readsNothing ? readings.unread : [])]
  if (others.length === 0) return main
  const store = [...main.store]
  const lookup = [...main.lookup]
  for (const other of others) {
    const keys = keysOf(other, reader)
    if (keys.reject !== null) continue
    if (readsNothing) store.push(...keys.store.filter((key) => key.startsWith('p:')))
    lookup.push(...keys.lookup)
  }
  const stored = unique(store, MAX_NUMBERS)
  const warning = main.warning ?? (stored.length > 1 ? SEVERAL : null)
  return { store: stored, lookup: unique(lookup, MAX_LOOKUP_KEYS), warning, reject: null }
}

type Readings = ReturnType<typeof tidyReadings>

/** `text` is already tidied (step 1), as the full path sees it. */
function fastUk (text: string): DetailKeys | null {
  const number = fastE164(text)
  if (number === null) return null
  const key = 'p:' + number
  return { store: [key], lookup: [key, 'pd:' + text.replace(NOT_DIGITS, '')], warning: null, reject: null }
}

/** The fast path, when the field has one reading only: null where it steps aside. */
function fastOf (readings: Readings): DetailKeys | null {
  return readings.also.length === 0 ? fastUk(readings.text) : null
}

/** The fast path alone: keys, or null where it steps aside (for the property test). */
export function fastUkKeys (raw: string): DetailKeys | null {
  return fastOf(tidyReadings(raw))
}

export function phoneKeys (raw: string): DetailKeys {
  const readings = tidyReadings(raw)
  return fastOf(readings) ?? keysOfReadings(readings, newReader(true))
}

/** Every notation, through the library alone: the reference the fast path is held to. */
export function fullPhoneKeys (raw: string): DetailKeys {
  return keysOfReadings(tidyReadings(raw), newReader(false))
}

/** The keys, reading with `lib` (for tests that count the library's calls). */
export function phoneKeysWith (raw: string, lib: Library): DetailKeys {
  return keysOfReadings(tidyReadings(raw), newReader(false, lib))
}

export { library as phoneLibrary }

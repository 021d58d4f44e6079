/**
 * Phone numbers, step 3: the numbers a segment of digit groups forms (phone-groups.ts).
 *
 * A segment is first read whole, as one number. When it is not one possible number, it is cut
 * between groups into pieces that each are one: `0113 496 0123 0113 496 0124` or `07700 900123,
 * 07700 900124` hold two. Every group must belong to a piece (a stray `4` after a number makes it
 * another number, not this one plus a 4), except a `/` group of at most four digits after a number,
 * which is an alternative ending (`0114 496 0777/8` is ...0777 and ...0778). When several cuts
 * work, the numbers of all of them are read.
 *
 * A piece, unlike a whole segment, must look like a full number on its own: at least nine digits,
 * starting with +, 0 or 44, and a national number (one leading 0) of ten or eleven digits.
 *
 * Three readings come before the whole, because the whole may be possible by length only:
 * - a trailing `/` group after a full number (ten digits or more) is an alternative ending
 *   (+61 491 570 000/6 is no ten-digit Australian number);
 * - a trailing `#` group after a full number is an extension unless the whole reads (07700 900123
 *   #12), and a check also looks up the number without it;
 * - a short group at an end of the segment that touches a word is left out when the segment does
 *   not read with it (`Flat 2: 07700 900123`, `07700 900123 4 mum`).
 * A check also looks up what each list item of the segment reads as (the groups between `,` `;` `|`
 * `&` or line breaks): `07700 900123; 0770` still holds the number.
 *
 * Last, a partial cover: a full number among stray groups is read when something sets the strays
 * apart from it, and an entry keeps it beside its digits key and its warning. Before the number: a
 * + or a trunk 0 starting it (digits before a trunk 0 never continue a number without a + or 00 of
 * their own: `1. 07700 ...`, `2) 07700 ...`, `12 07700 ...`, zeros padding it), but not a country
 * code (`+33 07700 ...` is read as French). After it: brackets (`(2)`), a `/` run (a date, 24/7),
 * or another number starting (`07700 900123 07700 9001`). Either side: a list separator or a +. A
 * short group after only a space or a dash is no stray but part of another number (`07700 900123
 * 4`, `07700 900 12 3 4`): a changed, added or dropped digit makes another number. In a segment that
 * reads as it is, only the marks (brackets, list separators, +, `/`) count.
 *
 * The library (libphonenumber-js, full metadata, GB as the default region) is only ever given text
 * of digits, spaces, a leading + and `(0)`, and at most `MAX_LIBRARY_CALLS` times a field (a text
 * asked again is answered from the field's own record); a reading beyond that count is refused, so
 * the cost of a field is bounded whatever it holds.
 *
 * Pure: no I/O, no state between calls (the call count lives in the `Reader` of one field).
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max'
import type { Group } from './phone-groups.js'

const DEFAULT_REGION = 'GB' as const

/** Library calls one field may make. */
export const MAX_LIBRARY_CALLS = 24

/** The E.164 form of a number the library reads as possible (right length for its country), or undefined. */
export type Library = (text: string) => string | undefined

/** A UK national number never starts with 0; the library keeps the trunk 0 when the rest is too short (0113496). */
const UK_ZERO = '+440'

export const library: Library = (text) => {
  const n = parsePhoneNumberFromString(text, { defaultCountry: DEFAULT_REGION, extract: false })
  return n !== undefined && n.isPossible() && !n.number.startsWith(UK_ZERO) ? n.number : undefined
}

/**
 * The fast path: a UK number in one of the notations people write most, read without the library,
 * which costs far more a number. Only text made of digits, spaces and `+ ( ) - .` whose digits
 * are 0 + ten digits, 44 + ten, 0044 + ten, or (after a leading +) 44 + ten, optionally with the
 * (0) trunk digit after 44; the ten-digit national number must not start with 0. For every such
 * text the library gives `+44` and those ten digits (all ten-digit GB numbers are possible), and a
 * property test (test/domain/phone-fast-path.test.ts) holds the two to the same keys.
 */
const FAST_CHARS = /^[\d\s+().-]{10,40}$/
const FAST_FORMS = /^(?:\+44(?:\(0\))?|0044(?:\(0\))?|44|0)([1-9]\d{9})$/
const SPACING = /[\s.-]/g
const BRACKETED_CODE = /^\((0\d{3,4})\)/

export function fastE164 (text: string): string | null {
  if (!FAST_CHARS.test(text)) return null
  // The text without spaces, dots and hyphens; brackets are kept only as the (0) trunk digit.
  const compact = text.replace(SPACING, '')
  const unbracketed = compact.startsWith('(') ? compact.replace(BRACKETED_CODE, '$1') : compact
  const form = FAST_FORMS.exec(unbracketed)
  return form === null ? null : '+44' + (form[1] as string)
}

/**
 * Reads numbers for one field: the library behind an optional fast path, a call budget, and the
 * answers already given (the same text is often asked again by another reading of the field).
 */
export interface Reader {
  fast: boolean
  library: Library
  calls: number
  answers: Map<string, string | undefined>
}

export function newReader (fast: boolean, lib: Library = library): Reader {
  return { fast, library: lib, calls: 0, answers: new Map() }
}

function call (reader: Reader, text: string): string | undefined {
  if (reader.answers.has(text)) return reader.answers.get(text)
  if (reader.calls >= MAX_LIBRARY_CALLS) return undefined
  reader.calls++
  const answer = reader.library(text)
  reader.answers.set(text, answer)
  return answer
}

/**
 * The E.164 form of one number written as `text` (digits, spaces, a leading +, `(0)`), whose
 * digits without the trunk are `digits`. Unless `noInternational` (set for text with a +), bare
 * digits that are no GB number are tried as an international number whose + was lost
 * (12025550123); a GB reading always comes first.
 */
export function readNumber (reader: Reader, text: string, digits: string, noInternational: boolean): string | undefined {
  if (reader.fast) {
    const quick = fastE164(text)
    if (quick !== null) return quick
  }
  // no country code starts with 0
  return call(reader, text) ?? (noInternational || digits.startsWith('0') ? undefined : call(reader, '+' + digits))
}

/** The groups written for the library: `+` before the first, `(0)` for a trunk digit after digits. */
function render (groups: readonly Group[]): { text: string, digits: string } {
  let text = groups[0]?.plus === true ? '+' : ''
  let digits = ''
  groups.forEach((group, i) => {
    if (group.trunk && i > 0) {
      text += ' (0)'
      return
    }
    text += (i === 0 ? '' : ' ') + group.digits
    digits += group.digits
  })
  return { text, digits }
}

/**
 * Reads groups as one number; undefined when they are not one (a + inside them starts another).
 * Bare digits are not read as an international number whose + was lost when a short first group
 * stands before a 0 (`2 07700 900123`): a country code is not followed by a trunk 0 without a + or
 * 00 to mark it.
 */
function readWhole (reader: Reader, groups: readonly Group[]): string | undefined {
  const [first, second] = groups
  if (first === undefined || groups.some((group, i) => i > 0 && group.plus)) return undefined
  const { text, digits } = render(groups)
  const strayBeforeZero = !first.plus && first.digits.length <= 3 && second !== undefined && !second.trunk && second.digits.startsWith('0')
  return readNumber(reader, text, digits, first.plus || strayBeforeZero)
}

const digitsOf = (groups: readonly Group[]) => groups.map((group) => group.digits).join('')

const MIN_PIECE = 9
const MAX_PIECE = 17
const MAX_ALTERNATIVE_ENDING = 4

/** Digits that no number starts with: three zeros (00 and a country code, which never starts with 0). */
const NO_START = '000'

/** Can groups `from`..`to` (exclusive) be one piece of a cut segment? (see the header) */
function mayBePiece (groups: readonly Group[], from: number, to: number, length: number): boolean {
  const first = groups[from]
  if (first === undefined || length < MIN_PIECE) return false
  for (let i = from + 1; i < to; i++) if (groups[i]?.plus === true) return false
  if (first.plus) return true
  const start = digitsOf(groups.slice(from, Math.min(to, from + NO_START.length)))
  if (start.startsWith(NO_START)) return false
  if (start.startsWith('00') || start.startsWith('44')) return true
  return start.startsWith('0') && (length === 10 || length === 11)
}

const isAlternativeEnding = (group: Group) => group.slash && group.digits.length <= MAX_ALTERNATIVE_ENDING

/** `number` (E.164) with its last digits replaced by the group's: +441144960777 and 8 give ...0778. */
function alternativeEnding (reader: Reader, number: string, group: Group): string | undefined {
  const digits = number.slice(1)
  if (digits.length <= group.digits.length) return undefined
  return readNumber(reader, '+' + digits.slice(0, -group.digits.length) + group.digits, '', true)
}

/** One edge of the cut: groups `from`..`to` read as `number` */
interface Piece { from: number, to: number, number: string }

/** The numbers of every way to cut the segment into pieces; empty when there is none. */
function readCut (reader: Reader, groups: readonly Group[]): string[] {
  const n = groups.length
  const reach = new Array<boolean>(n + 1).fill(false)
  reach[0] = true
  const pieces: Piece[] = []
  for (let from = 0; from < n; from++) {
    if (reach[from] !== true) continue
    // an alternative ending: a short group after `/`, replacing the end of a number that ends here
    const group = groups[from] as Group
    if (isAlternativeEnding(group)) {
      for (const before of pieces.filter((piece) => piece.to === from)) {
        const number = alternativeEnding(reader, before.number, group)
        if (number !== undefined) {
          pieces.push({ from, to: from + 1, number })
          reach[from + 1] = true
        }
      }
    }
    let length = 0
    for (let to = from + 1; to <= n; to++) {
      const last = groups[to - 1] as Group
      if (!(last.trunk && to - 1 > from)) length += last.digits.length
      if (length > MAX_PIECE) break
      if (!mayBePiece(groups, from, to, length)) continue
      const number = readWhole(reader, groups.slice(from, to))
      if (number !== undefined) {
        pieces.push({ from, to, number })
        reach[to] = true
      }
    }
  }
  if (reach[n] !== true) return []
  // keep the pieces that lie on some complete cut: from their end, the segment's end is reached
  const ends = new Array<boolean>(n + 1).fill(false)
  ends[n] = true
  const used: string[] = []
  for (let i = pieces.length - 1; i >= 0; i--) {
    const piece = pieces[i] as Piece
    if (ends[piece.to] === true) {
      ends[piece.from] = true
      used.push(piece.number)
    }
  }
  return [...new Set(used.reverse())]
}

export interface SegmentReading {
  /** the numbers the segment holds (E.164), in order; empty when it could not be read */
  numbers: string[]
  /** other readings a check also looks up (the segment without a `#` tail that may be an extension) */
  also: string[]
}

const MAX_STRAY = 4
/** Digits before a `/` alternative ending for it to be read before the whole: a full number. */
const MIN_BEFORE_ALTERNATIVE = 10
/** Digits before a `#` tail for it to be an extension: a full number (07700#900#1234 is no 07700 900). */
const MIN_BEFORE_HASH_EXTENSION = 10

const digitCount = (groups: readonly Group[]) => groups.reduce((n, group) => n + group.digits.length, 0)

/** Digits of a number after another, for them to start one of their own (a cut-off second number). */
const MIN_NEXT_NUMBER = 7
/** A country code written with + or 00 (its number follows it, trunk 0 and all: +33 0199 ...). */
const COUNTRY_CODE = /^00[1-9]/

/**
 * Does a number that starts at group `i` stand apart from the groups before it? It does when it
 * starts as a number starts (a + or a trunk 0, which no digits before it continue without a + or 00
 * of their own: `1. 07700 ...`, `12 07700 ...`, `0 0 0 07700 ...`, `+44 +44 7700 ...`), but not after
 * a country code (`+33 0113 ...` is a French reading, not a UK number), or when a list separator or
 * a bracketed group stands before it.
 */
function apartBefore (groups: readonly Group[], i: number, marksOnly: boolean): boolean {
  const first = groups[i]
  const before = groups[i - 1]
  if (first === undefined || before === undefined) return true
  if (first.plus || first.listBefore || before.bracketed) return true
  return !marksOnly && first.digits.startsWith('0') && !before.plus && !COUNTRY_CODE.test(before.digits)
}

/**
 * Does a number that ends before group `j` stand apart from the groups after it? It does when the
 * next group is bracketed (`(2)`), follows a list separator or a +, starts a `/` run of its own (a
 * date or 24/7: `12/5/2026`), or starts another number (a 0 and at least a number's worth of digits
 * to the end: `07700 900123 07700 9001`). A group after a space or a dash is not apart: `07700
 * 900123 4` is another number.
 */
function apartAfter (groups: readonly Group[], j: number, marksOnly: boolean): boolean {
  const next = groups[j]
  if (next === undefined) return true
  if (next.bracketed || next.listBefore || next.plus) return true
  if (!next.slash && groups[j + 1]?.slash === true) return true
  return !marksOnly && next.digits.startsWith('0') && digitCount(groups.slice(j)) >= MIN_NEXT_NUMBER
}

/**
 * The full numbers of a segment beside stray digits: every run of whole adjacent groups that may be
 * a piece, reads, and stands apart from the groups on either side. In a segment that reads as it
 * is, only marks set a run apart (`marksOnly`: brackets, list separators, a +, a `/` run), because
 * a group that starts with 0 is also the middle of a number (+44 6 006401908).
 */
function partialCover (reader: Reader, groups: readonly Group[], marksOnly: boolean): string[] {
  const found: string[] = []
  for (let from = 0; from < groups.length; from++) {
    if (!apartBefore(groups, from, marksOnly)) continue
    let length = 0
    for (let to = from + 1; to <= groups.length; to++) {
      const last = groups[to - 1] as Group
      if (!(last.trunk && to - 1 > from)) length += last.digits.length
      if (length > MAX_PIECE) break
      if ((from === 0 && to === groups.length) || !apartAfter(groups, to, marksOnly) || !mayBePiece(groups, from, to, length)) continue
      const number = readWhole(reader, groups.slice(from, to))
      if (number !== undefined) found.push(number)
    }
  }
  return [...new Set(found)]
}

/**
 * The segment without a short group at an end that touches a word: "Flat 2: 07700 900123",
 * "07700 900123 4 mum". Null when there is none.
 */
function withoutStrays (segment: readonly Group[]): Group[] | null {
  let from = 0
  let to = segment.length
  const first = segment[0]
  const last = segment[to - 1]
  // a group that starts with 0 starts a number (0808 after "Tel"), it is no stray
  if (first !== undefined && first.wordBefore && !first.plus && !first.digits.startsWith('0') && first.digits.length <= MAX_STRAY) from++
  if (last !== undefined && last.wordAfter && last.digits.length <= MAX_STRAY) to--
  return (from > 0 || to < segment.length) && to - from >= 1 ? segment.slice(from, to) : null
}

/**
 * The readings of the segment's list items (its groups cut at every list separator), for a check
 * whose segment does not read as a whole: `07700 900123; 0770` or `07700900123,1` still hold the
 * number before the separator. Empty when the segment has no list separator.
 */
function listItems (reader: Reader, segment: readonly Group[]): string[] {
  const items: Group[][] = [[]]
  for (const group of segment) {
    if (group.listBefore) items.push([])
    items[items.length - 1]?.push(group)
  }
  if (items.length < 2) return []
  return items.flatMap((item) => {
    const reading = readGroups(reader, item)
    return [...reading.numbers, ...reading.also]
  })
}

/** The numbers of one segment (see the header). */
export function readSegment (reader: Reader, segment: readonly Group[]): SegmentReading {
  const reading = readGroups(reader, segment)
  // a list separator may stand inside a number (07700,900123) or between a number and more (a
  // foreign number and a stray digit can read as one longer number): a check looks up both
  // and a number set apart from stray digits may be read whole with them as another (+61 491 570
  // 006 (1) reads as a longer Australian number)
  if (reading.numbers.length > 0) return { numbers: reading.numbers, also: [...reading.also, ...listItems(reader, segment), ...partialCover(reader, segment, true)] }
  const trimmed = withoutStrays(segment)
  const without = trimmed === null ? reading : readGroups(reader, trimmed.map((group) => ({ ...group, wordBefore: false, wordAfter: false })))
  const cover = partialCover(reader, segment, false)
  if (without.numbers.length > 0) return { numbers: without.numbers, also: [...without.also, ...cover] }
  return { numbers: [], also: [...without.also, ...listItems(reader, segment), ...cover] }
}

function readGroups (reader: Reader, segment: readonly Group[]): SegmentReading {
  const tail = segment[segment.length - 1]
  if (tail !== undefined && isAlternativeEnding(tail) && digitCount(segment) - tail.digits.length >= MIN_BEFORE_ALTERNATIVE) {
    // a full number, then an alternative ending (0114 496 0777/8): read before the whole, which a
    // country with longer numbers may also read (+61 491 570 000/6 is no ten-digit number)
    const head = readGroups(reader, segment.slice(0, -1))
    const last = head.numbers[head.numbers.length - 1]
    const other = last === undefined ? undefined : alternativeEnding(reader, last, tail)
    if (other !== undefined) return { numbers: [...head.numbers, other], also: head.also }
  }
  if (tail?.hashTail === true && segment.length > 1 && digitCount(segment) - tail.digits.length >= MIN_BEFORE_HASH_EXTENSION) {
    const whole = readWhole(reader, segment)
    const without = readGroups(reader, segment.slice(0, -1))
    if (whole !== undefined) return { numbers: [whole], also: without.numbers }
    return without
  }
  const whole = readWhole(reader, segment)
  if (whole !== undefined) return { numbers: [whole], also: [] }
  return { numbers: readCut(reader, segment), also: [] }
}

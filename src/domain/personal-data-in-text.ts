/**
 * Personal data in free text: does a reason (a block's or a lift's) or a request reference hold a
 * phone number, an email address, a postcode or the protected person's name? Free text is kept for
 * as long as its entry, and its audit trail longer, so it must hold none. Each is looked for with
 * the matcher's own reader, so that what the matcher would read as a detail is read here too
 * (full-width digits, `＠`, `jane at example dot org`, number words, lookalike letters).
 *
 * - Phones (phone-text.ts, phone-groups.ts, phone-read.ts): the text is cut into segments of digit
 *   groups, and every segment of a number's worth of digits (nine) is read as a phone field is.
 *   A segment that reads as no number is also read run of groups by run (`07700 900123 1 a day`).
 *   Dates are taken out first (23/11/2026, 2026-11-23): their groups would read as numbers. In
 *   prose, digits count as a number only when written as people write one: with its trunk 0, a +,
 *   00 or 44; bare digits (a crime number 13190123456, a case number) are references. The entry's
 *   own numbers count in any form, by their last nine digits.
 * - Emails (email-read.ts, email.ts): every address the email reader finds, at and dot words and
 *   spaced letters undone, that keys as an address with a domain of letters (`seen@10.30am` is
 *   not one). Where the reading holds several `@` (an `at` word in the sentence too), each is
 *   tried with the text on either side of it.
 * - Postcodes (address-read.ts, postcode.ts): every postcode the address reader finds, with the
 *   slips it undoes (LSI 4AP); prisoner numbers (A1234AB) are taken out first, since one reads as a
 *   postcode with one slip (AL23 4AB).
 * - The protected person's name (person-name.ts): every window of one to three words is read as a
 *   recipient line and compared with `namedIn`: a full name in any of the reader's forms (initials,
 *   one slip, the other order, leetspeak), or one of the names alone written in full. A lone word
 *   written all in lower case is a word of the sentence (`will`, `hope`), not a name. Hyphens,
 *   underscores and slashes part words too (`JaneDoe-2026`), so a part of a hyphenated name meets.
 *
 * Bounded: free text is at most MAX_TEXT characters (the schemas). Each segment (or run of groups
 * of one) is read with its own reader and its own budget of library calls, and at most MAX_READS
 * are read: a text with more digits than that to read is taken to hold a number. The name is
 * compared over at most three windows a word, each distinct window once.
 *
 * Pure: no I/O, no state between calls.
 */
import { postcodesIn } from './address-read.js'
import { emailKeys } from './email.js'
import { foldEmailText, readAddresses } from './email-read.js'
import { foldText } from './fold.js'
import { namedIn, parsePersonName, wordMayName } from './person-name.js'
import type { PersonName } from './person-name.js'
import { segmentsOf, withNumberWordsAmongDigits } from './phone-groups.js'
import type { Group } from './phone-groups.js'
import { newReader, readSegment } from './phone-read.js'
import { tidyReadings } from './phone-text.js'

export type PersonalData = 'phone' | 'email' | 'postcode' | 'name'

/** What the text is read against: the entry's own protected person and phone keys. */
export interface TextContext {
  /** the protected person's name as written, or null */
  protectedPerson: string | null
  /** the entry's own phone keys (`p:+447700900123`, `pd:...`): their digits must not appear either */
  ownPhoneKeys: readonly string[]
}

/** The longest free text the schemas allow (a reason, a lift reason). */
export const MAX_TEXT = 2000
/** Segments, and runs of groups of a segment, read as numbers from one text, at most. */
export const MAX_READS = 64
/** Digits a segment needs to hold a full number (phone-read.ts reads no piece shorter). */
const NUMBER_DIGITS = 9
/** Digits a number has at most (phone-read.ts). */
const MAX_NUMBER_DIGITS = 17
/** Digits of the entry's own number that must not appear, in any form. */
const OWN_DIGITS = 9
/** Postcodes looked for: one is enough. */
const POSTCODES = 1
/** Words a window of the name holds, at most: "Jane A Doe", "Doe, Jane". */
const NAME_WINDOW = 3

const NOT_DIGITS = /\D/gu
/** Dates: 23/11/2026, 23.11.26, 1-2-2026, 2026-11-23; not digits that run on into more digits. */
const DATES = /(?<![\d/.-])(?:\d{1,2}([/.-])\d{1,2}\1(?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2})(?![/.-]?\d)/gu
/** Prisoner numbers (A1234AB). */
const PRISONER_NUMBER = /(?<![A-Za-z0-9])[A-Za-z]\d{4}[A-Za-z]{2}(?![A-Za-z0-9])/gu
/** An email domain ends in a label that starts with two letters (or an IDN's punycode): not `10.30am`. */
const DOMAIN_END = /\.(?:[a-z]{2}[a-z0-9-]{0,61}|xn--[a-z0-9-]{1,59})$/u
const WORDS = /\S+/gu
/** Words for the name: a hyphen, an underscore or a slash also parts them (`JaneDoe-2026`, `Doe_J`). */
const NAME_WORDS = /[^\s/_-]+/gu
const CAPITAL = /\p{Lu}/u

/** The first kind of personal data the text holds, or null when it holds none. */
export function personalDataIn (text: string, context: TextContext): PersonalData | null {
  const folded = foldText(text)
  if (holdsOwnNumber(folded, context.ownPhoneKeys)) return 'phone'
  if (holdsEmail(folded)) return 'email'
  if (postcodesIn(folded.replace(PRISONER_NUMBER, ' '), POSTCODES).length > 0) return 'postcode'
  const person = context.protectedPerson === null ? null : parsePersonName(context.protectedPerson)
  if (person !== null && namesPerson(folded, person)) return 'name'
  if (holdsPhone(folded)) return 'phone'
  return null
}

function holdsOwnNumber (folded: string, ownPhoneKeys: readonly string[]): boolean {
  const digits = folded.replace(NOT_DIGITS, '')
  return ownPhoneKeys.some((key) => {
    const own = key.replace(NOT_DIGITS, '')
    return own.length >= OWN_DIGITS && digits.includes(own.slice(-OWN_DIGITS))
  })
}

/**
 * The addresses the email reader finds, and every word with an `@` as it stands (the reader reads
 * `dot 1` after an address as part of its domain, which then is none).
 */
function holdsEmail (folded: string): boolean {
  const words = (folded.match(WORDS) ?? []).filter((word) => word.includes('@'))
  return [...readAddresses(foldEmailText(folded), true), ...words].flatMap(eachAt).some((address) =>
    emailKeys(address).store.some((key) => key.startsWith('e:') && DOMAIN_END.test(key)))
}

/**
 * A text with several `@` (`jane at example dot org at once` reads as `jane@example.org@once`) as
 * each `@` with the text on either side of it up to the next: in prose an `at` is also a word.
 */
function eachAt (text: string): string[] {
  const parts = text.split('@')
  return parts.length <= 2 ? [text] : parts.slice(1).map((after, i) => `${parts[i] as string}@${after}`)
}

/**
 * Is `number` (E.164) written in the segment as people write a phone number: after a + or from a
 * group that starts with 00 and its country code, or, for a UK number, from a group that starts
 * with its trunk 0, or after 44 standing alone (44 7700 900123) or in one group with it? Bare digits read as a number that lost its 0 or its + are a
 * reference in prose, and so are digits that only hold a number's digits inside a group (4401 ...).
 */
function writtenAsNumber (number: string, segment: readonly Group[]): boolean {
  if (segment.some((group) => group.plus)) return true
  const international = number.slice(1)
  const starts = segment.map((_, i) => segment.slice(i).map((group) => group.digits).join(''))
  const startsWith = (digits: string, group: (first: string) => boolean = () => true) =>
    starts.some((rest, i) => rest.startsWith(digits) && group((segment[i] as Group).digits))
  if (startsWith('00' + international)) return true
  // 44 on its own before the number, or the number in one group (447700900123)
  return international.startsWith('44') &&
    (startsWith('0' + international.slice(2)) || startsWith(international, (first) => first === '44' || first === international))
}

/** Does the reader read the groups as a number written as one? */
function readsAsNumber (groups: readonly Group[]): boolean {
  return readSegment(newReader(true), groups).numbers.some((number) => writtenAsNumber(number, groups))
}

/** Can a number written as one start at this group: a +, a trunk 0, or 44? */
const mayStart = (group: Group) => group.plus || group.digits.startsWith('0') || group.digits.startsWith('44')

const digitCount = (groups: readonly Group[]) => groups.reduce((n, group) => n + group.digits.length, 0)

/**
 * Every segment of a number's worth of digits is read as a phone field is. A segment that holds no
 * number that way is also read run by run: in prose, digits after a number are another matter
 * (`07700 900123 1 a day`), where in a phone field they make another number.
 */
function holdsPhone (folded: string): boolean {
  const { text, also } = tidyReadings(folded.replace(DATES, ' date '))
  const words = withNumberWordsAmongDigits(text)
  let read = 0
  for (const reading of [text, ...also, ...(words === null ? [] : [words])]) {
    for (const segment of segmentsOf(reading).segments) {
      if (digitCount(segment) < NUMBER_DIGITS) continue
      if (++read > MAX_READS) return true
      if (readsAsNumber(segment)) return true
      for (let from = 0; from < segment.length; from++) {
        if (!mayStart(segment[from] as Group)) continue
        let length = 0
        for (let to = from + 1; to <= segment.length && to - from < segment.length; to++) {
          length += (segment[to - 1] as Group).digits.length
          if (length > MAX_NUMBER_DIGITS) break
          if (length < NUMBER_DIGITS) continue
          if (++read > MAX_READS) return true
          if (readsAsNumber(segment.slice(from, to))) return true
        }
      }
    }
  }
  return false
}

/**
 * Does a window of one to NAME_WINDOW words of the text name the person (see the header)? Only
 * windows with a word that may be part of the name are read, each distinct window once.
 */
function namesPerson (folded: string, person: PersonName): boolean {
  const words = folded.match(NAME_WORDS) ?? []
  const may = words.map((word) => wordMayName(person, word))
  const read = new Set<string>()
  for (let i = 0; i < words.length; i++) {
    let window = ''
    let relevant = false
    for (let n = 0; n < NAME_WINDOW && i + n < words.length; n++) {
      window = n === 0 ? words[i] as string : `${window} ${words[i + n] as string}`
      relevant ||= may[i + n] === true
      if (!relevant || (n === 0 && !CAPITAL.test(window)) || read.has(window)) continue
      read.add(window)
      const written = parsePersonName(window)
      if (written !== null && namedIn(person, written)) return true
    }
  }
  return false
}

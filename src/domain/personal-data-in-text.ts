/**
 * Personal data in free text: does a reason (a block's or a lift's) or a request reference hold a
 * phone number, an email address, a postcode or the protected person's name? Free text is kept for
 * as long as its entry, and its audit trail longer, so it must hold none. Each is looked for with
 * the matcher's own reader, so that what the matcher would read as a detail is read here too
 * (full-width digits, `＠`, `jane at example dot org`, number words, lookalike letters).
 *
 * - Phones (phone-text.ts, phone-groups.ts, phone-read.ts): the text is cut into segments of digit
 *   groups, and every segment of a number's worth of digits (nine) is read as a phone field is.
 *   Dates are taken out first (23/11/2026, 2026-11-23): their groups would read as numbers. In
 *   prose, digits count as a number only when written as people write one: with its trunk 0, a +,
 *   00 or 44; bare digits (a crime number 13190123456, a case number) are references. The entry's
 *   own numbers count in any form, by their last nine digits.
 * - Emails (email-read.ts, email.ts): every address the email reader finds, at and dot words and
 *   spaced letters undone, that keys as an address with a domain of letters (`seen@10.30am` is
 *   not one).
 * - Postcodes (address-read.ts, postcode.ts): every postcode the address reader finds, with the
 *   slips it undoes (LSI 4AP); prisoner numbers (A1234AB) are taken out first, since one reads as a
 *   postcode with one slip (AL23 4AB).
 * - The protected person's name (person-name.ts): every window of one to three words is read as a
 *   recipient line and compared with `namedIn`: a full name in any of the reader's forms (initials,
 *   one slip, the other order, leetspeak), or one of the names alone written in full. A lone word
 *   written all in lower case is a word of the sentence (`will`, `hope`), not a name.
 *
 * Bounded: free text is at most MAX_TEXT characters (the schemas). Each segment is read with its
 * own reader and its own budget of library calls, and at most MAX_SEGMENTS segments are read: a
 * text with more numbers than that is taken to hold one. The name is compared over at most three
 * windows a word.
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
/** Segments of a number's worth of digits read from one text, at most. */
export const MAX_SEGMENTS = 24
/** Digits a segment needs to hold a full number (phone-read.ts reads no piece shorter). */
const NUMBER_DIGITS = 9
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
/** An email domain ends in a label of letters (or an IDN's punycode). */
const DOMAIN_END = /\.(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/u
const WORDS = /\S+/gu
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

function holdsEmail (folded: string): boolean {
  return readAddresses(foldEmailText(folded), true).some((address) =>
    emailKeys(address).store.some((key) => key.startsWith('e:') && DOMAIN_END.test(key)))
}

/**
 * Is `number` (E.164) written in the segment as people write a phone number: after a + or 00, or,
 * for a UK number, with its trunk 0 or after 44? Bare digits read as a number that lost its 0 or
 * its + are a reference in prose.
 */
function writtenAsNumber (number: string, segment: readonly Group[]): boolean {
  const digits = segment.map((group) => group.digits).join('')
  const international = number.slice(1)
  if (segment.some((group) => group.plus) || digits.includes('00' + international)) return true
  return international.startsWith('44') && (digits.includes('0' + international.slice(2)) || digits.includes(international))
}

function holdsPhone (folded: string): boolean {
  const { text, also } = tidyReadings(folded.replace(DATES, ' date '))
  const words = withNumberWordsAmongDigits(text)
  let read = 0
  for (const reading of [text, ...also, ...(words === null ? [] : [words])]) {
    for (const segment of segmentsOf(reading).segments) {
      if (segment.reduce((n, group) => n + group.digits.length, 0) < NUMBER_DIGITS) continue
      if (++read > MAX_SEGMENTS) return true
      if (readSegment(newReader(true), segment).numbers.some((number) => writtenAsNumber(number, segment))) return true
    }
  }
  return false
}

/**
 * Does a window of one to NAME_WINDOW words of the text name the person (see the header)? Only
 * windows with a word that may be part of the name are read, each distinct window once.
 */
function namesPerson (folded: string, person: PersonName): boolean {
  const words = folded.match(WORDS) ?? []
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

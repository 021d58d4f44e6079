/**
 * Phone normaliser: one key for every way of writing the same number (DESIGN.md, "Matching rules").
 *
 * - The key of a readable number is its E.164 form, `p:+447700900123`, read with libphonenumber-js
 *   (full metadata) and GB as the default region.
 * - A number only has to be *possible* (right length for its country), not *valid*: the library does
 *   not list every allocated range (Ofcom's drama ranges, for one, are not "valid" to it), and a block
 *   must not fail because the numbering plan moved on.
 * - An extension never takes part in the key: the line is blocked, whatever extension is dialled.
 * - One number written among words ("tel:", "Mobile: ... (mum)") is read, so long as no other digit
 *   is left over.
 * - Text that is not a possible number is still blocked, by all its digits (`pd:` key), with a warning.
 * - A check also looks up the `pd:` key of its own digits, so it meets an entry that could only be
 *   blocked by its digits.
 *
 * Pure: no I/O, no clock, no state between calls.
 */
import {
  findPhoneNumbersInText,
  parseIncompletePhoneNumber,
  parsePhoneNumberFromString
} from 'libphonenumber-js/max'
import type { PhoneNumber } from 'libphonenumber-js/max'
import type { DetailIssue, DetailKeys } from './detail-keys.js'

const DEFAULT_REGION = 'GB' as const

/**
 * A trailing extension: "x123", "x. 123", "ext 123", "ext. 123", "extn 123", "extension 123",
 * "ext=123" (RFC 3966 ";ext=123"), "#123", "#123#". Applied to text already trimmed at the end, and
 * written without two quantifiers over the same characters, so it cannot backtrack badly. The marker
 * must not end a word ("fax 07700900123" has no extension) and must follow some digit ("ext
 * 07700900123" is a number, not an extension).
 */
const EXTENSION = /(?<!\p{L})(?:ext(?:ension|n)?|x|#)\s*(?:[.:=]\s*)?\d+#?$/iu

/**
 * Longest text searched for a number written among words. The search costs time in proportion to
 * the text (half a second for 50,000 characters); no phone detail is anywhere near this long, and
 * longer text still falls back to its digits.
 */
const MAX_SEARCH_LENGTH = 256

/** What may stand between a number and its extension. */
const SEPARATORS = ',;'

/** Any decimal digit, in any script. */
const DIGIT = /\p{Nd}/u

/** A plus sign (ASCII or full-width) or a letter: text that is more than a bare run of digits. */
const PLUS_OR_LETTER = /[+\uFF0B\p{L}]/u

const NO_DIGITS: DetailIssue = Object.freeze({ code: 'phone_no_digits', message: 'contains no digits' })
const UNPARSED: DetailIssue = Object.freeze({
  code: 'phone_unparsed',
  message: 'could not be read as a phone number; blocked by its digits only'
})

/** Parses strictly (the whole text must be one number) and keeps the result only if possible. */
function possible (text: string): PhoneNumber | undefined {
  const n = parsePhoneNumberFromString(text, { defaultCountry: DEFAULT_REGION, extract: false })
  return n !== undefined && n.isPossible() ? n : undefined
}

/**
 * The one possible number written among words ("tel:+44 ...", "Mobile: ... (mum)"), or undefined
 * when there is none, more than one, or any digit outside it: a second number, or digits the library
 * left out, must never be dropped silently, so such text falls back to its digits with a warning.
 */
function onlyNumberIn (text: string): PhoneNumber | undefined {
  if (text.length > MAX_SEARCH_LENGTH) return undefined
  // `extended` finds numbers that are only possible, not valid (the Ofcom drama ranges)
  const found = findPhoneNumbersInText(text, { defaultCountry: DEFAULT_REGION, extended: true })
  const only = found.length === 1 ? found[0] : undefined
  if (only === undefined || !only.number.isPossible()) return undefined
  const rest = text.slice(0, only.startsAt) + text.slice(only.endsAt)
  return DIGIT.test(rest) ? undefined : only.number
}

/** The text without a trailing extension and without what separated it (spaces, commas, semicolons). */
function dropExtension (raw: string): string {
  let text = raw.trimEnd()
  const ext = EXTENSION.exec(text)
  if (ext !== null && DIGIT.test(text.slice(0, ext.index))) text = text.slice(0, ext.index)
  let end = text.length
  while (end > 0 && SEPARATORS.includes(text.charAt(end - 1))) end--
  return text.slice(0, end).trimEnd()
}

export function phoneKeys (raw: string): DetailKeys {
  const withoutExt = dropExtension(raw)
  // every Unicode decimal digit becomes an ASCII digit; the library keeps a leading plus, we drop it
  const digits = parseIncompletePhoneNumber(withoutExt).replace('+', '')
  if (digits === '') {
    return { store: [], lookup: [], warning: null, reject: NO_DIGITS }
  }
  const digitKey = 'pd:' + digits

  let parsed = possible(withoutExt) ?? onlyNumberIn(withoutExt)
  // "447700900123": a number in international form whose plus was left off. The library handles
  // +44 itself, but not other countries ("12025550123"); try it as international only when the GB
  // reading failed, so that a GB national number always keeps its GB reading, and only for bare
  // digits (with spacing and punctuation), never for digits picked out of words.
  if (parsed === undefined && !PLUS_OR_LETTER.test(withoutExt)) {
    parsed = possible('+' + digits)
  }

  if (parsed === undefined) {
    return { store: [digitKey], lookup: [digitKey], warning: UNPARSED, reject: null }
  }
  const key = 'p:' + parsed.number
  return { store: [key], lookup: [key, digitKey], warning: null, reject: null }
}

/**
 * Phone normaliser: one key for every way of writing the same number (DESIGN.md, "Matching rules";
 * issue 4).
 *
 * The work is done in three steps, kept apart so that a fast path for common notations can later go
 * in front of the library without touching the rest:
 *   1. tidy (plain string work): what a caller or an export put around the number goes. A dial
 *      prefix for caller-ID or text relay (141, 1470, #31#, 18001, 18002) before a full number;
 *      export debris (a spreadsheet's `="..."` or leading apostrophe, a float's `.0`, a stray 0
 *      before + as in `0+447700900100`, a + before the national 0 as in `+07700900100`); a trailing
 *      extension (x123, ext. 123, #123).
 *   2. read the number: letters first, when the text is a spelled number (keypad letters per ITU-T
 *      E.161, 0800 FLOWERS; or O, I and l typed for 0 and 1), then libphonenumber-js (full metadata)
 *      with GB as the default region: strictly, then one number among words, then bare digits as an
 *      international number that lost its plus (12025550123).
 *   3. key: `p:` + E.164 (`p:+447700900123`).
 *
 * - A number only has to be *possible* (right length for its country), not *valid*: the library does
 *   not list every allocated range (Ofcom's drama ranges, for one, are not "valid" to it), and a block
 *   must not fail because the numbering plan moved on.
 * - Emergency and short service numbers (999, 112, 101, 111, 116xxx, 118xxx ...) are refused: a
 *   block on them would stop nothing a victim fears and could stop a call that must go through.
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

/**
 * Prefixes a caller dials before a full number (Ofcom; BT and the mobile networks): 141 and #31#
 * withhold caller ID, 1470 sends it, 18001 and 18002 route the call through Relay UK (text relay).
 * Only before a full number (a leading 0 or +), so that a Glasgow number that lost its 0
 * (141 496 0123) or a Skye one (1470 ...) keeps its reading.
 */
const DIAL_PREFIX = /^(?:(?:18001|18002|1470|141|#31#|\*31#)[\s.-]*)+(?=[+0])/u
/** Spreadsheet exports: `="07700900123"` (a formula that keeps the 0) and a leading apostrophe. */
const FORMULA = /^=?"(.*)"$/su
const APOSTROPHE = /^'/u
/** A number exported as a float: 7700900123.0 */
const FLOAT_TAIL = /^(\+?\d{7,15})\.0$/u
/** A 0 (or 00) typed before a + and a number: 0+447700900100 (not "0+", whose 0 is all it has) */
const ZERO_BEFORE_PLUS = /^0+\s*(?=\+\s*\(?\d)/u
/** A + before the national 0 (+07700900100, +0044...): no country code starts with 0 */
const PLUS_BEFORE_ZERO = /^\+\s*(?=\(?0)/u

/**
 * Emergency and short service numbers (Ofcom, National Telephone Numbering Plan: 999 and 112
 * emergency, 101 police non-emergency, 111 NHS, 105 power cuts, 119 NHS, 100 and 155 operators, 123
 * speaking clock, 116xxx harmonised European services such as 116 123, 118xxx directory enquiries),
 * and the dial prefixes above on their own.
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

const NO_DIGITS: DetailIssue = Object.freeze({ code: 'phone_no_digits', message: 'contains no digits' })
const SHORT: DetailIssue = Object.freeze({
  code: 'phone_short_number',
  message: 'is an emergency or short service number, which cannot be blocked'
})
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

/** Step 1: the text without what a caller or an export put around the number (see the header). */
function tidy (raw: string): string {
  let text = raw.trim()
  text = (FORMULA.exec(text)?.[1] ?? text).replace(APOSTROPHE, '').trim()
  text = text.replace(ZERO_BEFORE_PLUS, '').replace(PLUS_BEFORE_ZERO, '')
  text = text.replace(DIAL_PREFIX, '')
  text = dropExtension(text)
  return FLOAT_TAIL.exec(text)?.[1] ?? text
}

/**
 * The text with its letters read as digits, when it is a spelled number; else null. Keypad letters
 * are read only when they are glued to a digit (0CAT) or when the digits before them are no number
 * on their own (0800 FLOWERS): "07700 900123 mum" is a number and a word.
 */
function spelledOut (text: string): string | null {
  const first = text.search(LETTER)
  if (first === -1) return null
  if (LOOKALIKE_DIGITS.test(text)) return text.replace(LETTERS, (letter) => DIGIT_LOOKALIKES.get(letter) ?? letter)
  if (!SPELLED.test(text)) return null
  const before = text.slice(0, first)
  if (!DIGIT_AT_END.test(before) && possible(before) !== undefined) return null
  return text.replace(LETTERS, (letter) => KEYPAD.get(letter.toUpperCase()) ?? letter)
}

/**
 * Step 2: the E.164 form of the number, or undefined. `possible` is the one strict library call; a
 * fast path for common notations belongs in front of it.
 */
function readNumber (text: string, digits: string): PhoneNumber | undefined {
  const parsed = possible(text) ?? onlyNumberIn(text)
  if (parsed !== undefined) return parsed
  // "12025550123": a number in international form whose plus was left off. The library handles
  // 44 itself, but not other countries; try it as international only when the GB reading failed,
  // so that a GB national number always keeps its GB reading, and only for bare digits (with
  // spacing and punctuation), never for digits picked out of words.
  return PLUS_OR_LETTER.test(text) ? undefined : possible('+' + digits)
}

/**
 * The fast path (issue 6): a UK number in one of the notations people write most, read without the
 * library, which takes 16-38 us a number. Only text made of digits, spaces and `+ ( ) - .` whose
 * digits are 0 + ten digits, 44 + ten, 0044 + ten, or (after a leading +) 44 + ten, optionally with
 * the (0) trunk digit after 44; the ten-digit national number must not start with 0. For every such
 * text the library gives `+44` and those ten digits (all ten-digit GB numbers are possible), and a
 * property test (test/domain/phone-fast-path.test.ts) holds the two to the same keys on hundreds of
 * thousands of generated numbers and notations. Anything else returns null and takes the full path.
 */
const FAST_CHARS = /^[\d\s+().-]{10,40}$/
const FAST_FORMS = /^(?:\+44(?:\(0\))?|0044(?:\(0\))?|44|0)([1-9]\d{9})$/

/** `text` is already tidied (step 1), as the library's path sees it. */
function fastUk (text: string): DetailKeys | null {
  if (!FAST_CHARS.test(text)) return null
  // The text without spaces, dots and hyphens; brackets are kept only as the (0) trunk digit.
  const compact = text.replace(/[\s.-]/g, '')
  const unbracketed = compact.startsWith('(') ? compact.replace(/^\((0\d{3,4})\)/, '$1') : compact
  const form = FAST_FORMS.exec(unbracketed)
  if (form === null) return null
  const key = 'p:+44' + (form[1] as string)
  return { store: [key], lookup: [key, 'pd:' + text.replace(/\D/g, '')], warning: null, reject: null }
}

/** The fast path alone: keys, or null where it steps aside (for the property test). */
export function fastUkKeys (raw: string): DetailKeys | null {
  return fastUk(tidy(raw))
}

export function phoneKeys (raw: string): DetailKeys {
  const text = tidy(raw)
  return fastUk(text) ?? readKeys(text)
}

/** Every notation, through the library: the reference the fast path is held to. */
export function fullPhoneKeys (raw: string): DetailKeys {
  return readKeys(tidy(raw))
}

function readKeys (tidied: string): DetailKeys {
  let text = tidied
  // every Unicode decimal digit becomes an ASCII digit; the library keeps a leading plus, we drop it
  let digits = parseIncompletePhoneNumber(text).replace('+', '')
  const spelled = spelledOut(text)
  let parsed: PhoneNumber | undefined
  if (spelled !== null) {
    parsed = possible(spelled)
    if (parsed !== undefined) {
      text = spelled
      digits = parseIncompletePhoneNumber(spelled).replace('+', '')
    }
  }
  if (digits === '') return { store: [], lookup: [], warning: null, reject: NO_DIGITS }
  if (SHORT_NUMBERS.has(digits) || SHORT_SERIES.test(digits)) return { store: [], lookup: [], warning: null, reject: SHORT }
  const digitKey = 'pd:' + digits
  parsed ??= readNumber(text, digits)
  if (parsed === undefined) {
    return { store: [digitKey], lookup: [digitKey], warning: UNPARSED, reject: null }
  }
  const key = 'p:' + parsed.number
  return { store: [key], lookup: [key, digitKey], warning: null, reject: null }
}

/**
 * Phone numbers, step 1: the text without what a caller, a switch or an export put around the
 * numbers it holds. Plain string work, no library call.
 *
 * - Folding (fold.ts): full-width and other compatibility forms, every decimal digit of any script
 *   to ASCII, format characters (zero-width, bidi) dropped.
 * - Percent-escapes (a SIP user part carries `%2B447700900123`; a query string that fastify could
 *   not decode arrives raw): every `%XX` is decoded; an escape that is not valid UTF-8 becomes a
 *   space, so its hex digits never join the number. Never throws.
 * - `tel:` and `sip:` URIs (RFC 3966, RFC 3261), and a SIP address without its scheme
 *   (447700900123@10.0.0.1): the scheme, a SIP host and every parameter go;
 *   `;phone-context=+CC` is read as the country of a local number. Parsed here so that the library
 *   never sees `;phone-context=`, the one input on which libphonenumber-js 1.13 keeps state between
 *   calls.
 * - Export debris: a spreadsheet's `="..."` or leading apostrophe, a float's `.0`, a stray 0 before
 *   + (0+447700900100), a + before the national 0 (+07700900100), a doubled + (++44).
 * - A dial prefix for caller ID or text relay (141, 1470, #31#, *31#, 18001, 18002) before a full
 *   number (a leading 0 or +), so that a Glasgow number that lost its 0 (141 496 0123) keeps its
 *   reading.
 * - A trailing extension (x123, ext. 123, extension 123, ;ext=123). A `#123` tail is left to the
 *   reader, because `#` also stands between digits (07700#900123).
 * - Other readings (`tidyReadings`): the text as a screen shows it when a right-to-left override or
 *   isolate reorders it, and, for a + before a 0 and a digit (`+044 7700 ...`), the 0 read as the +.
 *
 * Pure: no I/O, no state between calls.
 */
import { foldText } from './fold.js'

const NOT_DIGITS = /\D/g

/** A run of percent-escapes. */
const ESCAPES = /(?:%[0-9A-Fa-f]{2})+/g
const ONE_ESCAPE = /%([0-9A-Fa-f]{2})/g
/** Double-encoded text (%252B) is decoded this many times at most. */
const DECODE_PASSES = 3

/** Each escape on its own: ASCII bytes decoded, any other byte a space. */
function decodeBytes (run: string): string {
  return run.replace(ONE_ESCAPE, (_, hex: string) => {
    const byte = Number.parseInt(hex, 16)
    return byte < 0x80 ? String.fromCharCode(byte) : ' '
  })
}

function decodeRun (run: string): string {
  try {
    return decodeURIComponent(run)
  } catch {
    return decodeBytes(run)
  }
}

/** The text with its percent-escapes decoded (see the header). */
export function decodeEscapes (text: string): string {
  let out = text
  for (let pass = 0; pass < DECODE_PASSES && out.includes('%'); pass++) {
    const next = out.replace(ESCAPES, decodeRun)
    if (next === out) break
    out = next
  }
  return out
}

/** `tel:`, `sip:` or `sips:` at the start; or a number and nothing but RFC 3966 parameters after it. */
const URI_SCHEME = /^(tel|sips?):/i
const URI_PARAMETERS = /^[^;\p{L}]*(?:;\s*\p{L}[\p{L}\d-]*\s*=[^;]*)+$/u
/**
 * A SIP address without its scheme: a user part, @, and a host that is a domain name (its first
 * label with a letter), an IPv4 address or a bracketed IPv6 address, with an optional port and
 * parameters. `07700@900123` and `+33.1.99.00@12.34` have no host: they are numbers.
 */
const SIP_WITHOUT_SCHEME = /^([^@\s:;]+)@(?:[A-Za-z\d-]*[A-Za-z][A-Za-z\d-]*(?:\.[A-Za-z\d-]+)+|\d{1,3}(?:\.\d{1,3}){3}|\[[\dA-Fa-f:.]+\])(?::\d+)?(?:;.*)?$/su
/** Digits the user part of such an address needs: a number's worth */
const SIP_USER_DIGITS = 7
/** A global phone-context: + and a country code with visual separators (RFC 3966 section 5.1.5). */
const GLOBAL_CONTEXT = /^\+[\d().\s-]+$/

/**
 * The number an RFC 3966 `tel:` URI (or a SIP URI's user part) holds: the scheme, the SIP host and
 * every parameter dropped; a local number with a global `phone-context` gets that country code in
 * front. A text that is no URI is returned as it is.
 */
export function fromUri (text: string): string {
  const sip = SIP_WITHOUT_SCHEME.exec(text)
  if (sip !== null && (sip[1] ?? '').replace(NOT_DIGITS, '').length >= SIP_USER_DIGITS) return fromUri(`sip:${text}`)
  const scheme = URI_SCHEME.exec(text)
  if (scheme === null && !(text.includes(';') && URI_PARAMETERS.test(text))) return text
  let body = scheme === null ? text : text.slice(scheme[0].length)
  if (scheme !== null && scheme[1]?.toLowerCase() !== 'tel') {
    const at = body.indexOf('@')
    if (at !== -1) body = body.slice(0, at)
  }
  const [number = '', ...parameters] = body.split(';')
  if (number.trimStart().startsWith('+')) return number
  for (const parameter of parameters) {
    const equals = parameter.indexOf('=')
    if (equals === -1 || parameter.slice(0, equals).trim().toLowerCase() !== 'phone-context') continue
    const context = parameter.slice(equals + 1).trim()
    if (GLOBAL_CONTEXT.test(context)) return `${context} ${number}`
  }
  return number
}

/**
 * A trailing extension: "x123", "x. 123", "ext 123", "ext. 123", "extn 123", "extension 123",
 * "ext=123". Applied to text already trimmed at the end, and written without two quantifiers over
 * the same characters, so it cannot backtrack badly. The marker must not end a word ("fax
 * 07700900123" has no extension) and must follow a number's worth of digits ("ext 07700900123"
 * and "07700x900123" are numbers); an extension has at most six digits ("0161 496 0000 ext
 * 07700900123" holds two numbers).
 */
const EXTENSION = /(?<!\p{L})(?:ext(?:ension|n)?|x)\s*(?:[.:=]\s*)?\d{1,6}$/iu
/** What may stand between a number and its extension. */
const SEPARATORS = ',;'
/** Digits before the marker for it to mark an extension: 07700x900123 is one number. */
const EXTENSION_AFTER = 7

/** The text without a trailing extension and without what separated it (spaces, commas, semicolons). */
function dropExtension (raw: string): string {
  let text = raw.trimEnd()
  const ext = EXTENSION.exec(text)
  if (ext !== null && text.slice(0, ext.index).replace(NOT_DIGITS, '').length >= EXTENSION_AFTER) text = text.slice(0, ext.index)
  let end = text.length
  while (end > 0 && SEPARATORS.includes(text.charAt(end - 1))) end--
  return text.slice(0, end).trimEnd()
}

/**
 * Prefixes a caller dials before a full number (Ofcom; BT and the mobile networks): 141 and #31#
 * withhold caller ID, 1470 sends it, 18001 and 18002 route the call through Relay UK (text relay).
 */
const DIAL_PREFIX = /^(?:(?:18001|18002|1470|141|#31#|\*31#)[\s.-]*)+(?=[+0])/u
/** The same prefixes as digit groups, for a number that starts after words. */
export const DIAL_PREFIX_GROUPS: ReadonlySet<string> = new Set(['141', '1470', '18001', '18002'])
/** Spreadsheet exports: `="07700900123"` (a formula that keeps the 0) and a leading apostrophe. */
const FORMULA = /^=?"(.*)"$/su
const APOSTROPHE = /^'/u
/** A number exported as a float: 7700900123.0 */
const FLOAT_TAIL = /^(\+?\d{7,15})\.0$/u
/** A 0 (or 00) typed before a + and a number: 0+447700900100 (not "0+", whose 0 is all it has) */
const ZERO_BEFORE_PLUS = /^0+\s*(?=\+\s*\(?\d)/u
/** A + before the national 0 (+07700900100, +0044...): no country code starts with 0 */
const PLUS_BEFORE_ZERO = /^\+\s*(?=\(?0)/u
/** A + typed twice or more (++44) */
const PLUSES = /\+(?:\s*\+)+/g

/** Step 1: the text without what a caller, a switch or an export put around the number (see the header). */
export function tidy (raw: string): string {
  return tidied(raw).text
}

/** A + before a 0 and a digit that is no 0: `+044 7700 ...` may be +44 as well as debris. */
const PLUS_ZERO = /^\+\s*0[1-9]/u
const ZERO_THEN_CODE = /^0[1-9]/u

/** Right-to-left override (RLO) and its end (PDF), right-to-left isolate (RLI) and embedding (RLE) and theirs (PDI, PDF). */
const OVERRIDE_RUN = /\u202E([^\u202C\n]*)/gu
const RTL_RUN = /[\u2067\u202B]([^\u2069\u202C\n]*)/gu
const DIGIT_RUNS = /\d+|\D/gu

/**
 * The text as a screen shows it, when right-to-left marks reorder it; null when there is none. After
 * an override (RLO) every character is shown in reverse order (`\u202E321009 00770` shows as 07700
 * 900123); in a right-to-left isolate or embedding (RLI, RLE) the digit runs keep their order and
 * everything around them is reversed (`\u2067900123 07700`). A run ends at its closing mark or a line
 * break; nesting is not followed.
 */
export function visualOrder (raw: string): string | null {
  if (!raw.includes('\u202E') && !raw.includes('\u2067') && !raw.includes('\u202B')) return null
  return raw
    .replace(OVERRIDE_RUN, (_, run: string) => [...run].reverse().join(''))
    .replace(RTL_RUN, (_, run: string) => (run.match(DIGIT_RUNS) ?? []).reverse().join(''))
}

/**
 * The tidied text, and the other texts a field may be read as: the text in the order a screen shows
 * it (right-to-left marks), and, when a + stood before a 0 (`+044 7700 900123`), the text with that 0
 * read as the +: `unread` readings are for when the text as written holds no number.
 */
export function tidyReadings (raw: string): { text: string, also: string[], unread: string[] } {
  const { text, plusZero } = tidied(raw)
  const visual = visualOrder(raw)
  const also = visual === null ? [] : [tidy(visual)].filter((other) => other !== text)
  const unread = plusZero && ZERO_THEN_CODE.test(text) ? ['+' + text.slice(1)] : []
  return { text, also, unread }
}

function tidied (raw: string): { text: string, plusZero: boolean } {
  let text = foldText(raw)
  if (text.includes('%')) {
    const decoded = decodeEscapes(text)
    if (decoded !== text) text = foldText(decoded)
  }
  text = fromUri(text.trim()).trim()
  text = (FORMULA.exec(text)?.[1] ?? text).replace(APOSTROPHE, '').trim()
  const plusZero = PLUS_ZERO.test(text)
  if (text.includes('+')) text = text.replace(PLUSES, '+').replace(ZERO_BEFORE_PLUS, '').replace(PLUS_BEFORE_ZERO, '')
  text = text.replace(DIAL_PREFIX, '')
  text = dropExtension(text)
  return { text: FLOAT_TAIL.exec(text)?.[1] ?? text, plusZero }
}

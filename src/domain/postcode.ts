/**
 * UK postcodes: finding one in an address and reducing it to its key form (`LS14AP`).
 *
 * A postcode is an outward code (A9, A99, AA9, AA99, A9A or AA9A) and an inward code (9AA). Because the
 * format fixes which positions are letters and which are digits, a letter/digit confusion made by hand
 * or by a scanner (LSI 4AP, LS1 4AP) can be undone where the position says what it must be. A correction
 * is accepted only when the result is a well-formed postcode in a real postcode area, so that ordinary
 * words and house numbers are not turned into postcodes.
 */

/** A postcode found in a text: its key and the span of the text it was read from. */
export interface PostcodeMatch {
  /** key form: uppercase, no space, e.g. `LS14AP` */
  postcode: string
  /** index of the first character of the postcode as written */
  start: number
  /** index just past its last character */
  end: number
}

/*
 * Position classes. `A` is any letter (the area is checked against AREAS afterwards), `9` a digit,
 * `T` and `F` the third letter of an A9A district and the fourth of an AA9A district, `I` an inward
 * letter. The letter sets are Royal Mail's: the inward code never uses C I K M O V.
 */
const POSITION_CLASSES = new Map<string, string>([
  ['A', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'],
  ['9', '0123456789'],
  ['T', 'ABCDEFGHJKPSTUW'],
  ['F', 'ABEHMNPRVWXY'],
  ['I', 'ABDEFGHJLNPQRSTUWXYZ']
])

// Outward A9, A99, AA9, AA99, A9A, AA9A, each followed by the inward 9AA. Shorter formats first, so a
// tie in the number of corrections goes to the simpler reading.
const FORMATS = ['A9', 'A99', 'AA9', 'AA99', 'A9T', 'AA9F'].map((outward) => `${outward}9II`)

// The confusions the brief names: what a digit written where a letter must be was meant to be, and back.
const AS_LETTER = new Map([['0', 'O'], ['1', 'I'], ['5', 'S'], ['8', 'B'], ['2', 'Z']])
const AS_DIGIT = new Map([['O', '0'], ['I', '1'], ['L', '1'], ['S', '5'], ['B', '8'], ['Z', '2']])

/*
 * The postcode areas of the UK, plus the Crown Dependencies that use the same format (GY, JE, IM) and
 * BFPO (BF). Checking the area is what stops "ELIAS" or "85 OLD" from being read as a postcode.
 */
const AREAS = new Set([
  'AB', 'AL', 'B', 'BA', 'BB', 'BD', 'BH', 'BL', 'BN', 'BR', 'BS', 'BT', 'CA', 'CB', 'CF', 'CH', 'CM',
  'CO', 'CR', 'CT', 'CV', 'CW', 'DA', 'DD', 'DE', 'DG', 'DH', 'DL', 'DN', 'DT', 'DY', 'E', 'EC', 'EH',
  'EN', 'EX', 'FK', 'FY', 'G', 'GL', 'GU', 'HA', 'HD', 'HG', 'HP', 'HR', 'HS', 'HU', 'HX', 'IG', 'IP',
  'IV', 'KA', 'KT', 'KW', 'KY', 'L', 'LA', 'LD', 'LE', 'LL', 'LN', 'LS', 'LU', 'M', 'ME', 'MK', 'ML',
  'N', 'NE', 'NG', 'NN', 'NP', 'NR', 'NW', 'OL', 'OX', 'PA', 'PE', 'PH', 'PL', 'PO', 'PR', 'RG', 'RH',
  'RM', 'S', 'SA', 'SE', 'SG', 'SK', 'SL', 'SM', 'SN', 'SO', 'SP', 'SR', 'SS', 'ST', 'SW', 'SY', 'TA',
  'TD', 'TF', 'TN', 'TQ', 'TR', 'TS', 'TW', 'UB', 'W', 'WA', 'WC', 'WD', 'WF', 'WN', 'WR', 'WS', 'WV',
  'YO', 'ZE',
  'GY', 'JE', 'IM', 'BF'
])

/*
 * More than two corrections and the "postcode" is mostly our own invention. A postcode always starts
 * with a letter and always has digits: a candidate starting with a digit is a house number, and one
 * with no digit at all is a word, whatever the corrections could make of them.
 */
const MAX_CORRECTIONS = 2
const STARTS_WITH_LETTER = /^[A-Z]/
const HAS_DIGIT = /[0-9]/
const NOT_ALPHANUMERIC = /[^A-Z0-9]+/g

// A postcode may be split over two tokens ("LS1 4AP") but never over a line (findPostcode).
const LINE_BREAK = /[,\n\r\u2028\u2029]/
const NON_ASCII = /[^\x00-\x7F]/

interface Reading {
  postcode: string
  corrections: number
}

/**
 * The key form of a postcode written in any case and spacing, correcting letter/digit confusions where
 * the format allows only one reading; null when the text is not a postcode.
 */
export function normalisePostcode(text: string): string | null {
  // ASCII is its own NFKC form; only non-ASCII text pays for normalize()
  const plain = NON_ASCII.test(text) ? text.normalize('NFKC') : text
  return readCompact(plain.toUpperCase().replace(NOT_ALPHANUMERIC, ''))
}

/** normalisePostcode of text that is already uppercase A-Z and 0-9 only. */
function readCompact(compact: string): string | null {
  return bestReading(compact)?.postcode ?? null
}

/** The reading of uppercase A-Z0-9 text with the fewest corrections, if it has at most MAX_CORRECTIONS. */
function bestReading(compact: string): Reading | null {
  // every format is 5 to 7 characters long (A9 9AA to AA9A 9AA)
  if (compact.length < 5 || compact.length > 7) return null
  if (!STARTS_WITH_LETTER.test(compact) || !HAS_DIGIT.test(compact)) return null
  let best: Reading | null = null
  for (const format of FORMATS) {
    const reading = readAs(compact, format)
    if (reading !== null && (best === null || reading.corrections < best.corrections)) best = reading
  }
  return best !== null && best.corrections <= MAX_CORRECTIONS ? best : null
}

/** A postcode read from words: its key, the words it took (first..last) and what of the first word stays. */
export interface PostcodeWords {
  postcode: string
  first: number
  last: number
  /** the start of the first word when the postcode was glued to it (`YORK` of `YORKYO104DD`), else '' */
  kept: string
}

/** A postcode split over at most this many words (LS 1 4 AP). */
const MAX_WORDS = 4
const LETTERS_ONLY = /^[A-Z]+$/
const ALPHANUMERIC = /^[A-Z0-9]+$/

/**
 * Every postcode in a list of uppercase words, the last first, at most `limit`, none sharing a word.
 * A postcode may be split over up to four words, but only where its format has a seam: after the
 * area (LS 14AP), between outward and inward code (LS1 4AP) and after the inward digit (LS1 4 AP).
 * Two words may stand on two lines (`line` gives each word's line) only when the line breaks between
 * the outward and the inward code. A postcode glued to the word before it (YORKYO104DD, typed without
 * spaces) is read when it needs no correction and what is left of the word is letters.
 */
export function findPostcodes(words: readonly string[], line: readonly number[], limit: number): PostcodeWords[] {
  const found: PostcodeWords[] = []
  let last = words.length - 1
  while (last >= 0 && found.length < limit) {
    const match = postcodeEndingAt(words, line, last)
    if (match === null) {
      last--
      continue
    }
    found.push(match)
    last = match.first - 1
  }
  return found
}

/** The postcode whose last word is words[last], with the fewest corrections (then the fewest words). */
function postcodeEndingAt(words: readonly string[], line: readonly number[], last: number): PostcodeWords | null {
  let best: { match: PostcodeWords, corrections: number } | null = null
  let length = 0
  for (let first = last; first >= 0 && last - first < MAX_WORDS; first--) {
    const word = words[first] ?? ''
    if (!ALPHANUMERIC.test(word)) break
    length += word.length
    if (length > 7) return best === null && first === last ? glued(word, first) : best?.match ?? null
    if (length < 5) continue
    const window = words.slice(first, last + 1)
    const reading = bestReading(window.join(''))
    if (reading === null || (best !== null && reading.corrections >= best.corrections)) continue
    // words put together and corrected twice are more likely words than a postcode (No. 0F2)
    if (first < last && reading.corrections > 1) continue
    if (!seamsFit(reading.postcode, window, line.slice(first, last + 1))) continue
    best = { match: { postcode: reading.postcode, first, last, kept: '' }, corrections: reading.corrections }
  }
  return best?.match ?? null
}

/**
 * Do the seams between the words stand where the format has one? The area ends at its last letter,
 * the outward code three characters before the end, the inward digit two before it; a line may only
 * break between outward and inward code.
 */
function seamsFit(postcode: string, window: readonly string[], lines: readonly number[]): boolean {
  if (window.length === 1) return true
  const outward = postcode.length - 3
  let area = 0
  while (area < postcode.length && isUpperLetter(postcode.charCodeAt(area))) area++
  const seams: number[] = []
  let at = 0
  for (let i = 1; i < window.length; i++) {
    at += (window[i - 1] as string).length
    if (at !== area && at !== outward && at !== outward + 1) return false
    if (lines[i] !== lines[i - 1] && at !== outward) return false
    seams.push(at)
  }
  // cut after the area and after the inward digit but not between the codes: B 14 ST is a flat
  // letter, a house number and a word far more often than B1 4ST
  return !(seams.includes(area) && seams.includes(outward + 1) && !seams.includes(outward))
}

/** A postcode at the end of a longer word, with no correction; the rest of the word must be letters. */
function glued(word: string, at: number): PostcodeWords | null {
  for (let length = 7; length >= 5; length--) {
    const kept = word.slice(0, word.length - length)
    if (kept.length < 2 || !LETTERS_ONLY.test(kept)) continue
    const reading = bestReading(word.slice(-length))
    if (reading !== null && reading.corrections === 0) return { postcode: reading.postcode, first: at, last: at, kept }
  }
  return null
}

/**
 * The last postcode in a text (an envelope ends with its postcode), with its span so that the caller
 * can cut it out. Spans are indices into `text` as given; full-width forms should be NFKC-normalised
 * by the caller first.
 */
export function findPostcode(text: string): PostcodeMatch | null {
  // Tokens (runs of A-Z, a-z, 0-9) read from the end; each is tried alone, then with the token
  // before it unless a line break stands between them (MAX_TOKENS is two).
  let end = text.length
  let laterStart = -1
  let laterEnd = -1
  let later = ''
  while (end > 0) {
    while (end > 0 && !isTokenChar(text.charCodeAt(end - 1))) end--
    if (end === 0) break
    let start = end - 1
    while (start > 0 && isTokenChar(text.charCodeAt(start - 1))) start--
    const token = text.slice(start, end)
    if (laterStart >= 0 && !LINE_BREAK.test(text.slice(end, laterStart))) {
      const postcode = readToken(token + later)
      if (postcode !== null) return { postcode, start, end: laterEnd }
    }
    const postcode = readToken(token)
    if (postcode !== null) return { postcode, start, end }
    later = token
    laterStart = start
    laterEnd = end
    end = start
  }
  return null
}

function isUpperLetter(c: number): boolean {
  return c >= 0x41 && c <= 0x5a
}

function isTokenChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
}

/** normalisePostcode of ASCII letters and digits. */
function readToken(token: string): string | null {
  return token.length < 5 || token.length > 7 ? null : readCompact(token.toUpperCase())
}

/** Reads `compact` in one format, counting the corrections needed; null if it cannot be read so. */
function readAs(compact: string, format: string): Reading | null {
  if (compact.length !== format.length) return null
  // the text as written, rebuilt only where a position corrects it
  let postcode = compact
  let corrections = 0
  for (let i = 0; i < format.length; i++) {
    const written = compact.charAt(i)
    const char = fitPosition(written, format.charAt(i))
    if (char === null) return null
    if (char !== written) {
      corrections++
      postcode = postcode.slice(0, i) + char + postcode.slice(i + 1)
    }
  }
  // the area: the letters the postcode starts with (one or two, as every format starts)
  let letters = 0
  while (letters < postcode.length && isUpperLetter(postcode.charCodeAt(letters))) letters++
  return AREAS.has(postcode.slice(0, letters)) ? { postcode, corrections } : null
}

/** The character as it must be read in a position of class `position`, or null if it cannot be. */
function fitPosition(char: string, position: string): string | null {
  const allowed = POSITION_CLASSES.get(position)
  // one character, never the empty string, which every string includes
  if (allowed === undefined || char.length !== 1) return null
  if (allowed.includes(char)) return char
  const corrected = position === '9' ? AS_DIGIT.get(char) : AS_LETTER.get(char)
  return corrected !== undefined && allowed.includes(corrected) ? corrected : null
}

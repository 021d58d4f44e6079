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

/*
 * Letter/digit confusions of hand and scanner: what a digit written where a letter must be may have
 * been meant as, and back. A digit with several letters (0 for O, D or Q) is read only where one of
 * them fits the position; in the area, where the area must also be real (1S is LS, never IS).
 */
const AS_LETTER = new Map([['0', 'ODQ'], ['1', 'IL'], ['2', 'Z'], ['4', 'A'], ['5', 'S'], ['6', 'G'], ['7', 'T'], ['8', 'B']])
const AS_DIGIT = new Map([['O', '0'], ['D', '0'], ['Q', '0'], ['I', '1'], ['L', '1'], ['Z', '2'], ['A', '4'], ['S', '5'],
  ['G', '6'], ['T', '7'], ['B', '8']])

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
 * More than two corrections and the "postcode" is mostly our own invention. A postcode always has
 * digits: a candidate with no digit at all is a word, whatever the corrections could make of it. It
 * always starts with a letter: a candidate starting with a digit is read only when that digit is its
 * one correction (8S1 4DJ, 611 5RD), so that a house number and a word (85 OLD) are never read.
 */
const MAX_CORRECTIONS = 2
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
  if (compact.length < 5 || compact.length > 7 || !HAS_DIGIT.test(compact)) return null
  const digitFirst = !isUpperLetter(compact.charCodeAt(0))
  let best: Reading | null = null
  for (const format of FORMATS) {
    const reading = readAs(compact, format)
    if (reading !== null && (best === null || reading.corrections < best.corrections)) best = reading
  }
  if (best === null || best.corrections > (digitFirst ? 1 : MAX_CORRECTIONS)) return null
  return best
}

/** A postcode read from words: its key, the words it took (first..last) and what of the first word stays. */
export interface PostcodeWords {
  postcode: string
  first: number
  last: number
  /** the start of the first word when the postcode was glued to it (`YORK` of `YORKYO104DD`), else '' */
  kept: string
  /** a longer reading split elsewhere, as likely as this one (LS14AP of L S14AP), for a check to try too */
  also?: string
}

/** A postcode split over at most this many words (L S 1 4 A P): one a character. */
const MAX_WORDS = 7
const LETTERS_ONLY = /^[A-Z]+$/
const ALPHANUMERIC = /^[A-Z0-9]+$/
const NUMBER = /^[0-9]{2,}$/

/**
 * Every postcode in a list of uppercase words, the last first, at most `limit`, none sharing a word.
 * A postcode may be split over up to seven words. Split only where its format has a seam (after the
 * area, between outward and inward code, after the inward digit), it may need one correction; split
 * anywhere else (L S14AP, YO1 04DD, G1 15RD), it must need none and hold no word of two digits or
 * more, which is a house number (B 14 ST is a flat, a number and a word, not B1 4ST). Two words may
 * stand on two lines (`line` gives each word's line) only when the line breaks between outward and
 * inward code. A postcode glued to the word before it (YORKYO104DD, typed without spaces) is read
 * when it needs no correction and what is left of the word is letters. Linear in the words: each
 * word ends at most MAX_WORDS windows of at most seven characters.
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

/**
 * The postcode whose last word is words[last], with the fewest corrections; among those, a reading
 * split at the format's seams stands, and one split elsewhere gives way to a longer one (S 1 4 A P
 * inside L S 1 4 A P). A longer reading split elsewhere beside one that stands (L S14AP, E N1 4AP)
 * cannot be told from it and is kept as `also`.
 */
function postcodeEndingAt(words: readonly string[], line: readonly number[], last: number): PostcodeWords | null {
  let best: { match: PostcodeWords, corrections: number, regular: boolean } | null = null
  let also: string | undefined
  let length = 0
  let joined = ''
  for (let first = last; first >= 0 && last - first < MAX_WORDS; first--) {
    const word = words[first] ?? ''
    if (!ALPHANUMERIC.test(word)) break
    length += word.length
    if (length > 7) break
    joined = word + joined
    if (length < 5) continue
    const reading = bestReading(joined)
    if (reading === null) continue
    if (best !== null && reading.corrections > best.corrections) continue
    if (!isUpperLetter(joined.charCodeAt(0)) && !digitFirstFits(joined, words, first, last)) continue
    const seams = first === last ? 'regular' : seamsFit(reading.postcode, words, line, first, last)
    // words put together and corrected twice are more likely words than a postcode (No. 0F2)
    if (seams === null || (first < last && reading.corrections > (seams === 'regular' ? 1 : 0))) continue
    if (best !== null && reading.corrections === best.corrections && best.regular) {
      if (seams === 'irregular') also = reading.postcode
      continue
    }
    best = { match: { postcode: reading.postcode, first, last, kept: '' }, corrections: reading.corrections, regular: seams === 'regular' }
  }
  if (best === null) return length > 7 && words[last] !== undefined && (words[last] as string).length > 7 ? glued(words[last] as string, last) : null
  return also === undefined ? best.match : { ...best.match, also }
}

/**
 * A reading whose first character was a digit (read as a letter) stands only when that digit is
 * clearly part of the outward code: a letter follows it there (8S1 4DJ), or the outward code is a
 * word of its own before the inward code (611 5RD). A house number before a word (100 St, 111th)
 * is never read.
 */
function digitFirstFits(joined: string, words: readonly string[], first: number, last: number): boolean {
  if (first === last) return HAS_LETTER.test(joined.slice(0, -3))
  return last === first + 1 && (words[first] as string).length === joined.length - 3
}

const HAS_LETTER = /[A-Z]/

/**
 * Where the seams between words[first..last] stand: 'regular' when each is at one of the format's
 * (the area's end, three characters before the end, two before it), 'irregular' when any is elsewhere
 * and the words may still be a postcode, null when they may not. A line may only break between
 * outward and inward code.
 */
function seamsFit(postcode: string, words: readonly string[], lines: readonly number[], first: number, last: number): 'regular' | 'irregular' | null {
  const outward = postcode.length - 3
  let area = 0
  while (area < postcode.length && isUpperLetter(postcode.charCodeAt(area))) area++
  let regular = true
  let afterArea = false
  let afterInward = false
  let betweenCodes = false
  let at = 0
  for (let i = first; i < last; i++) {
    const word = words[i] as string
    at += word.length
    if (lines[i + 1] !== lines[i] && at !== outward) return null
    if (at === area) afterArea = true
    else if (at === outward) betweenCodes = true
    else if (at === outward + 1) afterInward = true
    else regular = false
  }
  if (!regular) {
    for (let i = first; i <= last; i++) if (NUMBER.test(words[i] as string)) return null
    return 'irregular'
  }
  // cut after the area and after the inward digit but not between the codes: B 14 ST is a flat
  // letter, a house number and a word far more often than B1 4ST
  return afterArea && afterInward && !betweenCodes ? null : 'regular'
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

/**
 * Reads `compact` in one format, counting the corrections needed; null if it cannot be read so, or
 * only in more than one way. The area's letters are tried in each reading a digit could be; every
 * other position has at most one.
 */
function readAs(compact: string, format: string): Reading | null {
  if (compact.length !== format.length) return null
  // the area: the format's leading letters (one or two)
  const areaLength = format.charAt(1) === 'A' ? 2 : 1
  let rest = ''
  let corrections = 0
  for (let i = areaLength; i < format.length; i++) {
    const written = compact.charAt(i)
    const options = fitPosition(written, format.charAt(i))
    if (options.length !== 1) return null
    if (options !== written) corrections++
    rest += options
  }
  let found: Reading | null = null
  for (const first of fitPosition(compact.charAt(0), 'A')) {
    for (const second of areaLength === 2 ? fitPosition(compact.charAt(1), 'A') : ['']) {
      const area = first + second
      if (!AREAS.has(area)) continue
      // two real areas from one text (0L: OL or DL) are a guess
      if (found !== null) return null
      const changed = (first !== compact.charAt(0) ? 1 : 0) + (areaLength === 2 && second !== compact.charAt(1) ? 1 : 0)
      found = { postcode: area + rest, corrections: corrections + changed }
    }
  }
  return found
}

/** The characters `char` may be read as in a position of class `position`: itself, its corrections, or none. */
function fitPosition(char: string, position: string): string {
  const allowed = POSITION_CLASSES.get(position)
  // one character, never the empty string, which every string includes
  if (allowed === undefined || char.length !== 1) return ''
  if (allowed.includes(char)) return char
  const corrected = (position === '9' ? AS_DIGIT.get(char) : AS_LETTER.get(char)) ?? ''
  let options = ''
  for (const option of corrected) if (allowed.includes(option)) options += option
  return options
}

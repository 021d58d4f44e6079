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
const OUTWARDS = ['A9', 'A99', 'AA9', 'AA99', 'A9T', 'AA9F']
const INWARD = '9II'

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

/**
 * The postcode two words of letters alone may be, with every digit scanned as a letter (HGI IRZ,
 * HGl lRZ): an outward code of two to four characters and an inward code of three, in a real area,
 * with at most MAX_CORRECTIONS. Never found by findPostcodes (a postcode has a digit); a check tries
 * it as another postcode, an entry never stores it. Null when the words cannot be one.
 */
export function scannedPostcode(outward: string, inward: string): string | null {
  if (outward.length < 2 || outward.length > 4 || inward.length !== 3 || !LETTERS_ONLY.test(outward) || !LETTERS_ONLY.test(inward)) return null
  return bestReading(outward + inward, true)?.postcode ?? null
}

/** The reading of uppercase A-Z0-9 text with the fewest corrections, if it has at most MAX_CORRECTIONS. */
function bestReading(compact: string, lettersOnly = false): Reading | null {
  // every format is 5 to 7 characters long (A9 9AA to AA9A 9AA)
  if (compact.length < 5 || compact.length > 7 || (!lettersOnly && !HAS_DIGIT.test(compact))) return null
  // the inward code is the same in every format: read it once, and most words stop here
  const cut = compact.length - 3
  const inward = readAs(compact, INWARD, cut, '')
  if (inward === null) return null
  const digitFirst = !isUpperLetter(compact.charCodeAt(0))
  let best: Reading | null = null
  for (const format of OUTWARDS) {
    if (format.length !== cut) continue
    const reading = readArea(compact, format, inward)
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
  // each word's digit positions as bits, -1 for a word that is not letters and digits or is too long
  const masks = words.map(digitMask)
  // a run of words repeated is read once
  const readings = new Map<string, Reading | null>()
  const found: PostcodeWords[] = []
  let last = words.length - 1
  while (last >= 0 && found.length < limit) {
    const match = postcodeEndingAt(words, masks, line, last, readings)
    if (match === null) {
      last--
      continue
    }
    found.push(match)
    last = match.first - 1
  }
  return found
}

/** The word's digit positions as bits; -1 when it holds anything but A-Z and 0-9, or is longer than 7. */
function digitMask(word: string): number {
  if (word.length > 7) return ALPHANUMERIC.test(word) ? -2 : -1
  let mask = 0
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i)
    if (c >= 0x30 && c <= 0x39) mask |= 1 << i
    else if (!isUpperLetter(c)) return -1
  }
  return mask
}

/**
 * The postcode whose last word is words[last], with the fewest corrections; among those, a reading
 * split at the format's seams stands, and one split elsewhere gives way to a longer one (S 1 4 A P
 * inside L S 1 4 A P). A longer reading split elsewhere beside one that stands (L S14AP, E N1 4AP)
 * cannot be told from it and is kept as `also`. The run's digits are tracked as bits, so that a run
 * that no format fits is never put together as a string.
 */
function postcodeEndingAt(words: readonly string[], masks: readonly number[], line: readonly number[], last: number,
  readings: Map<string, Reading | null>): PostcodeWords | null {
  let best: { match: PostcodeWords, corrections: number, regular: boolean } | null = null
  let also: string | undefined
  let length = 0
  let digits = 0
  // the seams so far, as bits of how many characters stand after each
  let cuts = 0
  for (let first = last; first >= 0 && last - first < MAX_WORDS; first--) {
    const mask = masks[first] as number
    if (mask === -2 && first === last) return glued(words[last] as string, last)
    if (mask < 0) break
    const word = words[first] as string
    if (first < last) cuts |= 1 << length
    digits = mask | (digits << word.length)
    length += word.length
    if (length > 7) break
    if (length < 5 || digits === 0) continue
    // words put together need at most one correction, and none unless every seam can be a format's
    if (first < last && fewestMisfits(digits, length) > ((cuts & ~regularSeams(length)) === 0 ? 1 : 0)) continue
    const joined = first === last ? word : words.slice(first, last + 1).join('')
    let reading = readings.get(joined)
    if (reading === undefined) {
      reading = bestReading(joined)
      readings.set(joined, reading)
    }
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
  if (best === null) return null
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

/** For each length, 5 to 7, the digit positions of each format, as bits (bit i: position i is a digit). */
const DIGIT_MASKS: readonly number[][] = [5, 6, 7].map((length) => OUTWARDS.filter((outward) => outward.length + 3 === length)
  .map((outward) => [...`${outward}${INWARD}`].reduce((mask, position, i) => (position === '9' ? mask | (1 << i) : mask), 0)))

/** The seams, as counted from the end, a postcode of `length` may be split at: the area's end, between the codes, after the inward digit. */
function regularSeams(length: number): number {
  return (1 << 2) | (1 << 3) | (1 << (length - 1)) | (1 << (length - 2))
}

/**
 * How many characters at the least stand where a format wants the other kind (a digit for a letter),
 * given the digit positions as bits: a bound on the corrections a reading needs.
 */
function fewestMisfits(digits: number, length: number): number {
  let fewest = 8
  for (const mask of DIGIT_MASKS[length - 5] ?? []) {
    let misfits = 0
    for (let bits = digits ^ mask; bits !== 0; bits &= bits - 1) misfits++
    if (misfits < fewest) fewest = misfits
  }
  return fewest
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
 * Reads compact[from..] in the positions of `format` (`prefix` before it), counting the corrections
 * needed; null if it cannot be read so, or only in more than one way.
 */
function readAs(compact: string, format: string, from: number, prefix: string): Reading | null {
  let postcode = prefix
  let corrections = 0
  for (let i = 0; i < format.length; i++) {
    const written = compact.charCodeAt(from + i)
    const options = fitPosition(written, format.charCodeAt(i))
    if (options.length !== 1) return null
    if (options.charCodeAt(0) !== written) corrections++
    postcode += options
  }
  return { postcode, corrections }
}

/**
 * Reads the outward code, compact[..format.length), in one outward format, before the inward code
 * already read. The area's letters are tried in each reading a digit could be, and must be a real
 * area, and one only (0L could be OL or DL); every other position has at most one reading.
 */
function readArea(compact: string, format: string, inward: Reading): Reading | null {
  const areaLength = format.charCodeAt(1) === 0x41 /* A */ ? 2 : 1
  let found: { area: string, changed: number } | null = null
  for (const first of fitPosition(compact.charCodeAt(0), 0x41)) {
    for (const second of areaLength === 2 ? fitPosition(compact.charCodeAt(1), 0x41) : ['']) {
      const area = first + second
      if (!AREAS.has(area)) continue
      if (found !== null) return null
      found = { area, changed: (first !== compact.charAt(0) ? 1 : 0) + (areaLength === 2 && second !== compact.charAt(1) ? 1 : 0) }
    }
  }
  if (found === null) return null
  const district = readAs(compact, format.slice(areaLength), areaLength, '')
  if (district === null) return null
  return { postcode: found.area + district.postcode + inward.postcode, corrections: found.changed + district.corrections + inward.corrections }
}

/** For each position class, for each character code up to Z, what it may be read as there. */
const FITS: ReadonlyMap<number, readonly string[]> = new Map([...POSITION_CLASSES].map(([position, allowed]) => {
  const table: string[] = []
  for (let c = 0; c <= 0x5a; c++) {
    const char = String.fromCharCode(c)
    if (allowed.includes(char)) {
      table.push(char)
      continue
    }
    const corrected = (position === '9' ? AS_DIGIT.get(char) : AS_LETTER.get(char)) ?? ''
    table.push([...corrected].filter((option) => allowed.includes(option)).join(''))
  }
  return [position.charCodeAt(0), table]
}))

/** The characters the character `c` may be read as in a position of class `position`: itself, its corrections, or none. */
function fitPosition(c: number, position: number): string {
  return FITS.get(position)?.[c] ?? ''
}

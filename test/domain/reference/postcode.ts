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
const POSITION_CLASSES = new Map<string, RegExp>([
  ['A', /^[A-Z]$/],
  ['9', /^[0-9]$/],
  ['T', /^[ABCDEFGHJKPSTUW]$/],
  ['F', /^[ABEHMNPRVWXY]$/],
  ['I', /^[ABDEFGHJLNPQRSTUWXYZ]$/]
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
const LEADING_LETTERS = /^[A-Z]+/

// Tokens for findPostcode; a postcode may be split over two tokens ("LS1 4AP") but never over a line.
const TOKEN = /[A-Za-z0-9]+/g
const LINE_BREAK = /[,\n\r\u2028\u2029]/
const MAX_TOKENS = 2

interface Reading {
  postcode: string
  corrections: number
}

/**
 * The key form of a postcode written in any case and spacing, correcting letter/digit confusions where
 * the format allows only one reading; null when the text is not a postcode.
 */
export function normalisePostcode(text: string): string | null {
  const compact = text.normalize('NFKC').toUpperCase().replace(NOT_ALPHANUMERIC, '')
  if (!STARTS_WITH_LETTER.test(compact) || !HAS_DIGIT.test(compact)) return null
  let best: Reading | null = null
  for (const format of FORMATS) {
    const reading = readAs(compact, format)
    if (reading !== null && (best === null || reading.corrections < best.corrections)) best = reading
  }
  return best !== null && best.corrections <= MAX_CORRECTIONS ? best.postcode : null
}

/**
 * The last postcode in a text (an envelope ends with its postcode), with its span so that the caller
 * can cut it out. Spans are indices into `text` as given; full-width forms should be NFKC-normalised
 * by the caller first.
 */
export function findPostcode(text: string): PostcodeMatch | null {
  const tokens = [...text.matchAll(TOKEN)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }))
  for (let last = tokens.length - 1; last >= 0; last--) {
    for (let first = last; first > last - MAX_TOKENS && first >= 0; first--) {
      const window = tokens.slice(first, last + 1)
      const start = window[0]?.start ?? 0
      const end = window[window.length - 1]?.end ?? 0
      if (LINE_BREAK.test(text.slice(start, end))) break
      const postcode = normalisePostcode(window.map((token) => token.text).join(''))
      if (postcode !== null) return { postcode, start, end }
    }
  }
  return null
}

/** Reads `compact` in one format, counting the corrections needed; null if it cannot be read so. */
function readAs(compact: string, format: string): Reading | null {
  if (compact.length !== format.length) return null
  let postcode = ''
  let corrections = 0
  for (let i = 0; i < format.length; i++) {
    const char = fitPosition(compact.charAt(i), format.charAt(i))
    if (char === null) return null
    if (char !== compact.charAt(i)) corrections++
    postcode += char
  }
  const area = LEADING_LETTERS.exec(postcode)?.[0] ?? ''
  return AREAS.has(area) ? { postcode, corrections } : null
}

/** The character as it must be read in a position of class `position`, or null if it cannot be. */
function fitPosition(char: string, position: string): string | null {
  const allowed = POSITION_CLASSES.get(position)
  if (allowed === undefined) return null
  if (allowed.test(char)) return char
  const corrected = position === '9' ? AS_DIGIT.get(char) : AS_LETTER.get(char)
  return corrected !== undefined && allowed.test(corrected) ? corrected : null
}

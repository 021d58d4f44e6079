/**
 * Numbers in an address line: house and flat numbers in figures (14, 14A, 14 A, 14-16, 14 to 16,
 * l4 and 1O for 14 and 10) and in words (Fourteen, Forty-One, One Hundred and Three).
 */
import type { Line } from './address-read.js'
import { STREET_TYPES } from './address-street.js'

export interface Identifier {
  id: string
  /** how many words it took: "14 A" is two */
  used: number
}

const UNITS = ['ZERO', 'ONE', 'TWO', 'THREE', 'FOUR', 'FIVE', 'SIX', 'SEVEN', 'EIGHT', 'NINE', 'TEN',
  'ELEVEN', 'TWELVE', 'THIRTEEN', 'FOURTEEN', 'FIFTEEN', 'SIXTEEN', 'SEVENTEEN', 'EIGHTEEN', 'NINETEEN']
const TENS = ['', '', 'TWENTY', 'THIRTY', 'FORTY', 'FIFTY', 'SIXTY', 'SEVENTY', 'EIGHTY', 'NINETY']
const NUMBER_WORD_SET = new Set([...UNITS, ...TENS].filter((word) => word !== ''))
// Digits typed as letters in a house number: l4 for 14, 1O for 10 (only O, I and L, and only in a
// word that also has a digit and nothing else).
const NUMBER_LOOKALIKE = /^(?=[^0-9]*[0-9])[0-9OIL]{2,4}$/
const NUMBER_ID = /^[0-9]+[A-Z]?$/
/** A flat written as a letter and a number: Flat B2. */
const LETTER_NUMBER = /^[A-Z][0-9]{1,3}$/
const NUMBER_RANGE = /^[0-9]+[A-Z]?-[0-9]+[A-Z]?$/
const DIGITS = /^[0-9]+$/
const SINGLE_LETTER = /^[A-Z]$/
const LEADING_ZEROS = /(^|-)0+(?=[0-9])/g
/** "Flat No. 2": the NO between the word and the number says nothing. */
export const NUMBER_WORDS = new Set(['NO', 'NUMBER'])

export function isRange(premise: string): boolean {
  return NUMBER_RANGE.test(premise)
}

export function isNumber(premise: string): boolean {
  return NUMBER_ID.test(premise)
}

/** Does any word of the line hold a digit? */
export function hasDigit(line: Line): boolean {
  for (const word of line) {
    for (let i = 0; i < word.length; i++) {
      const c = word.charCodeAt(i)
      if (c >= 0x30 && c <= 0x39) return true
    }
  }
  return false
}

/**
 * A number with an optional letter (14, 14A, "14 A"), a range (14-16, "14 to 16", "14 and 16",
 * house numbers only) or, for a flat, a lone letter or a letter and a number (Flat B, Flat B2).
 */
export function readIdentifier(line: Line, at: number, isHouse: boolean): Identifier | null {
  const written = line[at]
  if (written === undefined) return null
  const first = written.charCodeAt(0)
  const digitFirst = first >= 0x30 && first <= 0x39
  // every reading needs a digit first (for a house, O, I or L standing for one; for a flat, a lone letter)
  if (!isHouse && LETTER_NUMBER.test(written)) return { id: written, used: 1 }
  if (!digitFirst && (isHouse ? first !== 0x4f && first !== 0x49 && first !== 0x4c : written.length !== 1)) return null
  const word = isHouse && NUMBER_LOOKALIKE.test(written) ? written.replace(/O/g, '0').replace(/[IL]/g, '1') : written
  if (isHouse && DIGITS.test(word) && (line[at + 1] === 'TO' || line[at + 1] === 'AND') && DIGITS.test(line[at + 2] ?? '')) {
    return { id: `${word}-${line[at + 2] ?? ''}`.replace(LEADING_ZEROS, '$1'), used: 3 }
  }
  if (isHouse && NUMBER_RANGE.test(word)) return { id: word.replace(LEADING_ZEROS, '$1'), used: 1 }
  if (!isHouse && SINGLE_LETTER.test(word)) return { id: word, used: 1 }
  if (!NUMBER_ID.test(word)) return null
  const id = word.replace(LEADING_ZEROS, '$1')
  const next = line[at + 1] ?? ''
  // 27 N Street: a letter that the street type follows is the street's (North), not the house's
  const lettered = DIGITS.test(word) && SINGLE_LETTER.test(next) && !STREET_TYPES.has(line[at + 2] ?? '')
  return lettered ? { id: id + next, used: 2 } : { id, used: 1 }
}

/** "TWENTY ONE", "FOURTEEN", "ONE HUNDRED AND TWO" from `at`: the number and how many words it took. */
export function readNumberWords(line: Line, at: number): Identifier | null {
  // most words are no number: one look at a set before any other
  if (!NUMBER_WORD_SET.has(line[at] ?? '')) return null
  const word = (k: number): string => line[at + k] ?? ''
  let value = 0
  let used = 0
  const hundreds = UNITS.indexOf(word(0))
  if (hundreds > 0 && word(1) === 'HUNDRED') {
    value = hundreds * 100
    used = word(2) === 'AND' ? 3 : 2
  }
  const tens = TENS.indexOf(word(used))
  if (tens >= 2) {
    value += tens * 10
    used++
    const unit = UNITS.indexOf(word(used))
    if (unit >= 1 && unit <= 9) {
      value += unit
      used++
    }
  } else {
    const small = UNITS.indexOf(word(used))
    if (small >= 1) {
      value += small
      used++
    } else if (word(used - 1) === 'AND') {
      used--
    }
  }
  return value > 0 ? { id: String(value), used } : null
}

/**
 * A house number written in words, read as figures when no line has a number in figures and the
 * words after it on its line end in a street type: "Forty-One Beech Road", "Rose Cottage, Twelve
 * Mill Lane". "Three Gables" is a house name.
 */
export function wordsToNumber(lines: Line[]): Line[] {
  if (lines.some(hasDigit)) return lines
  for (const [index, line] of lines.entries()) {
    for (let at = 0; at < line.length; at++) {
      const skip = NUMBER_WORDS.has(line[at] ?? '') ? 1 : 0
      const number = readNumberWords(line, at + skip)
      if (number === null) continue
      const street = line.slice(at + skip + number.used)
      if (!street.slice(1).some((word) => STREET_TYPES.has(word))) continue
      const read = [...line.slice(0, at), number.id, ...street]
      return [...lines.slice(0, index), read, ...lines.slice(index + 1)]
    }
  }
  return lines
}

/** The first number that can be a house number, with the line it is on and where its words start and end. */
export function findHouseNumber(lines: Line[]): { id: string, line: number, at: number, after: number } | null {
  for (const [index, line] of lines.entries()) {
    for (let at = 0; at < line.length; at++) {
      const id = readIdentifier(line, at, true)
      if (id !== null) return { id: id.id, line: index, at, after: at + id.used }
    }
  }
  return null
}

/**
 * The premise parts of an address's lines: the flat, the house number or building name, the
 * building name beside a number, the street and the towns.
 *
 * Flats: Flat/Flt/Fl/F/Apartment/Unit/Room/Studio/Suite + number, letter or letter and number (F2,
 * FB2); a floor (First Floor Flat, Floor 1, Basement Flat, Top Flat, Bristol's GFF/FFF/TFF) when no
 * flat number is given (FL1, FLG, FLT); a numbered floor and a flat (Third Floor Flat 2) is 3F2, with
 * F2 for a check to try too; a floor and door: Edinburgh's 3F2 and Glasgow's 1/1, 0/1 and Flat 1-1
 * (3F2, 1F1, 0F1). A slash between two numbers is a floor and door when another house number stands
 * in the address (1/1, 24 Dumbarton Road; 22 Byres Road 1/1), and otherwise a house and a flat
 * (12/6 Marchmont Road: flat 6 at number 12), or after Flat a flat and a house (Flat 2/14 Acacia
 * Avenue). A lone number just before the house number (2, 14 Acacia Avenue; #2 14 Acacia Avenue)
 * is a flat.
 *
 * The premise is the first house number (14, 14A, 14-16), or else the building name. A building name
 * beside a number is what stands before the number on its line, or the line before. The street is what
 * follows the number on its line (or the next line), up to its type; what is left, and later lines,
 * are the towns.
 */
import type { Line } from './address-read.js'
import { NUMBER_WORDS, findHouseNumber, hasDigit, readIdentifier, readNumberWords, wordsToNumber } from './address-numbers.js'
import type { Identifier } from './address-numbers.js'
import { STREET_TYPES, readStreet, splitStreet, streetStart, townForms } from './address-street.js'
import type { Street } from './address-street.js'

export interface Premise {
  flat: string | null
  /** another form of the flat for a check to try: F2 of Third Floor Flat 2 (3F2) */
  flatAlso: string | null
  /** the flat was read from a bare slash (3/27 as number 3, flat 27): a check also reads it as flat 3 at number 27 */
  flatOnly?: boolean
  premise: string | null
  /** a building name premise's first word, which a check also tries (Willows of The Willows St Johns Road) */
  premiseHead: string | null
  building: string | null
  street: Street | null
  /** false when where the street ends could not be told (14 Acacia Avenue Forest Hill) */
  streetSure: boolean
  towns: string[]
}

/** At most this many town forms are read (the town, a locality, and the last word of each). */
const MAX_TOWNS = 4
/** A building name is its first two words (after The): Highfield Farm Otley is HIGHFIELDFARM. */
const BUILDING_WORDS = 2

const SUB_PREMISE_WORDS = new Set(['FLAT', 'FLT', 'FL', 'F', 'APARTMENT', 'APT', 'UNIT', 'ROOM', 'RM', 'STUDIO', 'SUITE'])
/** Floor words, where a floor stands for the flat. */
const FLOOR_LEVELS = new Map([
  ['BASEMENT', 'B'], ['GROUND', 'G'], ['GARDEN', 'G'], ['FIRST', '1'], ['1ST', '1'], ['SECOND', '2'],
  ['2ND', '2'], ['THIRD', '3'], ['3RD', '3'], ['FOURTH', '4'], ['4TH', '4'], ['FIFTH', '5'], ['5TH', '5'],
  ['TOP', 'T'], ['UPPER', 'U']
])
/** Bristol and Bath: Ground/First/Second/Top/Basement Floor Flat as initials. */
const FLOOR_INITIALS = new Map([
  ['GFF', 'G'], ['FFF', '1'], ['SFF', '2'], ['TFF', 'T'], ['BFF', 'B'], ['LGFF', 'LG'], ['UGFF', 'UG']
])
const FLOOR_DOOR = /^([0-9]{1,2})F([0-9]{1,2})$/
const SLASHED = /^([0-9]{1,2})\/([0-9]{1,2})$/
/** Flat 1-1: a floor and door with a hyphen, read only after a word for a flat. */
const HYPHENED = /^([0-9]{1,2})-([0-9]{1,2})$/

interface SubPremise {
  rest: Line[]
  flat: string
  flatAlso?: string
  flatOnly?: boolean
}

export function readPremise(lines: Line[]): Premise {
  const { rest, flat, flatAlso, flatOnly } = takeSubPremise(lines)
  const parts = locate(wordsToNumber(rest))
  return flatOnly === true ? { flat, flatAlso, flatOnly, ...parts } : { flat, flatAlso, ...parts }
}

/** A house number ending in a letter a scanner makes of a digit (2T for 27, 1Z for 12, 4S for 45). */
const SCANNED_LETTER = /^([0-9]+)([TZS])$/
const DIGIT_FOR_LETTER = new Map([['T', '7'], ['Z', '2'], ['S', '5']])

/** At most this many leading lines are dropped for the other readings of an address without a number. */
const MAX_DROPPED = 2

/**
 * The other readings a check tries of an address. Without a house number, a line above the house name
 * (Jane Doe, Private & Confidential, The Farmhouse) would otherwise be read as the building, and the
 * house name as the street: each reading drops one more leading line (at most MAX_DROPPED) and is kept
 * when it still reads a building name and a street with a type. A house number ending in T, Z or S is
 * also read with that letter as the digit it looks like (2T is 27); a bare slash (3/27) also as a flat
 * and a number; Flat 4/2 also as floor 4, door 2.
 */
export function otherReadings(lines: Line[]): Premise[] {
  const glasgow = slashAsFloorDoor(lines)
  const readings = readingsBesides(lines)
  return glasgow === null ? readings : [...readings, readPremise(glasgow)]
}

/**
 * Flat 4/2 with no other house number reads as flat 4 at number 2; in Glasgow it is floor 4, door
 * 2 (4F2): the lines with the slash written that way, for a check to try too, or null.
 */
function slashAsFloorDoor(lines: Line[]): Line[] | null {
  for (const [index, line] of lines.entries()) {
    for (const [at, word] of line.entries()) {
      const slash = SLASHED.exec(word)
      if (slash === null || !SUB_PREMISE_WORDS.has(line[at - 1] ?? '')) continue
      const read = [...line.slice(0, at), `${Number(slash[1])}F${Number(slash[2])}`, ...line.slice(at + 1)]
      return [...lines.slice(0, index), read, ...lines.slice(index + 1)]
    }
  }
  return null
}

function readingsBesides(lines: Line[]): Premise[] {
  const { rest, flat, flatAlso, flatOnly } = takeSubPremise(lines)
  // 3/27 High Street, read as number 3, flat 27: also flat 3 at number 27, as after Flat
  if (flatOnly === true) return [readPremise(withFlatWord(lines))]
  const numbered = wordsToNumber(rest)
  const house = findHouseNumber(numbered)
  if (house !== null) {
    // 2T High Street: a letter after a house number that a scanner makes of a digit is also read as it
    const word = numbered[house.line]?.[house.at] ?? ''
    const scanned = SCANNED_LETTER.exec(word)
    const digit = DIGIT_FOR_LETTER.get(scanned?.[2] ?? '')
    if (scanned === null || digit === undefined) return []
    const read = numbered.map((line, i) => (i === house.line ? line.map((w, k) => (k === house.at ? `${scanned[1] as string}${digit}` : w)) : line))
    return [{ flat, flatAlso, ...locate(read) }]
  }
  const readings: Premise[] = []
  for (let dropped = 1; dropped <= MAX_DROPPED && numbered.length - dropped >= 2; dropped++) {
    const parts = locateBuilding(numbered.slice(dropped))
    if (parts.premise !== null && parts.street?.type != null) readings.push({ flat, flatAlso, ...parts })
  }
  return readings
}

/** Takes the flat (or floor) out of the lines, dropping any line it empties. */
function takeSubPremise(lines: Line[]): { rest: Line[], flat: string | null, flatAlso: string | null, flatOnly?: boolean } {
  const found = takeFloorDoor(lines) ?? takeFlat(lines)
  const floor = takeFloor(found?.rest ?? lines)
  const bare = found === null && floor === null ? takeBareFlat(lines) : null
  const rest = floor?.rest ?? found?.rest ?? bare?.rest ?? lines
  // Flat 2, Third Floor; 3rd Floor, Flat 2: a numbered floor and a numbered flat are a floor and door (3F2)
  const level = NUMBERED_FLOOR.exec(floor?.flat ?? '')?.[1]
  const door = NUMBERED_FLAT.exec(found?.flat ?? '')?.[1]
  if (level !== undefined && door !== undefined && found?.flatAlso === undefined) {
    return { rest, flat: `${Number(level)}F${door}`, flatAlso: `F${door}` }
  }
  const flatOnly = found?.flatOnly === true ? { flatOnly: true } : {}
  return { rest, flat: found?.flat ?? floor?.flat ?? bare?.flat ?? null, flatAlso: found?.flatAlso ?? null, ...flatOnly }
}

/**
 * 3F2, 1/1, 0/1, Flat 1-1 (a floor and a door); 12/6 with no other house number is number 12, flat
 * 6; Flat 2/14 with no other house number is flat 2 at number 14.
 */
function takeFloorDoor(lines: Line[]): SubPremise | null {
  for (const [index, line] of lines.entries()) {
    for (const [at, word] of line.entries()) {
      // Flat 3F2, Flat No. 1/1
      const numbered = NUMBER_WORDS.has(line[at - 1] ?? '') ? 1 : 0
      const before = SUB_PREMISE_WORDS.has(line[at - 1 - numbered] ?? '') ? 1 + numbered : 0
      const door = FLOOR_DOOR.exec(word) ?? SLASHED.exec(word) ?? (before > 0 ? HYPHENED.exec(word) : null)
      if (door === null) continue
      const floor = Number(door[1])
      const number = Number(door[2])
      // a slash or hyphen is a floor and door on the ground floor (0/1) or beside another house number
      if (!FLOOR_DOOR.test(word) && floor > 0 && !numberAfter(lines, index, at + 1) && !numberBefore(lines, index, at - before)) {
        const [flat, house] = before > 0 ? [floor, number] : [number, floor]
        const read = [...line.slice(0, at - before), String(house), ...line.slice(at + 1)]
        const rest = [...lines.slice(0, index), read, ...lines.slice(index + 1)]
        return before > 0 ? { rest, flat: `F${flat}` } : { rest, flat: `F${flat}`, flatOnly: true }
      }
      return { rest: cut(lines, index, at - before, 1 + before), flat: `${floor}F${number}` }
    }
  }
  return null
}

/** The lines with FLAT before their first bare slash between numbers (3/27 is Flat 3/27). */
function withFlatWord(lines: Line[]): Line[] {
  for (const [index, line] of lines.entries()) {
    const at = line.findIndex((word) => SLASHED.test(word))
    if (at >= 0) return [...lines.slice(0, index), [...line.slice(0, at), 'FLAT', ...line.slice(at)], ...lines.slice(index + 1)]
  }
  return lines
}

/** Is there a word that reads as a house number before line `index`, word `at`? */
function numberBefore(lines: Line[], index: number, at: number): boolean {
  for (let i = 0; i <= index; i++) {
    const line = lines[i] as Line
    for (let k = 0; k < (i === index ? at : line.length); k++) if (readIdentifier(line, k, true) !== null) return true
  }
  return false
}

/**
 * A lone number just before the house number: "2, 14 Acacia Avenue", "2 14 Acacia Avenue" (#2 and
 * No. 2 too) are flat 2 at number 14. Only the first number in the lines is tried.
 */
function takeBareFlat(lines: Line[]): SubPremise | null {
  for (const [index, line] of lines.entries()) {
    const at = NUMBER_WORDS.has(line[0] ?? '') ? 1 : 0
    const id = readIdentifier(line, at, true)
    if (id === null) {
      if (hasDigit(line)) return null
      continue
    }
    if (isRangeId(id.id)) return null
    const after = at + id.used
    const next = after < line.length ? line : lines[index + 1] ?? []
    const from = after < line.length ? after : 0
    const house = readIdentifier(next, from, true)
    if (house === null || next.length <= from + house.used) return null
    const rest = after < line.length ? [...lines.slice(0, index), line.slice(after), ...lines.slice(index + 1)] : [...lines.slice(0, index), ...lines.slice(index + 1)]
    return { rest, flat: `F${id.id}` }
  }
  return null
}

function isRangeId(id: string): boolean {
  return id.includes('-')
}

/** Is there a word that reads as a house number after line `index`, word `at`? */
function numberAfter(lines: Line[], index: number, at: number): boolean {
  for (let i = index; i < lines.length; i++) {
    const line = lines[i] as Line
    for (let k = i === index ? at : 0; k < line.length; k++) if (readIdentifier(line, k, true) !== null) return true
  }
  return false
}

/** Is the word before `at` the end of a floor (Top Flat, Ground Floor Flat)? */
function afterFloor(line: Line, at: number): boolean {
  const before = line[at - 1] ?? ''
  return before === 'FLOOR' || FLOOR_LEVELS.has(before)
}

function takeFlat(lines: Line[]): SubPremise | null {
  for (const [index, line] of lines.entries()) {
    for (let at = 0; at < line.length; at++) {
      const word = line[at] as string
      if (!SUB_PREMISE_WORDS.has(word)) continue
      const skip = NUMBER_WORDS.has(line[at + 1] ?? '') ? 1 : 0
      const id: Identifier | null = readIdentifier(line, at + 1 + skip, false) ?? readNumberWords(line, at + 1 + skip)
      // F alone is a flat only before a number (F 2), never a letter
      if (id === null || (word === 'F' && !hasDigit([id.id]))) continue
      // Top Flat 22 Marlborough Buildings: 22 is the house, unless another number follows
      if (word === 'FLAT' && afterFloor(line, at) && !numberAfter(lines, index, at + 1 + skip + id.used)) continue
      // Third Floor Flat 2: floor 3, door 2, which a check also tries as Flat 2
      const level = line[at - 1] === 'FLOOR' ? FLOOR_LEVELS.get(line[at - 2] ?? '') ?? '' : ''
      if (NUMBERED_LEVEL.test(level) && NUMBERED_LEVEL.test(id.id)) {
        return { rest: cut(lines, index, at - 2, 3 + skip + id.used), flat: `${level}F${id.id}`, flatAlso: `F${id.id}` }
      }
      return { rest: cut(lines, index, at, 1 + skip + id.used), flat: `F${id.id}` }
    }
  }
  return null
}

const NUMBERED_LEVEL = /^[0-9]+$/
const NUMBERED_FLOOR = /^FL([0-9]{1,2})$/
const NUMBERED_FLAT = /^F([0-9]{1,2})$/

/** "First Floor (Flat)", "Lower Ground Floor", "Floor 2", "Basement Flat", "Top Flat", "GFF". */
function takeFloor(lines: Line[]): SubPremise | null {
  for (const [index, line] of lines.entries()) {
    for (let at = 0; at < line.length; at++) {
      const word = line[at] as string
      const next = line[at + 1] ?? ''
      const initials = FLOOR_INITIALS.get(word)
      if (initials !== undefined) return { rest: cut(lines, index, at, 1 + (next === 'FLAT' ? 1 : 0)), flat: `FL${initials}` }
      if (word === 'FLOOR' && /^[0-9]+$/.test(next)) return { rest: cut(lines, index, at, 2), flat: `FL${Number(next)}` }
      const lower = (word === 'LOWER' || word === 'UPPER') && next === 'GROUND'
      const level = lower ? `${word[0] as string}G` : FLOOR_LEVELS.get(word)
      if (level === undefined) continue
      let used = lower ? 2 : 1
      const after = line[at + used] ?? ''
      if (after !== 'FLOOR' && after !== 'FLAT') continue
      used += after === 'FLOOR' && line[at + used + 1] === 'FLAT' ? 2 : 1
      return { rest: cut(lines, index, at, used), flat: `FL${level}` }
    }
  }
  return null
}

/** The lines with `count` words taken out of line `index` at `at`, dropping the line if emptied. */
function cut(lines: Line[], index: number, at: number, count: number): Line[] {
  const line = lines[index] ?? []
  const remaining = [...line.slice(0, at), ...line.slice(at + count)]
  return [...lines.slice(0, index), remaining, ...lines.slice(index + 1)].filter((kept) => kept.length > 0)
}

type Parts = Omit<Premise, 'flat' | 'flatAlso'>

function locate(lines: Line[]): Parts {
  const house = findHouseNumber(lines)
  if (house === null) return locateBuilding(lines)
  const line = lines[house.line] as Line
  const onLine = line.slice(house.after)
  const streetLine = onLine.length > 0 ? house.line : house.line + 1
  const { street, rest, unsure } = splitStreet(onLine.length > 0 ? onLine : lines[streetLine] ?? [])
  const before = line.slice(0, house.at)
  const above = lines[house.line - 1]
  const named = before.length > 0 ? before : above !== undefined && !hasDigit(above) ? above : []
  const towns = [...(rest.length > 0 ? [rest] : []), ...lines.slice(streetLine + 1)]
  return { premise: house.id, premiseHead: null, building: buildingName(named), street: readStreet(street), streetSure: !unsure, towns: readTowns(towns) }
}

/** No house number: the first line is the building name, the next the street (or, on one line, split by the street type). */
function locateBuilding(lines: Line[]): Parts {
  const [first, ...others] = lines
  const none: Parts = { premise: null, premiseHead: null, building: null, street: null, streetSure: true, towns: [] }
  if (first === undefined) return none
  const [name, streetWords, ...towns] = others.length === 0 ? splitOneLine(first) : [first, ...others]
  const premise = buildingName(name ?? [])
  if (premise === null) return none
  const { street, rest, unsure } = splitStreet(streetWords ?? [])
  const townLines = [...(rest.length > 0 ? [rest] : []), ...towns]
  return { premise, premiseHead: buildingName((name ?? []).slice(0, (name ?? [])[0] === 'THE' ? 2 : 1)), building: null, street: readStreet(street), streetSure: !unsure, towns: readTowns(townLines) }
}

/** "The Old Rectory Church Lane Otley": the street is the word before the last street type and the type. */
function splitOneLine(line: Line): Line[] {
  for (let at = line.length - 1; at >= 2; at--) {
    if (STREET_TYPES.has(line[at] as string)) {
      const start = Math.max(1, streetStart(line, at))
      const towns = line.slice(at + 1)
      return [line.slice(0, start), line.slice(start, at + 1), ...(towns.length > 0 ? [towns] : [])]
    }
  }
  return [line]
}

/** Building words and their abbreviations, beside the street types (Ct, Bldgs). */
const BUILDING_TYPES = new Map([
  ['COTT', 'COTTAGE'], ['COTTS', 'COTTAGES'], ['HO', 'HOUSE'], ['HSE', 'HOUSE'], ['LDG', 'LODGE'], ['FM', 'FARM'],
  ['MNR', 'MANOR'], ['BLDG', 'BUILDINGS'], ['BLK', 'BLOCK'], ['APTS', 'APARTMENTS']
])

/** Words that end a building name, beside BUILDING_TYPES' full words and the street types. */
const BUILDING_ENDS = new Set([...BUILDING_TYPES.values(), 'BARN', 'HALL', 'FARMHOUSE', 'BUNGALOW', 'MILL', 'GRANGE', 'VILLA', 'RECTORY', 'VICARAGE'])
/** A building name is read from at most this many words (after The). */
const BUILDING_MAX_WORDS = 4

/**
 * A building name's key: without The, types folded (Rose Ct is ROSECOURT, Rose Cott ROSECOTTAGE),
 * up to its last building or street type among its first BUILDING_MAX_WORDS words (Manor Farm Cottage
 * and Manor Farm Barn stay two), else its first BUILDING_WORDS words (Highfield Farm Otley is
 * HIGHFIELDFARM).
 */
function buildingName(words: Line): string | null {
  const named = words[0] === 'THE' ? words.slice(1) : words
  const folded = named.slice(0, BUILDING_MAX_WORDS).map((word, i) => (i > 0 ? BUILDING_TYPES.get(word) ?? STREET_TYPES.get(word) ?? word : word))
  let end = Math.min(BUILDING_WORDS, folded.length)
  for (let i = 1; i < folded.length; i++) if (BUILDING_ENDS.has(folded[i] as string) || STREET_TYPES.has(folded[i] as string)) end = i + 1
  const kept = folded.slice(0, end)
  return kept.length === 0 ? null : kept.join('')
}

function readTowns(lines: Line[]): string[] {
  const towns: string[] = []
  for (const line of lines) {
    for (const form of townForms(line)) if (!towns.includes(form) && towns.length < MAX_TOWNS) towns.push(form)
  }
  return towns
}

/**
 * The keys of a read address: the matching rules written as keys that the index compares for
 * equality (a check meets an entry when one of its lookup keys is one of the entry's store keys).
 *
 * With a postcode, P, premise N and flat part F, and a street part:
 *   a:P|N|F|S=NAME.TYPE     the street as read: an exact meeting
 *   ~a:P|N|F|S=MEMBER.TYPE  the street within one slip (address-street.ts, nameMembers): probable
 *   ~a:P|N|F|*S             stored by every entry: met by a check whose street could not be read
 *   ~a:P|N|F|-S             stored by an entry whose street could not be read: met by every street
 *   a:P|N|F                 building names (=NAME, or +NAME beside a number) and range ends (14^)
 *   ~a:P|~MEMBER|F|S=STREET  a building name within one slip (Rose Cotage), on the same street
 * A key starting with `~` (key-hash.ts, PROBABLE) is a probable meeting (the street met only within a
 * slip, or one side has no street); every other key is an exact one. Two streets meet when both have the same type and their
 * names share a member; another type, or names more than one slip apart, is another street and
 * another door, even at the same postcode and number.
 *
 * Without a postcode on either side: `sp:STREET|TOWN|N|F` (an entry with a postcode) or
 * `sn:STREET|TOWN|N|F` (one without); a check with a postcode looks up `sn:` only, so two addresses
 * with postcodes are never joined by street and town. `a?:TEXT` is the text, for what cannot be read.
 *
 * The flat part is asymmetric: an entry without a flat stores `-` and `*`, one on Flat 2 stores `-`
 * and `F2`; a check naming no flat looks up `-` (held by any block at the premise), one to Flat 2
 * looks up `F2` and `*` (a block on the whole house, or on that flat), never another flat. A flat
 * given with its floor (Third Floor Flat 2) is 3F2, and a check also looks up its number alone (F2).
 *
 * The premise: a number stores itself (with its street keys) and `14^` (no street), which a check to
 * a range looks up for each end; a range stores itself and each end (with street keys). A building
 * name beside a number is stored as `+NAME`; a check naming a building and no number looks up `=NAME`
 * and `+NAME`, one naming both looks up `=NAME` too.
 *
 * Every address gives at most STORE_CAP store keys and LOOKUP_CAP lookup keys, the most telling first.
 */
import { isNumber, isRange } from './address-numbers.js'
import { nameMembers, streetText } from './address-street.js'
import type { Premise } from './address-premise.js'
import type { Street } from './address-street.js'
import { PROBABLE } from './key-hash.js'

/** The parts keys are made of (address.ts, ParsedAddress): the premise's parts and the postcodes. */
export interface KeyedAddress extends Premise {
  postcode: string | null
  otherPostcodes: string[]
  folded: string
}

/** Keys an entry stores and a check looks up for each address a text holds (at most MAX_ADDRESSES). */
export const STORE_CAP = 96
export const LOOKUP_CAP = 96

type Side = 'store' | 'lookup'

/** Building names are compared within one slip up to this many letters. */
const BUILDING_LENGTH = 14

interface PremisePart {
  part: string
  /** whether keys for this part carry the street */
  street: boolean
  /** whether its keys are probable ones, carrying the street as read or none */
  probable?: boolean
}

/** A range's numbers between its ends (same side of the street) are looked up when it spans at most this many. */
const RANGE_SPAN = 20
const NUMERIC_RANGE = /^([0-9]+)-([0-9]+)$/

function flatParts(address: KeyedAddress, side: Side): string[] {
  const { flat, flatAlso } = address
  if (side === 'store') return flat === null ? ['-', '*'] : ['-', flat]
  if (flat === null) return ['-']
  // a block on the whole house holds a letter to any flat in it, whichever reading gave the flat
  return flatAlso === null ? [flat, '*'] : [flat, flatAlso, '*']
}

function premiseParts(address: KeyedAddress, side: Side): PremisePart[] {
  const { premise, building } = address
  if (premise === null) return []
  if (!isNumber(premise) && !isRange(premise)) {
    // a building name's first word alone (Highfield of Highfield Farm) meets it only as probable
    if (side === 'store') return [{ part: `=${premise}`, street: true }, { part: `=${premise}`, street: true, probable: true }]
    const head = address.premiseHead
    const parts: PremisePart[] = [{ part: `=${premise}`, street: true }, { part: `+${premise}`, street: false }]
    return head === null || head === premise ? parts : [...parts, { part: `=${head}`, street: true, probable: true }]
  }
  const parts: PremisePart[] = [{ part: premise, street: true }]
  if (isRange(premise)) {
    for (const end of premise.split('-')) parts.push(side === 'store' ? { part: end, street: true } : { part: `${end}^`, street: false })
    // 12-16 holds 14: a check looks up the numbers between the ends on the same side
    const ends = NUMERIC_RANGE.exec(premise)
    const low = Number(ends?.[1])
    const high = Number(ends?.[2])
    if (side === 'lookup' && high > low && high - low <= RANGE_SPAN) {
      for (let n = low + 2; n < high; n += 2) parts.push({ part: `${n}^`, street: false })
    }
  } else if (side === 'store') {
    parts.push({ part: `${premise}^`, street: false })
  }
  if (building !== null) parts.push(side === 'store' ? { part: `+${building}`, street: false } : { part: `=${building}`, street: true })
  return parts
}

/** The street parts of a premise key: see the header. */
function streetParts(street: Street | null, sure: boolean, side: Side): string[] {
  if (street === null || street.type === null || !sure) return side === 'store' ? ['q|*S', 'q|-S'] : ['q|*S']
  const members = nameMembers(street.name).map((member) => `q|S=${streetText(street, member)}`)
  const exact = `a|S=${streetText(street)}`
  // `*S` first: it is the gate of every street key at its premise (gateOf), so no cap keeps one without it
  if (side === 'store') return ['q|*S', exact, ...members]
  return [exact, ...members, 'q|-S']
}

function postcodeKeys(keys: string[], postcode: string, address: KeyedAddress, side: Side): void {
  const streets = streetParts(address.street, address.streetSure, side)
  const flats = flatParts(address, side)
  const plain = streets.filter((tail) => !tail.startsWith('q|S='))
  for (const { part, street, probable } of premiseParts(address, side)) {
    for (const flat of flats) {
      const base = `${postcode}|${part}|${flat}`
      if (!street) keys.push(`a:${base}`)
      else if (probable === true) for (const tail of plain) keys.push(`${PROBABLE}a:${base}|${tail.slice(2)}`)
      else for (const tail of streets) keys.push(`${tail.startsWith('q|') ? PROBABLE : ''}a:${base}|${tail.slice(2)}`)
    }
  }
}

/**
 * A building name within one slip, on either side: the whole name's members (Highfield Farm and
 * Highfield House stay two), on the street as read or with none. Made after every other key, the least telling.
 */
function buildingSlipKeys(keys: string[], postcode: string, address: KeyedAddress, side: Side): void {
  const { premise } = address
  if (premise === null || isNumber(premise) || isRange(premise)) return
  const flats = flatParts(address, side)
  const exactStreets = streetParts(address.street, address.streetSure, side).filter((tail) => !tail.startsWith('q|S='))
  for (const member of nameMembers(premise, BUILDING_LENGTH)) {
    for (const flat of flats) {
      for (const tail of exactStreets) keys.push(`${PROBABLE}a:${postcode}|~${member}|${flat}|${tail.slice(2)}`)
    }
  }
}

/** Street and town keys: sp/sn (see the header). */
function townKeys(keys: string[], address: KeyedAddress, side: Side): void {
  const { street, towns, postcode } = address
  if (street === null || towns.length === 0) return
  const text = streetText(street)
  const prefixes = side === 'store' ? [postcode === null ? 'sn' : 'sp'] : postcode === null ? ['sn', 'sp'] : ['sn']
  for (const { part } of premiseParts(address, side)) {
    for (const town of towns) {
      for (const flat of flatParts(address, side)) {
        for (const prefix of prefixes) keys.push(`${prefix}:${text}|${town}|${part}|${flat}`)
      }
    }
  }
}

/** The keys an entry holding this address stores; the fallback text key alone when nothing could be read. */
export function storeKeys(address: KeyedAddress): string[] {
  const keys: string[] = []
  if (address.postcode !== null) postcodeKeys(keys, address.postcode, address, 'store')
  townKeys(keys, address, 'store')
  if (address.postcode !== null) buildingSlipKeys(keys, address.postcode, address, 'store')
  return firstUnique(keys, STORE_CAP)
}

/** The keys a check looks up: for each postcode found, then street and town. */
export function lookupKeys(address: KeyedAddress): string[] {
  const keys: string[] = []
  for (const postcode of [address.postcode, ...address.otherPostcodes]) {
    if (postcode !== null) postcodeKeys(keys, postcode, address, 'lookup')
  }
  townKeys(keys, address, 'lookup')
  for (const postcode of [address.postcode, ...address.otherPostcodes]) {
    if (postcode !== null) buildingSlipKeys(keys, postcode, address, 'lookup')
  }
  // repeats are rare (a range 14-14) and cost a probe each: only the count is bounded here
  if (keys.length > LOOKUP_CAP) keys.length = LOOKUP_CAP
  return keys
}

/**
 * The gate of a lookup key that carries a street (`|S=...` or `|-S`): the `~...|*S` key of the same
 * postcode, premise and flat, which every entry storing a street key there stores too (streetParts).
 * A check whose gate no entry holds cannot meet any key behind it, so it need not hash or probe
 * them: one probe stands for a premise's exact, slip and no-street keys. Null for any other key.
 */
export function gateOf(key: string): string | null {
  const bar = key.lastIndexOf('|')
  if (bar < 0) return null
  const tail = key.charCodeAt(bar + 1)
  const street = tail === 83 /* S */ && key.charCodeAt(bar + 2) === 61 /* = */
  const none = tail === 45 /* - */ && key.charCodeAt(bar + 2) === 83 /* S */ && key.length === bar + 3
  if (!street && !none) return null
  const from = key.charCodeAt(0) === 126 /* ~ */ ? 1 : 0
  if (!key.startsWith('a:', from)) return null
  return `${PROBABLE}${key.slice(from, bar)}|*S`
}

/** The key of a text that cannot be read: its folded words. */
export function fallbackKey(folded: string): string {
  return `a?:${folded}`
}

/** The first `cap` keys without repeats, in order. */
function firstUnique(keys: string[], cap: number): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const key of keys) {
    if (out.length >= cap) break
    if (seen.has(key)) continue
    seen.add(key)
    out.push(key)
  }
  return out
}

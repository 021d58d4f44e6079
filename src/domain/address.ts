/**
 * UK postal addresses -> index keys: postcode plus premise (flat, house number or building name),
 * told apart from a neighbour by street; without a postcode, premise, street and town.
 *
 * Three steps, one file each:
 *   address-read.ts     the text's layout: the addresses it holds, as lines of words, their postcodes,
 *                       people and return addresses out
 *   address-premise.ts  the parts: flat, house number or building name, street, towns
 *   address-keys.ts     the keys those parts give an entry and a check (the matching rules, as keys)
 * address-street.ts reads streets and towns; address-numbers.ts numbers in figures and words.
 *
 * A text may hold several addresses (a return address above the real one, two addresses in one
 * field): an entry stores the keys of each, with a warning, and a check looks up the keys of each,
 * so that any of them meeting a block holds the letter.
 */
import type { AddressObject, DetailIssue, DetailKeys } from './detail-keys.js'
import { readAddresses } from './address-read.js'
import type { ReadAddress } from './address-read.js'
import { otherReadings, readPremise } from './address-premise.js'
import { hasDigit } from './address-numbers.js'
import { STREET_TYPES } from './address-street.js'
import { fallbackKey, lookupKeys, storeKeys } from './address-keys.js'
import type { KeyedAddress } from './address-keys.js'

/** What could be read from an address; exported so that tests and explanations can show it. */
export type ParsedAddress = KeyedAddress

export { LOOKUP_CAP, STORE_CAP } from './address-keys.js'
export { MAX_ADDRESSES } from './address-read.js'

const EMPTY: DetailIssue = { code: 'address_empty', message: 'is empty' }
const UNPARSED: DetailIssue = {
  code: 'address_unparsed',
  message: 'could not be read as a postal address; blocked by its exact text'
}
const SEVERAL: DetailIssue = { code: 'address_several', message: 'holds several addresses; each is blocked' }

/** At most this many lines of each kind are given by namesInAddress. */
const MAX_NAMES = 4

/** Index keys for an address as written on an envelope, or as lines plus a postcode. */
export function addressKeys(raw: string | AddressObject): DetailKeys {
  const all = parseAddresses(raw)
  if (all === null) return { store: [], lookup: [], warning: null, reject: { ...EMPTY } }
  const readable = all.addresses.filter(isReadable)
  const fallback = fallbackKey(all.folded)
  let store: string[] | null = null
  // a check also tries each readable address's other readings (address-premise.ts, otherReadings)
  const tried = [...readable, ...all.others.filter(isReadable)]
  const lookup = readable.length === 0 ? [fallback] : interleave(tried.map(lookupKeys), DETAIL_LOOKUP_CAP)
  return {
    // made when asked for: a check only looks keys up, and an entry's keys are three times as many
    get store () {
      store ??= readable.length === 0 ? [fallback] : interleave(readable.map(storeKeys), DETAIL_STORE_CAP)
      return store
    },
    lookup: lookup.length === 0 ? [fallback] : lookup,
    warning: readable.length === 0 ? { ...UNPARSED } : readable.length > 1 ? { ...SEVERAL } : null,
    reject: null
  }
}

/** Reads an address into its parts (the last address a text holds); null when it holds no letters or digits. */
export function parseAddress(raw: string | AddressObject): ParsedAddress | null {
  const all = parseAddresses(raw)
  if (all === null) return null
  return all.addresses.filter(isReadable).pop() ?? all.addresses[all.addresses.length - 1] ?? null
}

/**
 * Who an address names: `named` the lines set aside because they address a person (Mrs J Doe,
 * c/o ..., FAO ..., For the attention of ...), without c/o, FAO or To; `possible` the lines before
 * the premise (the first line holding a digit, else the first holding a street type) that hold no
 * digit and address no one: a name without a title, or a house name. At most MAX_NAMES of each,
 * uppercase words joined by single spaces.
 */
export function namesInAddress(raw: string | AddressObject): { named: string[], possible: string[] } {
  const named: string[] = []
  const possible: string[] = []
  const add = (list: string[], line: string[]): void => {
    const text = line.join(' ')
    if (text !== '' && list.length < MAX_NAMES && !list.includes(text)) list.push(text)
  }
  for (const address of readAddresses(raw).addresses) {
    for (const person of address.people) add(named, person)
    const premise = premiseLine(address)
    for (const line of address.lines.slice(0, premise)) if (!hasDigit(line)) add(possible, line)
  }
  return { named, possible }
}

function premiseLine(address: ReadAddress): number {
  const numbered = address.lines.findIndex(hasDigit)
  if (numbered >= 0) return numbered
  const street = address.lines.findIndex((line) => line.slice(1).some((word) => STREET_TYPES.has(word)))
  return street >= 0 ? street : address.lines.length
}

/** The addresses a text holds, read; `others` their other readings, which only a check tries. */
function parseAddresses(raw: string | AddressObject): { addresses: ParsedAddress[], others: ParsedAddress[], folded: string } | null {
  const read = readAddresses(raw)
  if (read.folded === '') return null
  const addresses = read.addresses.map((address) => ({
    postcode: address.postcode, otherPostcodes: address.others, ...readPremise(address.lines), folded: address.folded
  }))
  const others = read.addresses.flatMap((address) => otherReadings(address.lines).map((premise) => ({
    postcode: address.postcode, otherPostcodes: address.others, ...premise, folded: address.folded
  })))
  return { addresses, others, folded: read.folded }
}

function isReadable(address: ParsedAddress): boolean {
  return address.premise !== null && (address.postcode !== null || (address.street !== null && address.towns.length > 0))
}

/**
 * Keys a detail gives in all, however many addresses it holds. Each address's keys come most telling
 * first, so the addresses' keys are taken in turn (the first of each, then the second of each ...)
 * and every address keeps its best keys when the total is cut.
 */
export const DETAIL_LOOKUP_CAP = 160
export const DETAIL_STORE_CAP = 256

/** The lists' keys taken in turn, without repeats, at most `cap`. */
function interleave(lists: string[][], cap: number): string[] {
  // one address, the common case: its keys as they are (a repeat is rare, and costs one probe)
  const only = lists.length === 1 ? lists[0] as string[] : null
  if (only !== null && only.length <= cap) return only
  const out = new Set<string>()
  const longest = Math.max(...lists.map((list) => list.length))
  for (let i = 0; i < longest && out.size < cap; i++) {
    for (const list of lists) {
      const key = list[i]
      if (key !== undefined && out.size < cap) out.add(key)
    }
  }
  return [...out]
}

/**
 * UK postal addresses -> index keys: postcode plus premise (flat, house number or building name),
 * told apart from a neighbour by street; without a postcode, premise, street and town.
 *
 * Three steps, one file each:
 *   address-read.ts     the text's layout: lines of words, every postcode, people and return addresses out
 *   address-premise.ts  the parts: flat, house number or building name, street, towns
 *   address-keys.ts     the keys those parts give an entry and a check (the matching rules, as keys)
 * address-street.ts reads streets and towns; address-numbers.ts numbers in figures and words.
 */
import type { AddressObject, DetailIssue, DetailKeys } from './detail-keys.js'
import { readAddress } from './address-read.js'
import { readPremise } from './address-premise.js'
import { fallbackKey, lookupKeys, storeKeys } from './address-keys.js'
import type { KeyedAddress } from './address-keys.js'

/** What could be read from an address; exported so that tests and explanations can show it. */
export type ParsedAddress = KeyedAddress

export { LOOKUP_CAP, STORE_CAP } from './address-keys.js'

const EMPTY: DetailIssue = { code: 'address_empty', message: 'is empty' }
const UNPARSED: DetailIssue = {
  code: 'address_unparsed',
  message: 'could not be read as a postal address; blocked by its exact text'
}

/** Index keys for an address as written on an envelope, or as lines plus a postcode. */
export function addressKeys(raw: string | AddressObject): DetailKeys {
  const address = parseAddress(raw)
  if (address === null) return { store: [], lookup: [], warning: null, reject: { ...EMPTY } }
  const readable = address.premise !== null && (address.postcode !== null || (address.street !== null && address.towns.length > 0))
  let store: string[] | null = null
  return {
    // made when asked for: a check only looks keys up, and an entry's keys are three times as many
    get store () {
      store ??= readable ? storeKeys(address) : [fallbackKey(address)]
      return store
    },
    lookup: lookupKeys(address),
    warning: readable ? null : { ...UNPARSED },
    reject: null
  }
}

/** Reads an address into its parts; null when it holds no letters or digits at all. */
export function parseAddress(raw: string | AddressObject): ParsedAddress | null {
  const read = readAddress(raw)
  if (read.folded === '') return null
  return { postcode: read.postcode, otherPostcodes: read.others, ...readPremise(read.lines), folded: read.folded }
}

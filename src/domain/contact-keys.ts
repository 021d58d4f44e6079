import { addressKeys } from './address.js'
import { gateOf } from './address-keys.js'
import type { AddressObject, ContactKind, DetailKeys } from './detail-keys.js'
import { emailKeys } from './email.js'
import { phoneKeys } from './phone.js'

/**
 * The version of the keys the normalisers make. Raise it with any change to what a detail is keyed
 * into: a store keyed by another version is re-keyed from its details at start-up
 * (src/services/rekey.ts), so that blocks made earlier meet what a check is keyed into now.
 */
export const KEYING_VERSION = 5

/** One entry point for the three normalisers, so entries and checks key details the same way. */
export function keysFor (kind: ContactKind, raw: string | AddressObject): DetailKeys {
  switch (kind) {
    case 'phone': return phoneKeys(raw as string)
    case 'email': return emailKeys(raw as string)
    case 'address': return addressKeys(raw)
  }
}

/**
 * The key a lookup key is gated by, or null: when no entry holds the gate, the key cannot meet one
 * either, and a check skips it (address-keys.ts, gateOf). Every key an entry stores has its gate
 * stored beside it.
 */
export const gateOfKey: (key: string) => string | null = gateOf

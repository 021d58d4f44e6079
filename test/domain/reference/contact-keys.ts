import { addressKeys } from './address.js'
import type { AddressObject, ContactKind, DetailKeys } from '../../../src/domain/detail-keys.js'
import { emailKeys } from './email.js'
import { phoneKeys } from '../../../src/domain/phone.js'

/** One entry point for the three normalisers, so entries and checks key details the same way. */
export function keysFor (kind: ContactKind, raw: string | AddressObject): DetailKeys {
  switch (kind) {
    case 'phone': return phoneKeys(raw as string)
    case 'email': return emailKeys(raw as string)
    case 'address': return addressKeys(raw)
  }
}

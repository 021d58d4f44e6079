import { createHmac } from 'node:crypto'

/**
 * Keyed hash of a match key for logs and the audit trail: the same attempt always gives the same
 * hash, so attempts can be traced and correlated, but without the key the detail cannot be guessed
 * back from it (a plain hash of a phone number can be, by trying every number).
 */
export function createKeyHasher (key: Buffer): (matchKey: string) => string {
  return (matchKey) => createHmac('sha256', key).update(matchKey).digest('hex').slice(0, 24)
}

export type KeyHasher = ReturnType<typeof createKeyHasher>

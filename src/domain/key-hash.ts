import { hash } from 'node:crypto'

const BLOCK = 64 // SHA-256's block size (RFC 2104)

/**
 * Keyed hash of a match key for logs and the audit trail: the same attempt always gives the same
 * hash, so attempts can be traced and correlated, but without the key the detail cannot be guessed
 * back from it (a plain hash of a phone number can be, by trying every number).
 *
 * HMAC-SHA-256 (RFC 2104) written with two one-shot hashes: H((K ^ opad) || H((K ^ ipad) || m)).
 * crypto.createHmac makes a native object a call, and at tens of thousands of checks a second those
 * objects and their finalisers cost more than the hashing (issue 6); a test holds this to createHmac.
 */
export function createKeyHasher (key: Buffer): (matchKey: string) => string {
  const block = Buffer.alloc(BLOCK)
  ;(key.length > BLOCK ? Buffer.from(hash('sha256', key, 'buffer')) : key).copy(block)
  const ipad = Buffer.from(block.map((byte) => byte ^ 0x36))
  const opad = Buffer.from(block.map((byte) => byte ^ 0x5c))
  return (matchKey) => {
    const inner = hash('sha256', Buffer.concat([ipad, Buffer.from(matchKey)]), 'buffer')
    return hash('sha256', Buffer.concat([opad, inner as unknown as Buffer]), 'hex').slice(0, 24)
  }
}

export type KeyHasher = ReturnType<typeof createKeyHasher>

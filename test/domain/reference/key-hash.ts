import { hash } from 'node:crypto'

const BLOCK = 64 // SHA-256's block size (RFC 2104)

/**
 * Keyed hash of a match key for logs and the audit trail: the same attempt always gives the same
 * hash, so attempts can be traced and correlated, but without the key the detail cannot be guessed
 * back from it (a plain hash of a phone number can be, by trying every number).
 *
 * HMAC-SHA-256 (RFC 2104) written with two one-shot hashes: H((K ^ opad) || H((K ^ ipad) || m)).
 * crypto.createHmac makes a native object a call, and at tens of thousands of checks a second those
 * objects and their finalisers cost more than the hashing; a test holds this to createHmac.
 */
export function createKeyHasher (key: Buffer): (matchKey: string) => string {
  const hmac = hmacHex(key)
  return (matchKey) => hmac(matchKey).slice(0, 24)
}

export type KeyHasher = ReturnType<typeof createKeyHasher>

/** HMAC-SHA-256 of a text, hex. */
function hmacHex (key: Buffer): (text: string) => string {
  const block = Buffer.alloc(BLOCK)
  ;(key.length > BLOCK ? Buffer.from(hash('sha256', key, 'buffer')) : key).copy(block)
  const ipad = Buffer.from(block.map((byte) => byte ^ 0x36))
  const opad = Buffer.from(block.map((byte) => byte ^ 0x5c))
  return (text) => {
    const inner = hash('sha256', Buffer.concat([ipad, Buffer.from(text)]), 'buffer')
    return hash('sha256', Buffer.concat([opad, inner as unknown as Buffer]), 'hex')
  }
}

/**
 * The form a match key is stored and indexed in (data at rest, docs/RELIABILITY.md): the letter of
 * its kind (p, e or a, so that kindOfKey in block-index.ts reads it as it reads a key) and the first
 * 128 bits of the key's HMAC, hex. A copied database then holds no normalised number or email, and
 * one cannot be tested for without the HMAC key. The log's keyed hash of a key is the first 24 hex
 * digits of the same HMAC (logHashOf), so a check computes one HMAC a key for both.
 */
export function createMatchTokens (key: Buffer): (matchKey: string) => string {
  const hmac = hmacHex(key)
  return (matchKey) => {
    const first = matchKey.charCodeAt(0)
    const kind = first === 112 /* p */ ? 'p' : first === 101 /* e */ ? 'e' : 'a'
    return kind + hmac(matchKey).slice(0, 32)
  }
}

export type MatchTokens = ReturnType<typeof createMatchTokens>

/** The log's keyed hash (createKeyHasher) of the key a token was made from. */
export const logHashOf = (token: string): string => token.slice(1, 25)

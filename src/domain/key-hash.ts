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

/**
 * HMAC-SHA-256 of a text, hex. The padded key blocks are written once into two buffers that are
 * reused for every call: the text is written after the inner block, and the inner digest, taken as
 * a latin1 string (one char a byte), after the outer block. A digest returned as a Buffer costs
 * crypto.hash a native allocation and most of its time (docs/PERFORMANCE.md); the hex of the outer digest is the only string
 * made. ASCII text (every key but a few) is copied byte by byte, cheaper than buf.write's call for
 * a key of a few dozen characters, and the view of the inner buffer for each length is made once.
 * Synchronous and not re-entrant, which a call on one thread never is.
 */
function hmacHex (key: Buffer): (text: string) => string {
  const block = Buffer.alloc(BLOCK)
  ;(key.length > BLOCK ? Buffer.from(hash('sha256', key, 'buffer')) : key).copy(block)
  let inner = Buffer.alloc(BLOCK + 256)
  let views: Buffer[] = []
  const outer = Buffer.alloc(BLOCK + 32)
  for (let i = 0; i < BLOCK; i++) {
    inner[i] = (block[i] as number) ^ 0x36
    outer[i] = (block[i] as number) ^ 0x5c
  }
  return (text) => {
    // UTF-8 takes at most three bytes a UTF-16 unit (a surrogate pair is four bytes for two units)
    if (BLOCK + 3 * text.length > inner.length) {
      const grown = Buffer.alloc(BLOCK + 3 * text.length)
      inner.copy(grown, 0, 0, BLOCK)
      inner = grown
      views = []
    }
    let length = BLOCK + text.length
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      if (c >= 0x80) {
        length = BLOCK + inner.write(text, BLOCK, 'utf8')
        break
      }
      inner[BLOCK + i] = c
    }
    const view = views[length] ?? (views[length] = inner.subarray(0, length))
    const digest = hash('sha256', view, 'binary')
    for (let i = 0; i < 32; i++) outer[BLOCK + i] = digest.charCodeAt(i)
    return hash('sha256', outer, 'hex')
  }
}

/**
 * The form a match key is stored and indexed in (data at rest, docs/RELIABILITY.md): the letter of
 * its kind (p, e or a, upper case for a probable key, so that kindOfKey and strengthOfKey in
 * block-index.ts read it as they read a key) and the first
 * 128 bits of the key's HMAC, hex. A copied database then holds no normalised number or email, and
 * one cannot be tested for without the HMAC key. The log's keyed hash of a key is the first 24 hex
 * digits of the same HMAC (logHashOf), so a check computes one HMAC a key for both.
 */
export function createMatchTokens (key: Buffer): (matchKey: string) => string {
  const hmac = hmacHex(key)
  return (matchKey) => {
    // a probable key (`~` before its kind: see PROBABLE) keeps its kind's letter in upper case
    const probable = matchKey.charCodeAt(0) === 126 /* ~ */
    const first = matchKey.charCodeAt(probable ? 1 : 0)
    const kind = first === 112 /* p */ ? 'p' : first === 101 /* e */ ? 'e' : 'a'
    return (probable ? kind.toUpperCase() : kind) + hmac(matchKey).slice(0, 32)
  }
}

/**
 * A key that begins with this mark meets a probable, not a certain, twin of a detail (an address
 * whose street is spelled one letter differently, say): a check that meets an entry only through such
 * keys still blocks, and says so with `strength: 'probable'` so that a person looks.
 */
export const PROBABLE = '~'

export type MatchTokens = ReturnType<typeof createMatchTokens>

/** The log's keyed hash (createKeyHasher) of the key a token was made from. */
export const logHashOf = (token: string): string => token.slice(1, 25)

/**
 * A block's reference: a short code a person can read down a phone and type back, e.g. `K7QM-4XRT`.
 * Crockford's base 32 alphabet (https://www.crockford.com/base32.html): digits and capitals without
 * I, L, O and U, so that no character is mistaken for another; on the way in, O is read as 0 and I
 * or L as 1, in any case, with or without the hyphens. Pure text rules, shared with the pages.
 */
export const REFERENCE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** Characters a reference is given: 8 normally, 4 more each time a shorter one is taken (entries-store.ts). */
export const REFERENCE_LENGTH = 8
export const REFERENCE_STEP = 4
/** 256 bits of SHA-256 make 52 characters (the last one carries 1 bit). */
export const REFERENCE_MAX = 52
/** The fewest characters a search by reference takes: the first group. */
export const REFERENCE_SEARCH_MIN = 4

/** The characters of a digest, 5 bits each, most significant first. */
export function referenceDigits (digest: Uint8Array): string {
  let out = ''
  let bits = 0
  let value = 0
  for (const byte of digest) {
    value = (value << 8) | byte
    bits += 8
    while (bits >= 5) {
      bits -= 5
      out += REFERENCE_ALPHABET[(value >> bits) & 31]
    }
    value &= (1 << bits) - 1
  }
  if (bits > 0) out += REFERENCE_ALPHABET[(value << (5 - bits)) & 31]
  return out
}

/** `K7QM4XRT` as shown: groups of four joined by hyphens, `K7QM-4XRT`. */
export function formatReference (canonical: string): string {
  return canonical.replace(/(.{4})(?=.)/g, '$1-')
}

const LENIENT: Record<string, string> = { O: '0', I: '1', L: '1' }

/**
 * A reference as typed, in the stored form (capitals, no hyphens), or null when it holds a
 * character no reference has (U, punctuation) or is too short or too long to be one. Spaces and
 * hyphens are dropped; O reads as 0 and I or L as 1. A start of a reference (4 or more
 * characters) reads too: searches match references that begin with it.
 */
export function readReference (text: string): string | null {
  if (text.length > 2 * REFERENCE_MAX) return null
  const canonical = text.replace(/[\s-]/g, '').toUpperCase().replace(/[OIL]/g, (c) => LENIENT[c] ?? c)
  if (canonical.length < REFERENCE_SEARCH_MIN || canonical.length > REFERENCE_MAX) return null
  for (const c of canonical) if (!REFERENCE_ALPHABET.includes(c)) return null
  return canonical
}

/** Whether a stored-form reference has a length a whole reference has (8, 12, ... 52). */
export function isWholeReference (canonical: string): boolean {
  const n = canonical.length
  return n === REFERENCE_MAX || (n >= REFERENCE_LENGTH && n < REFERENCE_MAX && (n - REFERENCE_LENGTH) % REFERENCE_STEP === 0)
}

/** An entry id as the daemon makes them (RFC 9562, lower case); anything else is not an id. */
export const ENTRY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

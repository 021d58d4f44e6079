/**
 * A 64-bit hash of a match key, as two 32-bit halves, for the packed index (block-index.ts). Not
 * cryptographic: the index holds hashes instead of millions of key strings so that the garbage
 * collector has almost nothing to walk. Two different keys share a hash with a probability of about
 * n^2 / 2^65 (one in a million for five million keys); when they do, a check meets an entry it
 * should not, and is held for a person to look at: the safe direction. Mixing after cyrb53
 * (public domain, bryc), keeping all 64 bits.
 */
export function hash64 (text: string): [number, number] {
  hash64Into(text, scratch)
  return [scratch[0] as number, scratch[1] as number]
}

const scratch = new Uint32Array(2)

/** The same hash written into `out` (no allocation: the index hashes millions of keys at load). */
export function hash64Into (text: string, out: Uint32Array): void {
  hash64RangeInto(text, 0, text.length, out)
}

/**
 * The hash of text.slice(start, end), without making that string: the index loads keys from the
 * store's JSON arrays by range (block-index.ts), so that millions of key strings are never made.
 */
export function hash64RangeInto (text: string, start: number, end: number, out: Uint32Array): void {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 2654435761)
    h2 = Math.imul(h2 ^ c, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  out[0] = h1
  out[1] = h2
}

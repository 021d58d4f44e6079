import { hash } from 'node:crypto'
import { REFERENCE_LENGTH, REFERENCE_MAX, REFERENCE_STEP, referenceDigits } from './block-reference.js'

/**
 * The references an entry may be given, shortest first: the first 8, 12, ... 52 characters of the
 * SHA-256 of its id. Derived from the id alone, so a block from the hub has the same reference at
 * the hub and at every establishment without the feed carrying it; the store gives the shortest
 * one no other entry holds (entries-store.ts).
 */
export function referenceCandidates (id: string): string[] {
  const digits = referenceDigits(hash('sha256', id, 'buffer') as unknown as Uint8Array)
  const out: string[] = []
  for (let n = REFERENCE_LENGTH; n < REFERENCE_MAX; n += REFERENCE_STEP) out.push(digits.slice(0, n))
  out.push(digits)
  return out
}

/** The reference an entry has unless another entry of the same store took it first. */
export const usualReference = (id: string): string => (referenceCandidates(id)[0] as string)

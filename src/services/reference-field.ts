import { readReference } from '../domain/block-reference.js'
import { InvalidError } from '../domain/errors.js'

/**
 * A request's block reference to search by, as typed (any case, hyphens optional, O for 0, I or L
 * for 1), in the stored form; its start (4 characters or more) searches too. A 400 naming the field
 * when it cannot be one.
 */
export function referenceField (field: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined
  const reference = readReference(text)
  if (reference === null) throw new InvalidError(`${field} must be a block reference like K7QM-4XRT, or its first 4 characters or more`)
  return reference
}

import { parseInstant } from '../domain/instant.js'
import type { Instant } from '../domain/instant.js'
import { InvalidError } from '../domain/errors.js'

/**
 * A date-time field of a request as epoch ms, read by parseInstant; a 400 naming the field when it
 * does not read. The schemas' date-time format is the same reading, so a request that passed its
 * schema always reads here: this keeps a caller that skips the schema from storing NaN.
 */
export function timeField (field: string, text: string): Instant {
  const ms = parseInstant(text)
  if (ms === null) throw new InvalidError(`${field} is not a valid date-time`)
  return ms
}

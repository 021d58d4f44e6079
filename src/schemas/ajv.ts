import { Ajv } from 'ajv'
import type { ErrorObject } from 'ajv'

/**
 * The ajv instance for everything that is not a route body (fastify compiles those itself):
 * configuration now, the national feed later. allErrors off: the first error is the one we name.
 */
export const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true })

/** "port must be <= 65535": the path of the bad key and ajv's words, never the value. */
export function describeError (error: ErrorObject | undefined, root: string): string {
  if (error === undefined) return `${root} is invalid`
  const path = error.instancePath.replace(/^\//, '').replaceAll('/', '.')
  const where = path === '' ? root : path
  if (error.keyword === 'additionalProperties') {
    // Config keys are ours to name (a request body's unknown keys are never echoed: plugins/errors.ts).
    return `${where} has an unknown key: ${String(error.params.additionalProperty)}`
  }
  return `${where} ${error.message ?? 'is invalid'}`
}

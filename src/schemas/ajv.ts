import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import type { ErrorObject } from 'ajv'
import { isInstantText } from '../domain/instant.js'

/**
 * ajv-formats' formats, with `date-time` read by parseInstant (domain/instant.ts): the one reading
 * of a date-time, so that what a schema lets through always has an instant, in every ajv instance.
 */
export function withFormats (instance: Ajv): Ajv {
  addFormats.default(instance)
  instance.addFormat('date-time', { type: 'string', validate: isInstantText })
  return instance
}

/**
 * The ajv instance for everything that is not a route body (fastify compiles those itself):
 * configuration, the national feed, import rows. allErrors off: the first error is the one we name.
 */
export const ajv = withFormats(new Ajv({ allErrors: false, strict: true, allowUnionTypes: true }))

/**
 * "port must be <= 65535": the path of the bad key and ajv's words, never the value. An unknown key
 * is named only when it is ours to name (configuration); in data from outside it could be anything.
 */
export function describeError (error: ErrorObject | undefined, root: string, nameUnknownKeys = false): string {
  if (error === undefined) return `${root} is invalid`
  const path = error.instancePath.replace(/^\//, '').replaceAll('/', '.')
  const where = path === '' ? root : path
  if (error.keyword === 'additionalProperties') {
    return nameUnknownKeys ? `${where} has an unknown key: ${String(error.params.additionalProperty)}` : `${where} has an unknown key`
  }
  return `${where} ${error.message ?? 'is invalid'}`
}

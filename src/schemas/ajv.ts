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
 * configuration, the national feed, import rows. allErrors off: the first error is the one we name;
 * verbose, so that an error carries the schema it broke and can list what is allowed (the value it
 * also carries is never put in a message).
 */
export const ajv = withFormats(new Ajv({ allErrors: false, strict: true, allowUnionTypes: true, verbose: true }))

/** A field name that may be quoted back: a short identifier, which cannot be a number, an email or an address. */
const NAMEABLE = /^[A-Za-z][A-Za-z0-9_]{0,39}$/
const DIGIT_RUN = /[0-9]{3}/

/**
 * What a failed keyword means, without the value: ajv's words, an unknown field named when it is a
 * plain identifier (`nameUnknownKeys` names any key: configuration is ours), the fields or values
 * the schema allows listed.
 */
export function ruleOf (error: ErrorObject, nameUnknownKeys = false): string {
  if (error.keyword === 'additionalProperties') {
    const key = String(error.params.additionalProperty)
    const named = nameUnknownKeys || (NAMEABLE.test(key) && !DIGIT_RUN.test(key))
    const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties
    const allowed = properties === undefined ? '' : `; allowed: ${Object.keys(properties).join(', ')}`
    return `has a field that is not allowed${named ? `: ${key}` : ''}${allowed}`
  }
  if (error.keyword === 'enum') {
    const values = (error.params.allowedValues as unknown[] | undefined) ?? []
    return `must be one of: ${values.map((value) => String(value)).join(', ')}`
  }
  return error.message ?? 'is invalid'
}

/**
 * "port must be <= 65535": the path of the bad key and the rule (ruleOf), never the value. An
 * unknown key is named whatever it is only when it is ours to name (configuration).
 */
export function describeError (error: ErrorObject | undefined, root: string, nameUnknownKeys = false): string {
  if (error === undefined) return `${root} is invalid`
  const path = error.instancePath.replace(/^\//, '').replaceAll('/', '.')
  const where = path === '' ? root : path
  return `${where} ${ruleOf(error, nameUnknownKeys)}`
}

/**
 * Two validators: request bodies are strict (a number where a string belongs is a 400, not a
 * coercion); query strings and params are text by nature, so they are coerced to the schema's types.
 * Unknown fields are rejected everywhere, never silently removed.
 */
export function requestValidatorCompiler () {
  // verbose: an error carries the schema it broke, so its message can list what is allowed (ruleOf)
  const options = { removeAdditional: false, useDefaults: true, allErrors: false, strict: false, verbose: true } as const
  const strictAjv = withFormats(new Ajv({ ...options, coerceTypes: false }))
  const coercingAjv = withFormats(new Ajv({ ...options, coerceTypes: 'array' }))
  return ({ schema, httpPart }: { schema: object, httpPart?: string }) =>
    (httpPart === 'body' ? strictAjv : coercingAjv).compile(schema)
}

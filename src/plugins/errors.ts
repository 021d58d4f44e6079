import type { FastifyError, FastifyInstance } from 'fastify'
import { HttpError } from '../services/http-error.js'

/**
 * Fastify's own 4xx errors by code, with our fixed words: their native messages can quote the
 * body (Node's JSON.parse error shows the text it choked on), and a body may hold a victim's
 * address.
 */
const FASTIFY_CODES: Record<string, { error: string, message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { error: 'invalid_json', message: 'the body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { error: 'invalid_json', message: 'the body is empty' },
  FST_ERR_CTP_BODY_TOO_LARGE: { error: 'body_too_large', message: 'the body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { error: 'unsupported_media_type', message: 'send application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { error: 'invalid_request', message: 'the content length does not match the body' },
  FST_ERR_CTP_INVALID_TYPE: { error: 'invalid_request', message: 'the content type is invalid' },
  FST_ERR_CTP_EMPTY_TYPE: { error: 'invalid_request', message: 'the content type is empty' },
  FST_ERR_BAD_URL: { error: 'invalid_request', message: 'the URL is malformed' },
  FST_ERR_ASYNC_CONSTRAINT: { error: 'invalid_request', message: 'the request could not be routed' }
}

/** "body/phones/0 must NOT have more than 64 characters": the place and the rule, never the value. */
function validationMessage (error: FastifyError): string {
  const first = error.validation?.[0]
  if (first === undefined) return 'the request is invalid'
  const where = `${error.validationContext ?? 'body'}${first.instancePath}`
  if (first.keyword === 'additionalProperties') return `${where} has a field that is not allowed`
  return `${where} ${first.message ?? 'is invalid'}`
}

/** One error path with boring bodies (STYLE.md #7). */
export function registerErrorHandlers (app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof HttpError) {
      return reply.code(error.statusCode).send({ error: error.code, message: error.message })
    }
    if (error.validation !== undefined) {
      return reply.code(400).send({ error: 'invalid_request', message: validationMessage(error) })
    }
    const known = error.code === undefined ? undefined : FASTIFY_CODES[error.code]
    const status = error.statusCode ?? 500
    if (status === 429) {
      return reply.code(429).send({ error: 'rate_limited', message: 'too many requests; slow down' })
    }
    if (status >= 400 && status < 500) {
      return reply.code(status).send(known ?? { error: 'invalid_request', message: 'the request is invalid' })
    }
    // The message is left out: some (a SyntaxError's) quote the text they failed on.
    request.log.error({ err: { type: error.name, code: error.code, frames: error.stack?.split('\n').slice(1).join('\n') } }, 'internal error')
    return reply.code(500).send({ error: 'internal', message: 'internal error' })
  })
}

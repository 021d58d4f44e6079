import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ErrorObject } from 'ajv'
import { REQUEST_LINE } from '../logger.js'
import { ruleOf } from '../schemas/ajv.js'
import { DomainError } from '../domain/errors.js'
import type { ErrorKind } from '../domain/errors.js'
import { SECURITY_HEADERS } from './security-headers.js'

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
  FST_ERR_MAX_PARAM_LENGTH: { error: 'invalid_request', message: 'a path parameter is too long' },
  FST_ERR_ASYNC_CONSTRAINT: { error: 'invalid_request', message: 'the request could not be routed' }
}

/** "body/phones/0 must NOT have more than 64 characters": the place and the rule (ruleOf), never the value. */
function validationMessage (error: FastifyError): string {
  const first = error.validation?.[0]
  if (first === undefined) return 'the request is invalid'
  return `${error.validationContext ?? 'body'}${first.instancePath} ${ruleOf(first as ErrorObject)}`
}

interface ErrorAnswer { status: number, body: { error: string, message: string } }

/** The status code of each kind of domain error. */
const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  corrupt: 500
}

/** Maps any error to a status and a fixed body. */
export function answerFor (error: FastifyError): ErrorAnswer {
  if (error instanceof DomainError) return { status: STATUS[error.kind], body: { error: error.code, message: error.message } }
  if (error.validation !== undefined) return { status: 400, body: { error: 'invalid_request', message: validationMessage(error) } }
  if (typeof error.code === 'string' && error.code.startsWith('SQLITE_')) {
    // Read-only file, full disk, a lock held too long: the transaction rolled back whole.
    return { status: 503, body: { error: 'store_unavailable', message: 'the store could not be written; nothing was changed' } }
  }
  const status = error.statusCode ?? 500
  if (status === 429) return { status, body: { error: 'rate_limited', message: 'too many requests; slow down' } }
  const known = error.code === undefined ? undefined : FASTIFY_CODES[error.code]
  if (status >= 400 && status < 500) return { status, body: known ?? { error: 'invalid_request', message: 'the request is invalid' } }
  return { status: 500, body: { error: 'internal', message: 'internal error' } }
}

/**
 * A check route that cannot answer (rate limit, overload, a fault) says so in the one word every
 * caller knows means block: `"decision": "unavailable"` (docs/API.md). 4xx for a bad request stay 4xx.
 */
function send (request: FastifyRequest, reply: FastifyReply, { status, body }: ErrorAnswer) {
  const isCheck = request.routeOptions.config.auth === 'check'
  if (isCheck && status >= 429) {
    request.logFields = { ...request.logFields, decision: 'unavailable' }
    return reply.code(status === 429 ? 429 : 503).send({ decision: 'unavailable', ...body })
  }
  return reply.code(status).send(body)
}

/** One error path with boring bodies (docs/DEVELOPMENT.md, Principles). */
export function registerErrorHandlers (app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const answer = answerFor(error)
    if (answer.status >= 500 && answer.body.error !== 'unavailable') {
      // The message is left out: some (a SyntaxError's) quote the text they failed on.
      request.log.error({ reqId: request.id, err: error }, 'internal error')
    }
    return send(request, reply, answer)
  })
}

/**
 * Errors fastify raises before routing (a malformed URL, a path parameter too long) bypass the
 * error handler; without this their default bodies quote the URL, which may hold a contact detail.
 */
export function frameworkErrors (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const answer = answerFor(error)
  request.log.info({ reqId: request.id, method: request.method, route: null, status: answer.status, error: answer.body.error }, REQUEST_LINE)
  // The app's onSend hook never sees these answers, so they carry the headers here.
  void reply.code(answer.status).headers(SECURITY_HEADERS).send(answer.body)
}

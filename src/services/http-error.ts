import { DomainError } from '../domain/errors.js'
import type { ErrorKind } from '../domain/errors.js'

/**
 * TODO: remove once no service throws it. An error given as an HTTP status, read as the domain
 * error of that status's kind, for code written before domain errors.
 */
const KINDS: Record<number, ErrorKind> = { 400: 'invalid', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 429: 'rate_limited', 503: 'unavailable', 500: 'corrupt' }

export class HttpError extends DomainError {
  constructor (readonly statusCode: number, code: string, message: string) {
    super(KINDS[statusCode] ?? 'invalid', code, message)
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, 'invalid_request', message)

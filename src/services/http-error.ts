/**
 * An error the client can act on. The message is fixed text that may name a field but never
 * carries a value the client sent (docs/API.md: errors never echo a contact detail back).
 */
export class HttpError extends Error {
  constructor (readonly statusCode: number, readonly code: string, message: string) {
    super(message)
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, 'invalid_request', message)

/**
 * What went wrong, in the domain's words. Services, plugins and the store throw these; the HTTP
 * layer (plugins/errors.ts) maps each kind to a status code, and the Postfix policy adapter
 * (policy/policy-check.ts) to its own answer. A message is fixed text that may name a field but never
 * carries a value the caller sent (docs/API.md: errors never echo a contact detail back).
 */
export type ErrorKind =
  /** the request cannot be acted on as it is: a field is missing, malformed or contradicts another */
  | 'invalid'
  /** the caller may not do this here (a feed client without an establishment) */
  | 'forbidden'
  /** no such entry, reference or held change */
  | 'not_found'
  /** the thing exists but is not in a state that allows this (already lifted, from the hub) */
  | 'conflict'
  /** too many requests or failed tokens from one caller */
  | 'rate_limited'
  /** the daemon cannot decide or act now (index not loaded, stopping, key rotated): treat as block */
  | 'unavailable'
  /** a stored value failed its integrity check or is sealed under a key this process lacks */
  | 'corrupt'

export class DomainError extends Error {
  constructor (readonly kind: ErrorKind, readonly code: string, message: string) {
    super(message)
  }
}

/** A request that cannot be acted on as it is; the message names the field. */
export class InvalidError extends DomainError {
  constructor (message: string) {
    super('invalid', 'invalid_request', message)
  }
}

export class NotFoundError extends DomainError {
  constructor (message: string) {
    super('not_found', 'not_found', message)
  }
}

export class ForbiddenError extends DomainError {
  constructor (message: string) {
    super('forbidden', 'forbidden', message)
  }
}

/** `code` says which state stands in the way (already_lifted, hub_entry ...). */
export class ConflictError extends DomainError {
  constructor (code: string, message: string) {
    super('conflict', code, message)
  }
}

export class RateLimitedError extends DomainError {
  constructor (message: string) {
    super('rate_limited', 'rate_limited', message)
  }
}

/** The daemon cannot decide or act now; every caller treats it as block. `code` says why. */
export class UnavailableError extends DomainError {
  constructor (message: string, code = 'unavailable') {
    super('unavailable', code, message)
  }
}

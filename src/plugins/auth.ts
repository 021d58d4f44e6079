import { hash, timingSafeEqual } from 'node:crypto'
import type { Socket } from 'node:net'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Client, Role } from '../config.js'
import { RateLimitedError } from '../domain/errors.js'
import { createAuthFailures } from './auth-failures.js'
import type { AuthFailureOptions } from './auth-failures.js'

/**
 * What a route declares in `config.auth`: the role it needs, 'client' for any known client whatever
 * its roles (GET /v1/whoami), or 'none' for health checks.
 */
export type AuthRule = Role | 'client' | 'none'

declare module 'fastify' {
  interface FastifyContextConfig { auth?: AuthRule }
  interface FastifyRequest { client: Client | null }
}

export interface RouteRule { method: string, url: string, auth: AuthRule }

// The scheme name is case-insensitive (RFC 7235, section 2.1).
const BEARER = /^Bearer +([\x21-\x7e]{1,512})$/i

function deny (reply: FastifyReply, status: 401 | 403, error: string, message: string): void {
  void reply.code(status).send({ error, message })
}

/**
 * The header that last authenticated on a connection, and its client. A phone system or mail room
 * keeps its connection open and sends the same header with every check: the same text again is
 * the same client, without the token's SHA-256 and the comparison with every client, which would
 * cost every check part of its event-loop time. Another header on the same connection (a proxy that carries
 * several clients) takes the whole path and replaces it.
 */
const LAST = Symbol('upc.lastAuthorization')

/** Equal texts, compared in time that depends only on their length, not on where they differ. */
function sameText (a: string, b: string): boolean {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return diff === 0
}

/**
 * Finds the client whose token hashes to the same SHA-256. Every client is compared, with
 * timingSafeEqual and no early exit, so the time taken says nothing about which one (or how much
 * of one) matched. `compare` is there so a test can count the comparisons (test/plugins/auth.test.ts).
 */
export function createClientMatcher (clients: () => readonly Client[], compare: (a: Buffer, b: Buffer) => boolean = timingSafeEqual) {
  // The hashes as bytes, once: the client list does not change while the daemon runs.
  const known = clients().map((client) => ({ client, hash: Buffer.from(client.tokenSha256, 'hex') }))
  return (token: string): Client | null => {
    const presented = hash('sha256', token, 'buffer') as unknown as Buffer
    let found: Client | null = null
    for (const { client, hash } of known) {
      const same = compare(presented, hash)
      if (same && found === null) found = client
    }
    return found
  }
}

export interface AuthOptions {
  /** unrecognised tokens a source address may present in a window before it is refused */
  failures: AuthFailureOptions
  /** epoch ms; tests pass a fake clock */
  clock: () => number
}

/**
 * Deny by default: a route without an auth rule refuses everyone, so forgetting one fails closed.
 * 401 for no or bad token, 403 for the wrong role (docs/API.md). A source address that presents too
 * many unrecognised tokens gets 429 until its window ends, before its token is compared
 * (plugins/auth-failures.ts).
 */
export function registerAuth (app: FastifyInstance, clients: () => readonly Client[], options: AuthOptions): RouteRule[] {
  const match = createClientMatcher(clients)
  const failures = createAuthFailures(options.failures)
  const { clock } = options
  const windowSeconds = Math.ceil(options.failures.timeWindowMs / 1000)
  const rules: RouteRule[] = []
  // Every route states its rule or the daemon does not start (HEAD routes copy their GET's).
  app.addHook('onRoute', (route) => {
    const auth = route.config?.auth
    if (auth === undefined) throw new Error(`route ${String(route.method)} ${route.url} has no auth rule`)
    for (const method of [route.method].flat()) rules.push({ method, url: route.url, auth })
  })
  app.decorateRequest('client', null)
  // A callback hook, not an async one: it runs before every request, and a promise a request is
  // dear at tens of thousands a second (docs/PERFORMANCE.md). A refusal is sent and done is not called.
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    if (request.is404) return done()
    const rule = request.routeOptions.config.auth
    if (rule === 'none') return done()
    if (rule === undefined) return deny(reply, 403, 'forbidden', 'this route has no access rule')
    const header = request.headers.authorization
    const socket = request.raw.socket as Socket & { [LAST]?: { header: string, client: Client } }
    const last = socket[LAST]
    let client: Client | null = null
    if (last !== undefined && header !== undefined && sameText(header, last.header)) {
      client = last.client
    } else {
      const refusedFor = failures.refusedFor(request.ip, clock())
      if (refusedFor > 0) {
        void reply.header('retry-after', refusedFor)
        return done(new RateLimitedError('too many unrecognised tokens from this address; wait and retry'))
      }
      const token = header === undefined ? null : BEARER.exec(header)?.[1] ?? null
      if (token === null) return deny(reply, 401, 'unauthorized', 'a bearer token is required')
      client = match(token)
      if (client === null) {
        // The address and counts only: never the token, nor anything of it.
        if (failures.fail(request.ip, clock())) {
          request.log.warn({ reqId: request.id, source: request.ip, failures: options.failures.max, windowSeconds }, 'unrecognised tokens from one address: refused until its window ends')
        }
        return deny(reply, 401, 'unauthorized', 'the token is not recognised')
      }
      socket[LAST] = { header: header as string, client }
    }
    // Known before the role is checked: a refusal's log line names the client it refused.
    request.client = client
    if (rule !== 'client' && !client.roles.includes(rule)) return deny(reply, 403, 'forbidden', `this needs the ${rule} role`)
    done()
  })
  return rules
}

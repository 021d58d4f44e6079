import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify'
import { RateLimitedError } from '../domain/errors.js'
import { setBounded } from './bounded-map.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: this route has no rate limit (health probes) */
    rateLimit?: boolean
  }
}

export interface RateLimitOptions {
  /** requests a client may make in one window */
  max: number
  timeWindowMs: number
  /** epoch ms; tests pass a fake clock */
  clock: () => number
}

/**
 * Anonymous callers (no client: a 404, a page, the OpenAPI document) are counted per source
 * address, at most this many addresses a window; a new address past it evicts the oldest one.
 */
export const MAX_ADDRESSES = 10_000

/**
 * A fixed window a caller: at most `max` requests in each window of `timeWindowMs`. A client
 * (once auth has run) is counted in a map of its own, keyed by its name: clients are configured,
 * so that map is bounded, and no address, however many, can share or crowd out a client's count.
 * Anonymous requests are counted per source address in a second map, bounded by evicting the
 * oldest address. Synchronous, with no promise, no per-request object and no header on an answer
 * under the limit: the limit is on a check's hot path.
 *
 * Past the limit the request fails with 429 through the error handler (a check says
 * `"decision": "unavailable"` there), with Retry-After and the x-ratelimit-* headers.
 */
export function createRateLimit (options: RateLimitOptions) {
  const { max, timeWindowMs, clock } = options
  let clients = new Map<string, number>()
  let addresses = new Map<string, number>()
  let windowEnds = 0

  /** The caller's count in the current window, this request included. */
  function count (request: FastifyRequest): number {
    const now = clock()
    // A clock stepped back starts a new window too: a stale end far ahead would hold the counts.
    if (now >= windowEnds || windowEnds - now > timeWindowMs) {
      clients = new Map()
      addresses = new Map()
      windowEnds = now + timeWindowMs
    }
    const client = request.client
    if (client !== null) {
      const next = (clients.get(client.name) ?? 0) + 1
      clients.set(client.name, next)
      return next
    }
    const next = (addresses.get(request.ip) ?? 0) + 1
    setBounded(addresses, request.ip, next, MAX_ADDRESSES)
    return next
  }

  const limit = (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void => {
    const used = count(request)
    if (used <= max) return done()
    const resetSeconds = Math.max(1, Math.ceil((windowEnds - clock()) / 1000))
    void reply.headers({
      'retry-after': resetSeconds,
      'x-ratelimit-limit': max,
      'x-ratelimit-remaining': 0,
      'x-ratelimit-reset': resetSeconds
    })
    done(new RateLimitedError('too many requests; slow down'))
  }
  return limit satisfies preHandlerHookHandler
}

/**
 * Every route is limited unless its config says `rateLimit: false`. The hook is added to each route
 * as it is registered (after auth, so that the count is the client's), rather than as a global hook
 * that reads the route's options on every request. Returns the hook for the 404 handler.
 */
export function registerRateLimit (app: FastifyInstance, options: RateLimitOptions) {
  const limit = createRateLimit(options)
  app.addHook('onRoute', (route) => {
    if (route.config?.rateLimit === false) return
    route.preHandler = [limit, ...[route.preHandler ?? []].flat()]
  })
  return limit
}

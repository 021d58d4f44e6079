import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify'
import { HttpError } from '../services/http-error.js'

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
 * Past this many distinct callers in one window, new ones share one count: a flood of requests
 * from many addresses (404s, no token) is limited together instead of growing the map without end.
 */
const MAX_KEYS = 10_000
const OVERFLOW = '\u0000overflow'

/**
 * A fixed window a caller: at most `max` requests in each window of `timeWindowMs`, counted per
 * client (its name once auth has run) or per address when there is no client. Synchronous, with no
 * promise, no per-request object and no header on an answer under the limit: @fastify/rate-limit
 * did the same job with three awaits and a route-options object a request, about 2 us of the event
 * loop a check (issue 6, docs/PERFORMANCE.md), more than the look-up itself.
 *
 * Past the limit the request fails with 429 through the error handler (a check says
 * `"decision": "unavailable"` there), with Retry-After and the x-ratelimit-* headers.
 */
export function createRateLimit (options: RateLimitOptions) {
  const { max, timeWindowMs, clock } = options
  let counts = new Map<string, number>()
  let windowEnds = 0

  /** The caller's count in the current window, this request included. */
  function count (key: string): number {
    const now = clock()
    // A clock stepped back starts a new window too: a stale end far ahead would hold the counts.
    if (now >= windowEnds || windowEnds - now > timeWindowMs) {
      counts = new Map()
      windowEnds = now + timeWindowMs
    }
    const counted = counts.size < MAX_KEYS || counts.has(key) ? key : OVERFLOW
    const next = (counts.get(counted) ?? 0) + 1
    counts.set(counted, next)
    return next
  }

  const limit = (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void => {
    const used = count(request.client?.name ?? request.ip)
    if (used <= max) return done()
    const resetSeconds = Math.max(1, Math.ceil((windowEnds - clock()) / 1000))
    void reply.headers({
      'retry-after': resetSeconds,
      'x-ratelimit-limit': max,
      'x-ratelimit-remaining': 0,
      'x-ratelimit-reset': resetSeconds
    })
    done(new HttpError(429, 'rate_limited', 'too many requests; slow down'))
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

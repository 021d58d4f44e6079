import type { Socket } from 'node:net'
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import { createRefusalLog } from '../connection-refusals.js'

/**
 * The time limits of the HTTP server, as fastify options (node's http server underneath):
 * - requestTimeout: a request (headers and body) must be whole this long after it began, however
 *   steadily it trickles in; past it the connection is answered 408 (client-errors.ts) and closed;
 * - http.headersTimeout: the same for the headers alone, which also ends a connection that never
 *   sends a byte;
 * - connectionTimeout: a connection with a request in hand on which nothing moves either way this
 *   long (a client that never reads its answer) is closed;
 * - keepAliveTimeout: a connection quiet after an answer is closed.
 * Node looks for late requests every connectionsCheckingInterval (30 s by default); a quarter of
 * the shorter timeout cuts a late request within 125% of its limit.
 */
export function connectionOptions (http: Config['http']) {
  return {
    requestTimeout: http.requestTimeoutMs,
    connectionTimeout: http.idleTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    http: {
      requestTimeout: http.requestTimeoutMs,
      headersTimeout: http.headersTimeoutMs,
      connectionsCheckingInterval: Math.max(25, Math.floor(Math.min(http.headersTimeoutMs, http.requestTimeoutMs) / 4))
    }
  }
}

/**
 * At most `max` open connections; node closes a new one past it before it is read, so the open ones
 * keep being answered. Refusals are counted in the log, a line a minute at most.
 */
export function capConnections (app: FastifyInstance, max: number, logger: FastifyBaseLogger): void {
  app.server.maxConnections = max
  const refusals = createRefusalLog(logger, 'http')
  app.server.on('drop', () => refusals.refused('maxConnections'))
  app.addHook('onClose', async () => refusals.stop())
}

/**
 * Lifts http.idleTimeoutMs for the rest of one request whose work is quiet on the wire for long; node
 * puts it back for the connection's next request. An injected request (tests) has no socket timer.
 */
export function liftIdleTimeout (request: FastifyRequest): void {
  const socket: Partial<Socket> = request.raw.socket
  if (typeof socket.setTimeout === 'function') socket.setTimeout(0)
}

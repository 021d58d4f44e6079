import type { FastifyInstance } from 'fastify'
import { UnavailableError } from '../domain/errors.js'

const REAP_EVERY_MS = 50

/**
 * A drain that ends. On close, Node's server.close() destroys only the keep-alive connections idle
 * at that moment; one whose request was still in flight (a body still arriving, a pipelined
 * request) stays open after its answer until the keep-alive timeout (fastify's default is 72 s),
 * so the process outlives a supervisor's stop timeout and is killed with its audit queue unwritten.
 * While closing, every answer says `Connection: close` and idle connections are reaped as they
 * appear; in-flight requests are still answered. A request that arrives on an open connection
 * after the signal is refused with 503 through the error handler, so a check gets the answer every
 * caller knows as block, `{"decision": "unavailable"}` (docs/API.md), with the usual headers and log
 * line; fastify's own return503OnClosing body says neither (it is off in app.ts).
 */
export function registerDrain (app: FastifyInstance): void {
  let closing = false
  let reaper: NodeJS.Timeout | null = null
  app.addHook('preClose', async () => {
    closing = true
    reaper = setInterval(() => app.server.closeIdleConnections(), REAP_EVERY_MS)
    reaper.unref()
  })
  app.addHook('onClose', async () => {
    if (reaper !== null) clearInterval(reaper)
  })
  const stopping = new UnavailableError('the daemon is stopping; treat as block and try again')
  app.addHook('onRequest', (_request, _reply, done) => {
    if (closing) return done(stopping)
    done()
  })
  // A callback hook, not an async one: it runs on every answer, and a promise a request is dear.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close')
    done(null, payload)
  })
}

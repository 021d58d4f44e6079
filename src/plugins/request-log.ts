import type { FastifyInstance } from 'fastify'
import { REQUEST_LINE, lineMs, wholeLines } from '../logger.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** extra fields for the one log line of this request (ids and hashes only) */
    logFields: Record<string, unknown> | null
    /** the line is written elsewhere (a check's, with its audit row): this plugin writes none */
    lineWritten: boolean
  }
}

/**
 * One log line per request, written once the answer is sent: its id, client, method, route template
 * (never the URL, which may hold a contact detail), status and time, plus what the route added to
 * `request.logFields` (a check's decision, matched ids and keyed hashes). A check's line is written
 * with its audit row instead (`request.lineWritten`). docs/DATA.md describes the lines.
 */
export function registerRequestLog (app: FastifyInstance): void {
  app.decorateRequest('logFields', null)
  app.decorateRequest('lineWritten', false)
  app.addHook('onResponse', (request, reply, done) => {
    if (request.lineWritten) return done()
    const fields = {
      reqId: request.id,
      client: request.client?.name ?? null,
      method: request.method,
      route: request.routeOptions.url ?? null,
      status: reply.statusCode,
      ms: lineMs(reply.elapsedTime),
      ...request.logFields
    }
    for (const line of wholeLines(fields)) request.log.info(line, REQUEST_LINE)
    done()
  })
}

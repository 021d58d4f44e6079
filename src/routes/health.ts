import type { FastifyInstance } from 'fastify'
import type { IndexState } from '../services/index-state.js'

const healthBody = {
  type: 'object',
  additionalProperties: false,
  required: ['status'],
  properties: {
    status: { type: 'string' },
    indexVersion: { type: 'integer' },
    entries: { type: 'integer' }
  }
} as const

/** Liveness and readiness: no auth, so that an orchestrator can probe them. */
export function healthRoutes (indexState: IndexState) {
  return async function (app: FastifyInstance): Promise<void> {
    app.get('/healthz', {
      config: { auth: 'none', rateLimit: false },
      schema: { tags: ['health'], response: { 200: healthBody } }
    }, async () => ({ status: 'ok' }))

    app.get('/readyz', {
      config: { auth: 'none', rateLimit: false },
      schema: { tags: ['health'], response: { 200: healthBody, 503: healthBody } }
    }, async (_request, reply) => {
      if (!indexState.ready) return reply.code(503).send({ status: 'unready' })
      return { status: 'ready', indexVersion: indexState.index.version, entries: indexState.index.size }
    })
  }
}

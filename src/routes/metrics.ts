import type { FastifyInstance } from 'fastify'
import { errorBody } from '../schemas/common.js'
import { renderMetrics } from '../services/metrics.js'
import type { Gauges, Metrics } from '../services/metrics.js'

/**
 * GET /metrics for a Prometheus scraper, with a role of its own (`metrics`) so the scraper holds
 * neither admin nor check rights. Counts and ages only: no label carries anything from a request.
 */
export function metricsRoutes (metrics: Metrics, gauges: () => Gauges) {
  return async function (app: FastifyInstance): Promise<void> {
    app.get('/metrics', {
      config: { auth: 'metrics' },
      schema: {
        tags: ['metrics'],
        summary: 'Counters and gauges in the Prometheus text format',
        response: { 200: { type: 'string' }, 401: errorBody, 403: errorBody }
      }
    }, async (_request, reply) => reply
      .type('text/plain; version=0.0.4; charset=utf-8')
      .send(renderMetrics(metrics, gauges())))
  }
}

import type { FastifyInstance } from 'fastify'
import { attemptsBody, attemptsQuery } from '../schemas/attempts.js'
import type { AttemptsQueryText } from '../schemas/attempts.js'
import { errorBody } from '../schemas/common.js'
import { entryLookupParams } from '../schemas/entry.js'
import type { AttemptsQuery, AttemptsService } from '../services/attempts.js'
import { timeField } from '../services/time-field.js'

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody }

/** A request's period and page, its times read like everywhere else. */
export function attemptsQueryOf (query: AttemptsQueryText): AttemptsQuery {
  return {
    limit: query.limit ?? 100,
    ...(query.from === undefined ? {} : { from: timeField('from', query.from) }),
    ...(query.to === undefined ? {} : { to: timeField('to', query.to) }),
    ...(query.before === undefined ? {} : { before: query.before })
  }
}

/** The blocked attempts on one block, from the audit trail (docs/ALERTS.md). Admin only. */
export function attemptRoutes (attempts: AttemptsService) {
  return async function (app: FastifyInstance): Promise<void> {
    app.get('/v1/entries/:id/attempts', {
      config: { auth: 'admin' },
      schema: { tags: ['entries'], summary: 'Blocked attempts on a block, newest first, with counts by prisoner and channel', params: entryLookupParams, querystring: attemptsQuery, response: { 200: attemptsBody, ...errors } }
    }, async (request) => {
      const { id } = request.params as { id: string }
      request.logFields = { entryId: id }
      const page = attempts.list(id, attemptsQueryOf(request.query as AttemptsQueryText))
      request.logFields = { entryId: page.entryId }
      return { ...page, items: page.items.map((item) => ({ ...item, at: new Date(item.at).toISOString() })) }
    })
  }
}

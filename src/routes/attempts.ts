import type { FastifyInstance } from 'fastify'
import { attemptsBody, attemptsQuery, evidenceQuery } from '../schemas/attempts.js'
import type { AttemptsQueryText, EvidenceQueryText } from '../schemas/attempts.js'
import { errorBody } from '../schemas/common.js'
import { entryLookupParams } from '../schemas/entry.js'
import type { AttemptsQuery, AttemptsService } from '../services/attempts.js'
import { evidenceCsv, evidenceHtml } from '../services/evidence.js'
import type { EvidenceService } from '../services/evidence.js'
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

/** The printed report's own policy: its one style block, nothing else loads or runs. */
const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/** The blocked attempts on one block, and the evidence report of them (docs/ALERTS.md, docs/EVIDENCE.md). Admin only. */
export function attemptRoutes (attempts: AttemptsService, evidence: EvidenceService) {
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

    app.get('/v1/entries/:id/evidence', {
      config: { auth: 'admin' },
      schema: {
        tags: ['entries'],
        summary: 'Evidence of the attempts on a block over a period: CSV, or a page to print (docs/EVIDENCE.md)',
        params: entryLookupParams,
        querystring: evidenceQuery,
        produces: ['text/csv', 'text/html'],
        response: { 200: { type: 'string' }, ...errors }
      }
    }, async (request, reply) => {
      const { id } = request.params as { id: string }
      request.logFields = { entryId: id }
      const { format = 'html', ...rest } = request.query as EvidenceQueryText
      const { from, to } = attemptsQueryOf({ ...rest, limit: 1 })
      const report = evidence.report(id, { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) }, request.client?.name ?? '')
      request.logFields = { entryId: report.entryId, attempts: report.attempts.length }
      if (format === 'csv') {
        return reply.type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="attempts-${report.reference}.csv"`)
          .send(evidenceCsv(report))
      }
      return reply.type('text/html; charset=utf-8').header('content-security-policy', REPORT_CSP).send(evidenceHtml(report))
    })
  }
}

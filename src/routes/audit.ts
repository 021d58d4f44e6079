import type { FastifyInstance } from 'fastify'
import { errorBody } from '../schemas/common.js'
import { auditListBody, auditQuery } from '../schemas/entry.js'
import type { AuditQuery } from '../schemas/entry.js'
import type { AuditStore } from '../audit/index.js'
import type { AuditWriter } from '../audit/index.js'
import { referenceField } from '../services/reference-field.js'
import { timeField } from '../services/time-field.js'

const time = (field: string, text: string | undefined): number | undefined => (text === undefined ? undefined : timeField(field, text))

/** The audit trail, newest first, paged by id. */
export function auditRoutes (audit: AuditStore, writer: AuditWriter) {
  return async function (app: FastifyInstance): Promise<void> {
    app.get('/v1/audit', {
      config: { auth: 'admin' },
      schema: { tags: ['audit'], summary: 'The audit trail, newest first', querystring: auditQuery, response: { 200: auditListBody, 400: errorBody, 401: errorBody, 403: errorBody } }
    }, async (request) => {
      const { limit = 100, from, to, reference, ...filter } = request.query as AuditQuery
      const read = { ...filter, from: time('from', from), to: time('to', to), reference: referenceField('reference', reference) }
      // Queued check records first, so that what was decided a moment ago is already listed.
      writer.flush()
      const rows = audit.list(read, limit)
      return {
        items: rows.map((row) => ({ ...row, at: new Date(row.at).toISOString() })),
        next: rows.length === limit ? rows[rows.length - 1]?.id ?? null : null
      }
    })
  }
}

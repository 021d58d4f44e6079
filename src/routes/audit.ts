import type { FastifyInstance } from 'fastify'
import { errorBody } from '../schemas/common.js'
import { auditListBody, auditQuery } from '../schemas/entry.js'
import type { AuditQuery } from '../schemas/entry.js'
import type { AuditTrailService } from '../services/audit-trail.js'

/** The audit trail, newest first, paged by id. */
export function auditRoutes (trail: AuditTrailService) {
  return async function (app: FastifyInstance): Promise<void> {
    app.get('/v1/audit', {
      config: { auth: 'admin' },
      schema: { tags: ['audit'], summary: 'The audit trail, newest first', querystring: auditQuery, response: { 200: auditListBody, 400: errorBody, 401: errorBody, 403: errorBody } }
    }, async (request) => trail.list(request.query as AuditQuery))
  }
}

import type { FastifyInstance } from 'fastify'
import { acknowledgeBody, alertBody, alertListBody, alertParams, alertQuery, closeBody } from '../schemas/alert.js'
import type { AlertBody, AlertQuery } from '../schemas/alert.js'
import { errorBody } from '../schemas/common.js'
import type { AlertsService } from '../services/alerts.js'
import type { EntriesService } from '../services/entries.js'
import type { Alert } from '../store/alerts-store.js'

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody }
const iso = (at: number | null): string | null => (at === null ? null : new Date(at).toISOString())

/** An alert as the API gives it: times in ISO 8601. */
export function alertOut (alert: Alert): AlertBody {
  return {
    ...alert,
    firstAt: new Date(alert.firstAt).toISOString(),
    lastAt: new Date(alert.lastAt).toISOString(),
    raisedAt: new Date(alert.raisedAt).toISOString(),
    acknowledgedAt: iso(alert.acknowledgedAt),
    closedAt: iso(alert.closedAt)
  }
}

/** Alerts on blocked attempts (docs/ALERTS.md): list, acknowledge with a note, close. Admin only. */
export function alertRoutes (alerts: AlertsService, entries: EntriesService) {
  return async function (app: FastifyInstance): Promise<void> {
    app.get('/v1/alerts', {
      config: { auth: 'admin' },
      schema: { tags: ['alerts'], summary: 'Alerts, newest first, paged by id', querystring: alertQuery, response: { 200: alertListBody, ...errors } }
    }, async (request) => {
      const { limit = 50, entry, prisoner, ...filter } = request.query as AlertQuery
      // An id or a reference, read as everywhere else; an unknown block is a 404.
      const entryId = entry === undefined ? undefined : entries.find(entry).id
      const rows = alerts.list({ ...filter, prisoner: prisoner?.toUpperCase(), entryId }, limit)
      return { items: rows.map(alertOut), next: rows.length === limit ? rows[rows.length - 1]?.id ?? null : null }
    })

    app.post('/v1/alerts/:id/acknowledge', {
      config: { auth: 'admin' },
      schema: { tags: ['alerts'], summary: 'Acknowledge an open alert, with a note', params: alertParams, body: acknowledgeBody, response: { 200: alertBody, ...errors } }
    }, async (request) => {
      const { id } = request.params as { id: number }
      request.logFields = { alertId: id }
      return alertOut(alerts.acknowledge(id, (request.body as { note: string }).note, request.client?.name ?? ''))
    })

    app.post('/v1/alerts/:id/close', {
      config: { auth: 'admin' },
      schema: { tags: ['alerts'], summary: 'Close an acknowledged alert', params: alertParams, body: closeBody, response: { 200: alertBody, ...errors } }
    }, async (request) => {
      const { id } = request.params as { id: number }
      request.logFields = { alertId: id }
      return alertOut(alerts.close(id, (request.body as { note?: string } | undefined)?.note ?? null, request.client?.name ?? ''))
    })
  }
}

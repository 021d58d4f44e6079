import type { FastifyInstance } from 'fastify'
import { liftIdleTimeout } from '../plugins/connections.js'
import { errorBody } from '../schemas/common.js'
import { feedPageResponse, feedQuery, transferBody, transferParams } from '../schemas/feed.js'
import type { FeedQuery } from '../schemas/feed.js'
import type { EntriesService } from '../services/entries.js'
import type { FeedService } from '../services/feed.js'
import { ConflictError, ForbiddenError } from '../domain/errors.js'
import type { SyncService } from '../services/sync.js'

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody }

const syncReport = {
  type: 'object',
  additionalProperties: false,
  required: ['ok', 'pages', 'applied', 'removed', 'quarantined', 'held', 'cursor', 'startedAt', 'finishedAt', 'error'],
  properties: {
    ok: { type: 'boolean' },
    pages: { type: 'integer' },
    applied: { type: 'integer' },
    removed: { type: 'integer' },
    quarantined: { type: 'integer' },
    held: { type: 'integer', description: 'removals held by the brake for a person (GET /v1/sync/held)' },
    cursor: { type: 'integer' },
    startedAt: { type: 'string' },
    finishedAt: { type: 'string' },
    error: { type: ['string', 'null'] }
  }
} as const

const nullableTime = { type: ['string', 'null'] } as const
const syncStatus = {
  type: 'object',
  additionalProperties: false,
  required: ['configured', 'running', 'cursor', 'lastSuccessAt', 'lastAttemptAt', 'lastError', 'appliedTotal', 'quarantinedTotal', 'staleness', 'warnAfterSeconds', 'failAfterSeconds', 'quarantine'],
  properties: {
    configured: { type: 'boolean' },
    running: { type: 'boolean' },
    cursor: { type: 'integer' },
    lastSuccessAt: nullableTime,
    lastAttemptAt: nullableTime,
    lastError: { type: ['string', 'null'] },
    appliedTotal: { type: 'integer' },
    quarantinedTotal: { type: 'integer' },
    staleness: { enum: ['fresh', 'warn', 'fail'] },
    warnAfterSeconds: { type: 'integer' },
    failAfterSeconds: { type: 'integer' },
    quarantine: {
      type: 'array',
      description: 'the latest feed items held back, by seq and entry id (never their contents)',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'at', 'seq', 'entryId', 'reason'],
        properties: { id: { type: 'integer' }, at: { type: 'string' }, seq: { type: ['integer', 'null'] }, entryId: { type: ['string', 'null'] }, reason: { type: 'string' } }
      }
    }
  }
} as const

const transferReport = {
  type: 'object',
  additionalProperties: false,
  required: ['prisoner', 'to', 'moved'],
  properties: {
    prisoner: { type: 'string' },
    to: { type: 'string' },
    moved: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['entryId', 'from'], properties: { entryId: { type: 'string' }, from: { type: 'string' } } }
    }
  }
} as const

/** Both ends of sync: the hub's feed and transfers, the establishment's pull and its status. */
/** `afterSync`: what a manual sync also does once the entries are pulled (the requests feed). */
export function syncRoutes (feed: FeedService, sync: SyncService, entries: EntriesService, afterSync?: () => Promise<unknown>) {
  return async function (app: FastifyInstance): Promise<void> {
    app.get('/v1/feed', {
      config: { auth: 'feed' },
      schema: { tags: ['sync'], summary: 'Changes after a cursor for the caller\'s establishment', querystring: feedQuery, response: { 200: feedPageResponse, ...errors } }
    }, async (request) => {
      const establishment = request.client?.establishment
      if (establishment === undefined) throw new ForbiddenError('this feed client has no establishment configured')
      const { since = 0, limit = 500 } = request.query as FeedQuery
      const page = feed.page(establishment, since, limit)
      request.logFields = { establishment, since, next: page.next, changes: page.changes.length }
      return page
    })

    app.post('/v1/sync', {
      config: { auth: 'admin' },
      schema: { tags: ['sync'], summary: 'Pull from the hub now', response: { 200: syncReport, ...errors } }
    }, async (request) => {
      if (!sync.configured) throw new ConflictError('sync_off', 'no upstream hub is configured')
      // A manual sync may be quiet on this connection for minutes (a first sync, a slow hub):
      // http.idleTimeoutMs would cut the admin off from the report, so it does not apply here.
      liftIdleTimeout(request)
      const report = await sync.run('manual')
      await afterSync?.()
      request.logFields = { ok: report.ok, applied: report.applied, quarantined: report.quarantined }
      return report
    })

    app.get('/v1/sync', {
      config: { auth: 'admin' },
      schema: { tags: ['sync'], summary: 'The last sync: when, cursor, counts, error', response: { 200: syncStatus, ...errors } }
    }, async () => sync.status())

    app.post('/v1/prisoners/:prisoner/transfer', {
      config: { auth: 'admin' },
      schema: { tags: ['sync'], summary: 'Move a prisoner\'s prisoner-scope entries to another establishment (hub)', params: transferParams, body: transferBody, response: { 200: transferReport, ...errors } }
    }, async (request) => {
      const { prisoner } = request.params as { prisoner: string }
      const { to } = request.body as { to: string }
      const report = entries.transfer(prisoner, to, request.client?.name ?? '')
      request.logFields = { prisoner: report.prisoner, to, moved: report.moved.map((move) => move.entryId) }
      return report
    })
  }
}

import type { FastifyInstance } from 'fastify'
import { errorBody } from '../schemas/common.js'
import { createEntryBody, entryBody, entryListBody, entryLookupParams, entryParams, listEntriesQuery, liftBody } from '../schemas/entry.js'
import type { CreateEntryBody, ListEntriesQuery } from '../schemas/entry.js'
import type { EntriesService } from '../services/entries.js'

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody }

/** SPOC entry management: create, list, read, lift. */
export function entryRoutes (entries: EntriesService) {
  return async function (app: FastifyInstance): Promise<void> {
    app.post('/v1/entries', {
      config: { auth: 'admin' },
      schema: { tags: ['entries'], summary: 'Create a block entry', body: createEntryBody, response: { 201: entryBody, ...errors } }
    }, async (request, reply) => {
      const entry = entries.create(request.body as CreateEntryBody, request.client?.name ?? '')
      request.logFields = { entryId: entry.id, warnings: entry.warnings.map((warning) => warning.code) }
      return reply.code(201).send(entry)
    })

    app.get('/v1/entries', {
      config: { auth: 'admin' },
      schema: { tags: ['entries'], summary: 'List entries', querystring: listEntriesQuery, response: { 200: entryListBody, ...errors } }
    }, async (request) => {
      const { limit, offset, prisoner, ...filter } = request.query as ListEntriesQuery
      return entries.list({ ...filter, prisoner: prisoner?.toUpperCase() }, limit ?? 50, offset ?? 0)
    })

    app.get('/v1/entries/:id', {
      config: { auth: 'admin' },
      schema: { tags: ['entries'], summary: 'Read an entry, by its id or its block reference', params: entryLookupParams, response: { 200: entryBody, ...errors } }
    }, async (request) => {
      const { id } = request.params as { id: string }
      request.logFields = { entryId: id }
      const entry = entries.find(id)
      request.logFields = { entryId: entry.id }
      return entry
    })

    app.post('/v1/entries/:id/lift', {
      config: { auth: 'admin' },
      schema: { tags: ['entries'], summary: 'Lift an entry', params: entryParams, body: liftBody, response: { 200: entryBody, ...errors } }
    }, async (request) => {
      const { id } = request.params as { id: string }
      request.logFields = { entryId: id }
      return entries.lift(id, (request.body as { reason: string }).reason, request.client?.name ?? '')
    })
  }
}

import type { FastifyInstance } from 'fastify'
import { errorBody } from '../schemas/common.js'
import {
  createRequestBody, decisionBody, listRequestsQuery, noticeBody, outcomeAck, outcomeReport, renderedNotice, requestBody, requestFeedPageResponse,
  requestFeedQuery, requestListBody, requestParams
} from '../schemas/request.js'
import type { CreateRequestBody, DecisionBody, ListRequestsQuery, NoticeBody, OutcomeReport } from '../schemas/request.js'
import type { RequestsService } from '../services/requests.js'
import type { RequestRouting } from '../services/request-routing.js'
import { ForbiddenError } from '../domain/errors.js'

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody }

/**
 * The request process (docs/REQUESTS.md): record, list, read and decide requests. Admin only: a
 * request carries who asked and how to reach them. The log line names the request id only.
 */
export function requestRoutes (requests: RequestsService, routing: RequestRouting) {
  return async function (app: FastifyInstance): Promise<void> {
    /** The establishment a feed client stands for: the feed it reads, the requests it reports on. */
    const feedEstablishment = (client: { establishment?: string } | null | undefined): string => {
      const establishment = client?.establishment
      if (establishment === undefined) throw new ForbiddenError('this feed client has no establishment configured')
      return establishment
    }

    app.get('/v1/feed/requests', {
      config: { auth: 'feed' },
      schema: { tags: ['sync', 'requests'], summary: 'Hub: the requests for the caller\'s establishment after a cursor, signed like the feed', querystring: requestFeedQuery, response: { 200: requestFeedPageResponse, ...errors } }
    }, async (request) => {
      const establishment = feedEstablishment(request.client)
      const { since = 0, limit = 100 } = request.query as { since?: number, limit?: number }
      const page = routing.page(establishment, since, limit)
      request.logFields = { establishment, since, next: page.next, changes: page.changes.length }
      return page
    })

    app.post('/v1/requests/outcomes', {
      config: { auth: 'feed' },
      schema: { tags: ['sync', 'requests'], summary: 'Hub: an establishment reports a request\'s state (arrival, decision, notice); each event applies once', body: outcomeReport, response: { 200: outcomeAck, ...errors } }
    }, async (request) => {
      const establishment = feedEstablishment(request.client)
      const report = request.body as OutcomeReport
      request.logFields = { requestId: report.requestId, eventId: report.eventId }
      const result = requests.applyReport(report, establishment, request.client?.name ?? '')
      return { eventId: report.eventId, result }
    })

    app.post('/v1/requests', {
      config: { auth: 'admin' },
      schema: { tags: ['requests'], summary: 'Record a request to restrict contact, or to reinstate it', body: createRequestBody, response: { 201: requestBody, ...errors } }
    }, async (request, reply) => {
      const made = requests.create(request.body as CreateRequestBody, request.client?.name ?? '')
      request.logFields = { requestId: made.id, entryId: made.entryId }
      return reply.code(201).send(made)
    })

    app.get('/v1/requests', {
      config: { auth: 'admin' },
      schema: { tags: ['requests'], summary: 'List requests: open ones first, the most overdue first', querystring: listRequestsQuery, response: { 200: requestListBody, ...errors } }
    }, async (request) => requests.list(request.query as ListRequestsQuery))

    app.get('/v1/requests/:id', {
      config: { auth: 'admin' },
      schema: { tags: ['requests'], summary: 'Read a request', params: requestParams, response: { 200: requestBody, ...errors } }
    }, async (request) => {
      const { id } = request.params as { id: string }
      request.logFields = { requestId: id }
      return requests.get(id)
    })

    app.post('/v1/requests/:id/decision', {
      config: { auth: 'admin' },
      schema: { tags: ['requests'], summary: 'Approve or decline a request, with a rationale', params: requestParams, body: decisionBody, response: { 200: requestBody, ...errors } }
    }, async (request) => {
      const { id } = request.params as { id: string }
      request.logFields = { requestId: id }
      const decided = requests.decide(id, request.body as DecisionBody, request.client?.name ?? '')
      request.logFields = { requestId: id, entryId: decided.entryId ?? decided.liftEntryId }
      return decided
    })

    app.post('/v1/requests/:id/notice', {
      config: { auth: 'admin' },
      schema: { tags: ['requests'], summary: 'Record that the prisoner was told in writing: when, by whom (the wording is the request\'s template)', params: requestParams, body: noticeBody, response: { 200: requestBody, ...errors } }
    }, async (request) => {
      const { id } = request.params as { id: string }
      request.logFields = { requestId: id }
      return requests.recordNotice(id, request.body as NoticeBody, request.client?.name ?? '')
    })

    app.get('/v1/requests/:id/notice', {
      config: { auth: 'admin' },
      schema: { tags: ['requests'], summary: 'The prisoner\'s notice as printed, from the templates in config', params: requestParams, response: { 200: renderedNotice, ...errors } }
    }, async (request) => {
      const { id } = request.params as { id: string }
      request.logFields = { requestId: id }
      return requests.notice(id)
    })
  }
}

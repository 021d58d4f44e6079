import type { FastifyInstance } from 'fastify'
import { errorBody } from '../schemas/common.js'
import { createRequestBody, decisionBody, listRequestsQuery, noticeBody, renderedNotice, requestBody, requestListBody, requestParams } from '../schemas/request.js'
import type { CreateRequestBody, DecisionBody, ListRequestsQuery, NoticeBody } from '../schemas/request.js'
import type { RequestsService } from '../services/requests.js'

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody }

/**
 * The request process (docs/REQUESTS.md): record, list, read and decide requests. Admin only: a
 * request carries who asked and how to reach them. The log line names the request id only.
 */
export function requestRoutes (requests: RequestsService) {
  return async function (app: FastifyInstance): Promise<void> {
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

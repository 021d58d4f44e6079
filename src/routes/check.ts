import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { batchBody, batchResultBody, checkBody, decisionBody, explainBody, phoneQuery, unavailableBody } from '../schemas/check.js'
import type { BatchBody, CheckBody, PhoneQuery } from '../schemas/check.js'
import { errorBody } from '../schemas/common.js'
import type { CheckClient, CheckOutcome, CheckService, RequestLine } from '../services/check.js'

const responses = { 200: decisionBody, 400: errorBody, 401: errorBody, 403: errorBody, 503: unavailableBody }

/**
 * The request's log line goes out with the check's audit row (audit/check-record.ts), from the
 * audit thread: the request log (plugins/request-log.ts) writes none for it.
 */
function lineOf (request: FastifyRequest, reply: FastifyReply, route: string): RequestLine {
  // The route's own path, as registered: request.routeOptions builds an object a call.
  return { reqId: request.id, method: request.method, route, elapsedMs: () => reply.elapsedTime }
}

/** The decision as answered; a check that throws (unavailable, a bad request) is logged as usual. */
function answer (request: FastifyRequest, outcome: CheckOutcome) {
  request.lineWritten = true
  return { decision: outcome.decision, matches: outcome.matches, indexVersion: outcome.indexVersion }
}

/** A percent-escape left in a query value: fastify's parser met a malformed one and left the value raw. */
const RAW_ESCAPE = /%[0-9A-Fa-f]{2}/

/**
 * A query value as the client meant it. Left raw, its `+` are form-encoded spaces; its escapes are
 * decoded by the phone normaliser, which never lets a malformed one's hex digits into the number.
 */
function rawQueryValue (value: string): string {
  return RAW_ESCAPE.test(value) ? value.replace(/\+/g, ' ') : value
}

/** The check API: thin handlers over the check service. */
export function checkRoutes (checks: CheckService, batchBodyLimit: number) {
  const clientOf = (request: FastifyRequest): CheckClient => request.client ?? { name: '' }
  return async function (app: FastifyInstance): Promise<void> {
    const CHECK = '/v1/check'
    app.post(CHECK, {
      config: { auth: 'check' },
      schema: { tags: ['check'], summary: 'Check one contact attempt', body: checkBody, response: responses }
    }, async (request, reply) => answer(request, checks.check(request.body as CheckBody, clientOf(request), lineOf(request, reply, CHECK))))

    app.post('/v1/check/explain', {
      config: { auth: 'admin' },
      schema: {
        tags: ['check'],
        summary: 'Explain a check: the keys of the attempt and the entries they met (SPOC only)',
        body: checkBody,
        response: { ...responses, 200: explainBody }
      }
    }, async (request) => {
      const body = request.body as CheckBody
      const { keyHashes, ...explanation } = checks.explain(body, clientOf(request))
      request.logFields = {
        prisoner: body.prisoner.toUpperCase(),
        decision: explanation.decision,
        entryIds: [...new Set(explanation.matches.map((match) => match.entryId))],
        keyHashes
      }
      return explanation
    })

    const CHECK_PHONE = '/v1/check/phone'
    app.get(CHECK_PHONE, {
      config: { auth: 'check' },
      schema: { tags: ['check'], summary: 'Check a phone call (for systems that can only GET)', querystring: phoneQuery, response: responses }
    }, async (request, reply) => {
      const query = request.query as PhoneQuery
      const body: CheckBody = { channel: 'phone', prisoner: query.prisoner, phone: rawQueryValue(query.number) }
      return answer(request, checks.check(body, clientOf(request), lineOf(request, reply, CHECK_PHONE)))
    })

    app.post('/v1/check/batch', {
      config: { auth: 'check' },
      bodyLimit: batchBodyLimit,
      schema: {
        tags: ['check'],
        summary: 'Check up to 1000 attempts; results in order',
        body: batchBody,
        response: { ...responses, 200: batchResultBody }
      }
    }, async (request) => {
      const { items } = request.body as BatchBody
      const outcomes = await checks.batch(items, clientOf(request))
      request.logFields = {
        items: outcomes.length,
        prisoners: [...new Set(items.map((item) => item.prisoner.toUpperCase()))],
        keyHashes: outcomes.flatMap((outcome) => outcome.keyHashes),
        blocked: outcomes.filter((outcome) => outcome.decision === 'block').length,
        entryIds: [...new Set(outcomes.flatMap((outcome) => outcome.matches.map((match) => match.entryId)))]
      }
      return {
        results: outcomes.map((outcome) => ({ decision: outcome.decision, matches: outcome.matches, indexVersion: outcome.indexVersion }))
      }
    })
  }
}

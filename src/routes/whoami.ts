import type { FastifyInstance } from 'fastify'
import { errorBody } from '../schemas/common.js'
import { role } from '../schemas/config.js'

const whoamiBody = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'roles'],
  properties: {
    name: { type: 'string' },
    roles: { type: 'array', items: role }
  }
} as const

/**
 * The client a token belongs to, and its roles: lets a page test a token at sign-in with a request
 * that is valid for any client and changes nothing (no check, no audit row).
 */
export function whoamiRoutes () {
  return async function (app: FastifyInstance): Promise<void> {
    app.get('/v1/whoami', {
      config: { auth: 'client' },
      schema: { tags: ['auth'], summary: 'The client this token belongs to, and its roles', response: { 200: whoamiBody, 401: errorBody } }
    }, async (request) => ({ name: request.client?.name ?? '', roles: request.client?.roles ?? [] }))
  }
}

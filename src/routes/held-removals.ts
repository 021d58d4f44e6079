import type { FastifyInstance } from 'fastify'
import { errorBody } from '../schemas/common.js'
import { heldList, resolvedBody, selectionBody } from '../schemas/held-removals.js'
import type { SelectionBody } from '../schemas/held-removals.js'
import { InvalidError } from '../domain/errors.js'
import type { HeldSelection, RemovalBrake } from '../services/removal-brake.js'

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody }

/** How many waiting changes one answer lists; `total` says how many wait in all. */
const LIST_LIMIT = 500

/** Exactly one of `ids` and `all`: a release names what it releases. */
function selectionOf (body: SelectionBody): HeldSelection {
  if (body.ids !== undefined && body.all !== undefined) throw new InvalidError('body must have ids or all, not both')
  if (body.all === true) return { all: true }
  if (body.ids === undefined) throw new InvalidError('body must have ids (the held changes) or all')
  return { ids: body.ids }
}

/** The removals the brake holds: listed, released or discarded by a SPOC, with a reason. */
export function heldRemovalRoutes (brake: RemovalBrake) {
  return async function (app: FastifyInstance): Promise<void> {
    app.get('/v1/sync/held', {
      config: { auth: 'admin' },
      schema: { tags: ['sync'], summary: 'Removals from the hub waiting for a person', response: { 200: heldList, ...errors } }
    }, async () => brake.list(LIST_LIMIT))

    for (const [path, summary, outcome] of [
      ['/v1/sync/held/release', 'Apply held removals: their blocks come off', 'released'],
      ['/v1/sync/held/discard', 'Drop held removals: their blocks keep blocking', 'discarded']
    ] as const) {
      app.post(path, {
        config: { auth: 'admin' },
        schema: { tags: ['sync'], summary, body: selectionBody, response: { 200: resolvedBody, ...errors } }
      }, async (request) => {
        const body = request.body as SelectionBody
        const selection = selectionOf(body)
        const actor = request.client?.name ?? ''
        const changes = outcome === 'released' ? brake.release(selection, actor, body.reason) : brake.discard(selection, actor, body.reason)
        request.logFields = { held: changes.map((change) => change.id), entryIds: changes.map((change) => change.entryId) }
        return { changes }
      })
    }
  }
}

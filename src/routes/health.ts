import type { FastifyInstance } from 'fastify'
import type { IndexState } from '../services/index-state.js'
import type { SyncService } from '../services/sync.js'

const healthBody = {
  type: 'object',
  additionalProperties: false,
  required: ['status'],
  properties: {
    status: { type: 'string' },
    indexVersion: { type: 'integer' },
    entries: { type: 'integer' },
    staleness: { enum: ['fresh', 'warn', 'fail'] },
    heldRemovals: { type: 'integer', description: 'removals from the hub waiting for a person' }
  }
} as const

export interface HealthDeps {
  indexState: IndexState
  sync: SyncService
  failClosed: boolean
  /** removals from the hub waiting for a person */
  heldRemovals: () => number
  /** whether the store is still sealed under the data key this process holds */
  dataKeyCurrent: () => boolean
}

/**
 * Liveness and readiness: no auth, so that an orchestrator can probe them. Ready means the index is
 * loaded and, with an upstream hub, fresh enough: past warnAfter it is degraded (still 200), past
 * failAfter with fail-closed it is 503, like the checks. Removals held by the brake make it degraded
 * too (still 200: every held block still blocks, so checks are answered right). A store re-sealed
 * under another data key behind the process's back is 503 key_rotated: its checks are still right
 * (the match keys do not change), but it can no longer write a block, an audit row or a sync, and
 * only a restart (which loads the new key) mends it.
 */
export function healthRoutes ({ indexState, sync, failClosed, heldRemovals, dataKeyCurrent }: HealthDeps) {
  // A store that cannot be read just now says nothing about the key: the checks answer from memory.
  const keyRotated = (): boolean => {
    try {
      return !dataKeyCurrent()
    } catch {
      return false
    }
  }
  return async function (app: FastifyInstance): Promise<void> {
    app.get('/healthz', {
      config: { auth: 'none', rateLimit: false },
      schema: { tags: ['health'], response: { 200: healthBody } }
    }, async () => ({ status: 'ok' }))

    app.get('/readyz', {
      config: { auth: 'none', rateLimit: false },
      schema: { tags: ['health'], response: { 200: healthBody, 503: healthBody } }
    }, async (_request, reply) => {
      if (!indexState.ready) return reply.code(503).send({ status: 'unready' })
      const staleness = sync.staleness()
      const held = heldRemovals()
      const body = { indexVersion: indexState.index.version, entries: indexState.index.size, staleness, heldRemovals: held }
      if (keyRotated()) return reply.code(503).send({ status: 'key_rotated', ...body })
      if (staleness === 'fail' && failClosed) return reply.code(503).send({ status: 'stale', ...body })
      return { status: staleness === 'fresh' && held === 0 ? 'ready' : 'degraded', ...body }
    })
  }
}

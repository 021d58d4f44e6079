import type { Match } from '../domain/block-index.js'
import { keysFor } from '../domain/contact-keys.js'
import type { ContactKind } from '../domain/detail-keys.js'
import type { KeyHasher } from '../domain/key-hash.js'
import type { Staleness } from '../domain/staleness.js'
import type { CheckBody } from '../schemas/check.js'
import type { AuditWriter } from './audit-writer.js'
import { HttpError, badRequest } from './http-error.js'
import type { IndexState } from './index-state.js'

export interface CheckOutcome {
  decision: 'block' | 'allow'
  matches: Match[]
  indexVersion: number
  /** keyed hashes of every key tried, for the log line: never the keys themselves */
  keyHashes: string[]
}

/** The daemon cannot decide: callers treat it as block (DESIGN.md). */
export class UnavailableError extends HttpError {
  constructor () {
    super(503, 'unavailable', 'the block index is not available; treat as block')
  }
}

export interface CheckDeps {
  indexState: IndexState
  auditWriter: AuditWriter
  hashKey: KeyHasher
  clock: () => number
  establishment: string
  auditChecks: 'all' | 'block' | 'none'
  /** how stale the copy of the hub's entries is (always fresh without an upstream) */
  staleness: () => Staleness
  /** answer unavailable past the fail limit, unless the client says otherwise */
  failClosed: boolean
}

/** Who is asking: the name for the log and audit, and whether a stale index must refuse them. */
export interface CheckClient { name: string, failClosed?: boolean }

const DETAILS: Array<{ field: 'phone' | 'email' | 'address', kind: ContactKind }> = [
  { field: 'phone', kind: 'phone' },
  { field: 'email', kind: 'email' },
  { field: 'address', kind: 'address' }
]

/** Keys a contact attempt looks up, from every detail it carries. */
function lookupKeys (input: CheckBody): string[] {
  const keys: string[] = []
  for (const { field, kind } of DETAILS) {
    const value = input[field]
    if (value === undefined) continue
    keys.push(...keysFor(kind, value).lookup)
  }
  return keys
}

export function createCheckService (deps: CheckDeps) {
  const { indexState, auditWriter, hashKey, clock } = deps

  /** Decides one attempt; the caller has checked that the index is ready. */
  function decide (input: CheckBody, actor: string, now: number): CheckOutcome {
    if (input.phone === undefined && input.email === undefined && input.address === undefined) {
      throw badRequest('at least one of phone, email, address is required')
    }
    const prisoner = input.prisoner.toUpperCase()
    const keys = lookupKeys(input)
    const index = indexState.index
    const matches = index.lookup(keys, {
      prisoner,
      establishment: deps.establishment,
      now
    })
    const decision = matches.length > 0 ? 'block' : 'allow'
    const keyHashes = keys.map(hashKey)
    if (deps.auditChecks === 'all' || (deps.auditChecks === 'block' && decision === 'block')) {
      auditWriter.later({
        at: now,
        actor,
        action: 'check',
        entryId: matches[0]?.entryId ?? null,
        reason: null,
        detail: { channel: input.channel, prisoner, decision, entryIds: matches.map((m) => m.entryId), keyHashes }
      })
    }
    return { decision, matches, indexVersion: index.version, keyHashes }
  }

  /** Not loaded, or too stale for a fail-closed client: the daemon cannot decide. */
  function requireReady (client: CheckClient): void {
    if (!indexState.ready) throw new UnavailableError()
    if ((client.failClosed ?? deps.failClosed) && deps.staleness() === 'fail') throw new UnavailableError()
  }

  return {
    check (input: CheckBody, client: CheckClient): CheckOutcome {
      requireReady(client)
      return decide(input, client.name, clock())
    },

    /** Every item judged at the same moment against the same index, results in order. */
    batch (items: readonly CheckBody[], client: CheckClient): CheckOutcome[] {
      requireReady(client)
      const actor = client.name
      items.forEach((item, position) => {
        if (item.phone === undefined && item.email === undefined && item.address === undefined) {
          throw badRequest(`items[${position}] needs at least one of phone, email, address`)
        }
      })
      const now = clock()
      return items.map((item) => decide(item, actor, now))
    }
  }
}

export type CheckService = ReturnType<typeof createCheckService>

import type { BlockIndex, CheckContext, KeyMatch, Match, SetAside } from '../domain/block-index.js'
import { namesInAddress } from '../domain/address.js'
import { usualReference } from '../domain/block-reference-id.js'
import { formatReference } from '../domain/block-reference.js'
import { gateOfKey, keysFor } from '../domain/contact-keys.js'
import type { ContactKind } from '../domain/detail-keys.js'
import { logHashOf } from '../domain/key-hash.js'
import type { MatchTokens } from '../domain/key-hash.js'
import type { Staleness } from '../domain/staleness.js'
import type { CheckBody } from '../schemas/check.js'
import type { AttemptQueue } from './attempt-queue.js'
import type { AuditWriter } from '../audit/index.js'
import { InvalidError, UnavailableError } from '../domain/errors.js'
import type { IndexState } from './index-state.js'
import type { Metrics } from './metrics.js'
import { lineMs } from '../logger.js'

/** A block that met the attempt, with the reference a person quotes for it (K7QM-4XRT). */
export interface ReferencedMatch extends Match { reference: string }

export interface CheckOutcome {
  decision: 'block' | 'allow'
  matches: ReferencedMatch[]
  indexVersion: number
  /** keyed hashes of every key tried, for the log line: never the keys themselves */
  keyHashes: string[]
}

/** What a SPOC sees of one attempt (admin only: the keys are the attempt's own details). */
export interface Explanation {
  decision: 'block' | 'allow'
  keys: Record<ContactKind, string[]>
  matches: KeyMatch[]
  setAside: SetAside[]
  warnings: Array<{ field: string, code: string, message: string }>
  indexVersion: number
  keyHashes: string[]
}

/** The daemon cannot decide: callers treat it as block (docs/API.md, the fail-closed rule). */
export class IndexUnavailableError extends UnavailableError {
  constructor () {
    super('the block index is not available; treat as block')
  }
}

export interface CheckDeps {
  indexState: IndexState
  auditWriter: AuditWriter
  /** a key's HMAC token: what the index is looked up by, and (its prefix) the log's keyed hash */
  tokens: MatchTokens
  clock: () => number
  establishment: string
  auditChecks: 'all' | 'block' | 'none'
  /** how stale the copy of the hub's entries is (always fresh without an upstream) */
  staleness: () => Staleness
  /** answer unavailable past the fail limit, unless the client says otherwise */
  failClosed: boolean
  /** counters for GET /metrics */
  metrics?: Metrics
  /** a block's reference as the store holds it (stored form); undefined when it holds none */
  referenceOf?: (entryId: string) => string | undefined
  /** where blocked attempts go for the alert rules (docs/ALERTS.md); none: alerts are off */
  attempts?: AttemptQueue
}

/** The request a check came in, for its one log line: ids only. */
export interface RequestLine {
  reqId: string
  method: string
  /** the route template, never the URL (a GET's URL holds the number) */
  route: string
  /** milliseconds since the request arrived */
  elapsedMs: () => number
}

/** Who is asking: the name for the log and audit, and whether a stale index must refuse them. */
export interface CheckClient { name: string, failClosed?: boolean }

const DETAILS: Array<{ field: 'phone' | 'email' | 'address', kind: ContactKind }> = [
  { field: 'phone', kind: 'phone' },
  { field: 'email', kind: 'email' },
  { field: 'address', kind: 'address' }
]

/**
 * The tokens a contact attempt looks up: every detail it carries, keyed, each key's HMAC token. A
 * key behind a gate that no entry holds (contact-keys.ts, gateOfKey) cannot meet an entry, and is
 * left out without being hashed; the gates a check meets are few (one a premise), so a list holds them.
 */
function lookupTokens (input: CheckBody, tokens: MatchTokens, index: BlockIndex): string[] {
  const out: string[] = []
  const gates: Array<string | boolean> = []
  for (const { field, kind } of DETAILS) {
    const value = input[field]
    if (value === undefined) continue
    for (const key of keysFor(kind, value).lookup) {
      const gate = gateOfKey(key)
      if (gate !== null && !opens(gate, gates, tokens, index)) continue
      out.push(tokens(key))
    }
  }
  return out
}

/** Whether some entry holds the gate; each gate is hashed and probed once a check (`seen`: gate, answer, ...). */
function opens (gate: string, seen: Array<string | boolean>, tokens: MatchTokens, index: BlockIndex): boolean {
  for (let i = 0; i < seen.length; i += 2) if (seen[i] === gate) return seen[i + 1] as boolean
  const held = index.holds(tokens(gate))
  seen.push(gate, held)
  return held
}

/** Who, where and when; for a letter, its recipient and the names its address holds (read only if a named block asks). */
function contextOf (input: CheckBody, prisoner: string, establishment: string, now: number): CheckContext {
  const address = input.address
  return {
    prisoner,
    establishment,
    now,
    recipient: input.recipient,
    addressNames: address === undefined ? undefined : () => namesInAddress(address)
  }
}

/** A check needs something to check; `item` names a batch item in the message. */
function requireDetail (input: CheckBody, item?: number): void {
  if (input.phone === undefined && input.email === undefined && input.address === undefined) {
    throw new InvalidError(item === undefined
      ? 'at least one of phone, email, address is required'
      : `items[${item}] needs at least one of phone, email, address`)
  }
}

/** A batch runs at most this long before other requests get the event loop. */
const BATCH_SLICE_MS = 4

export function createCheckService (deps: CheckDeps) {
  const { indexState, auditWriter, tokens, clock } = deps
  /** prisoner-scope blocks of another prisoner that the attempt being decided met (reused) */
  const others: string[] = []

  /**
   * The references of the blocks that met an attempt: read from the store only for a block (most
   * checks block nothing). A store that cannot answer gives the usual reference, never a failed check.
   */
  function withReferences (matches: Match[]): ReferencedMatch[] {
    if (matches.length === 0) return matches as ReferencedMatch[]
    return matches.map((match) => {
      let stored: string | undefined
      try {
        stored = deps.referenceOf?.(match.entryId)
      } catch {
        stored = undefined
      }
      return { ...match, reference: formatReference(stored ?? usualReference(match.entryId)) }
    })
  }

  /**
   * Decides one attempt; the caller has checked that the index is ready. `line` is the request's
   * log line when the attempt came over HTTP: it goes out with the audit row (check-record.ts).
   */
  function decide (input: CheckBody, actor: string, now: number, line: RequestLine | null): CheckOutcome {
    requireDetail(input)
    const prisoner = input.prisoner.toUpperCase()
    // One HMAC a key, for both the look-up and the log.
    const index = indexState.index
    const keys = lookupTokens(input, tokens, index)
    // Filled only when a key meets another prisoner's block; an empty array costs no allocation a check.
    others.length = 0
    const matches = index.lookup(keys, contextOf(input, prisoner, deps.establishment, now), deps.attempts === undefined ? undefined : others)
    const decision = matches.length > 0 ? 'block' : 'allow'
    const keyHashes = keys.map(logHashOf)
    deps.metrics?.decided(input.channel, decision)
    const audited = deps.auditChecks === 'all' || (deps.auditChecks === 'block' && decision === 'block')
    if (audited || line !== null) {
      const entryIds = matches.map((m) => m.entryId)
      auditWriter.check([now, actor, input.channel, prisoner, decision, entryIds, keyHashes, audited,
        line === null ? null : [line.reqId, line.method, line.route, lineMs(line.elapsedMs())]])
    }
    // For the alert rules, off the request path: one push into a fixed ring, ids only.
    if (deps.attempts !== undefined && (matches.length > 0 || others.length > 0)) {
      deps.attempts.push({ at: now, prisoner, channel: input.channel, entryIds: matches.map((m) => m.entryId), heldForOthers: others.slice() })
    }
    return { decision, matches: withReferences(matches), indexVersion: index.version, keyHashes }
  }

  /** Not loaded, or too stale for a fail-closed client: the daemon cannot decide. */
  function requireReady (client: CheckClient): void {
    if (indexState.ready && !((client.failClosed ?? deps.failClosed) && deps.staleness() === 'fail')) return
    if (deps.metrics !== undefined) deps.metrics.unavailable++
    throw new IndexUnavailableError()
  }

  return {
    /** One attempt; with `line`, the request's log line is written with its audit row. */
    check (input: CheckBody, client: CheckClient, line: RequestLine | null = null): CheckOutcome {
      requireReady(client)
      return decide(input, client.name, clock(), line)
    },

    /**
     * The same decision as check, with the keys the attempt was read into, which of them met which
     * entry, and which met an entry that did not block (a named block for someone else, or one not
     * in force now). Audited like a check, with hashes only.
     */
    explain (input: CheckBody, client: CheckClient): Explanation {
      requireReady(client)
      requireDetail(input)
      const actor = client.name
      const now = clock()
      const prisoner = input.prisoner.toUpperCase()
      const keys: Record<ContactKind, string[]> = { phone: [], email: [], address: [] }
      const warnings: Explanation['warnings'] = []
      for (const { field, kind } of DETAILS) {
        const value = input[field]
        if (value === undefined) continue
        const read = keysFor(kind, value)
        keys[kind] = read.lookup
        const issue = read.reject ?? read.warning
        if (issue !== null) warnings.push({ field, code: issue.code, message: `${field} ${issue.message}` })
      }
      const plain = [...keys.phone, ...keys.email, ...keys.address]
      const all = plain.map(tokens)
      const context = contextOf(input, prisoner, deps.establishment, now)
      const index = indexState.index
      const found = index.explain(all, context)
      // The index speaks in tokens; the SPOC is shown the attempt's own keys they were made from.
      const keyOf = new Map(all.map((token, i) => [token, plain[i] as string]))
      const matches = found.matches.map((hit) => ({ ...hit, key: keyOf.get(hit.key) ?? hit.key }))
      const setAside = found.setAside.map((hit) => ({ ...hit, key: keyOf.get(hit.key) ?? hit.key }))
      const decision = index.lookup(all, context).length > 0 ? 'block' : 'allow'
      const keyHashes = all.map(logHashOf)
      auditWriter.later({
        at: now,
        actor,
        action: 'check.explain',
        entryId: matches[0]?.entryId ?? null,
        reason: null,
        detail: { channel: input.channel, prisoner, decision, entryIds: [...new Set(matches.map((m) => m.entryId))], keyHashes }
      })
      return { decision, keys, matches, setAside, warnings, indexVersion: index.version, keyHashes }
    },

    /**
     * Every item judged at the same moment, results in order. The work is handed back to the event
     * loop every BATCH_SLICE_MS, so that a batch of the longest addresses the schema allows delays
     * other callers' checks by one slice, not by the whole batch; each result carries the index
     * version it was judged against (a sync may land between two slices).
     */
    async batch (items: readonly CheckBody[], client: CheckClient): Promise<CheckOutcome[]> {
      requireReady(client)
      const actor = client.name
      // Every item first, so that a bad one refuses the batch before any decision is audited.
      items.forEach((item, position) => requireDetail(item, position))
      const now = clock()
      const outcomes: CheckOutcome[] = []
      let sliceStarted = performance.now()
      for (const item of items) {
        if (performance.now() - sliceStarted > BATCH_SLICE_MS) {
          await new Promise((resolve) => setImmediate(resolve))
          requireReady(client)
          sliceStarted = performance.now()
        }
        outcomes.push(decide(item, actor, now, null))
      }
      return outcomes
    }
  }
}

export type CheckService = ReturnType<typeof createCheckService>

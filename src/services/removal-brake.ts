import { looksLikeContactDetail } from '../domain/free-text.js'
import type { MatchTokens } from '../domain/key-hash.js'
import { BRAKE_WINDOW_MS, removalKind, removalThreshold } from '../domain/removal.js'
import type { BlockShape, RemovalKind } from '../domain/removal.js'
import { ajv } from '../schemas/ajv.js'
import { feedChange } from '../schemas/feed.js'
import type { FeedChange } from '../schemas/feed.js'
import type { AuditRecord, AuditStore } from '../audit/index.js'
import type { Db } from '../store/db.js'
import type { DetailRow, EntriesStore, EntryRow } from '../store/entries-store.js'
import type { HeldChangesStore, HeldOutcome } from '../store/held-changes-store.js'
import type { AuditWriter } from '../audit/index.js'
import { keyDetails, rowFromFeed, toIndexEntry } from './entry-records.js'
import { ConflictError, InvalidError, NotFoundError } from '../domain/errors.js'
import type { IndexState } from './index-state.js'

const validateChange = ajv.compile<FeedChange>(feedChange)

export interface BrakeSettings {
  /** the most removals a sync applies in the rolling hour without a person; 0 holds every one */
  maxRemovals: number
  /** ... or this share of the hub's blocks held here, whichever is smaller */
  percent: number
}

export interface BrakeDeps {
  db: Db
  entries: EntriesStore
  held: HeldChangesStore
  audit: AuditStore
  auditWriter: AuditWriter
  indexState: IndexState
  clock: () => number
  tokens: MatchTokens
  settings: BrakeSettings
}

/** A change the sync is about to apply, as the brake sees it. */
export interface GateChange {
  seq: number
  id: string
  /** the change as received: what is stored if it is held */
  item: unknown
  /** the entry it writes (an upsert), or null (a remove) */
  next: { row: EntryRow, details: DetailRow[] } | null
  /** the store holds an entry with this id (false: nothing here to take off) */
  exists: boolean
  /** the id of the hub's key that signed the change, for the trail (null: unsigned) */
  kid?: string | null
}

/** Fixed text for the trail: why a change waits. */
const HELD_REASON = 'more removals than the brake lets a sync apply in an hour without a person'

/** Which held changes a SPOC acts on: some by id, or every one waiting. */
export type HeldSelection = { ids: readonly number[] } | { all: true }

function shapeOf (row: EntryRow, details: readonly DetailRow[]): BlockShape {
  const keys = new Set<string>()
  for (const detail of details) for (const key of JSON.parse(detail.match_keys) as string[]) keys.add(key)
  return {
    status: row.status,
    scope: row.scope,
    prisoner: row.prisoner,
    effectiveFrom: row.effective_from,
    expiresAt: row.expires_at,
    addressMode: row.address_mode,
    protectedPerson: row.address_mode === 'named' ? row.protected_person : null,
    keys
  }
}

/**
 * The brake on removals. A sync may take off at most a threshold of the hub's blocks held here in
 * a rolling hour (counted in the store, so a restart does not reset it); every removal past it is
 * held: stored, audited, and the block keeps blocking until a SPOC releases or discards it.
 */
export function createRemovalBrake (deps: BrakeDeps) {
  const { db, entries, held, audit, indexState, clock, settings } = deps

  /** The threshold now, and the removals the sync applied in the hour before `at`. */
  function budgetAt (at: number): { threshold: number, applied: number } {
    const applied = held.removalsSince(at - BRAKE_WINDOW_MS)
    // The share is of the blocks held before this hour's removals, so that it does not shrink as they go.
    return { threshold: removalThreshold(settings.maxRemovals, settings.percent, held.hubBlocks() + applied), applied }
  }

  /**
   * The brake for one transaction of a sync: `admit` says whether a change may be applied (true),
   * or holds it (false). Call it inside the transaction, before the change is written; `write`
   * appends an audit record the sync's way.
   */
  function gate (at: number, upstream: string | null, write: (record: AuditRecord) => void) {
    let left: number | null = null
    let anyOpen: boolean | null = null
    const openFor = (id: string) => {
      anyOpen ??= held.openCount() > 0
      return anyOpen ? held.open(id) : undefined
    }
    return {
      admit (change: GateChange): boolean {
        if (!change.exists) return true
        const before = held.shape(change.id)
        if (before === undefined) return true
        const kind = removalKind(before, change.next === null ? null : shapeOf(change.next.row, change.next.details), at)
        const open = openFor(change.id)
        if (kind === null) {
          // The hub says the block stands after all: what waited for a person is moot.
          if (open !== undefined) {
            held.resolve(open.id, 'superseded', at, 'sync')
            write({ at, actor: 'sync', action: 'sync.supersede', entryId: change.id, reason: null, detail: { held: open.id, seq: change.seq, upstream } })
          }
          return true
        }
        if (left === null) {
          const { threshold, applied } = budgetAt(at)
          left = threshold - applied
        }
        // A block with a change already waiting waits for the person too, whatever the budget.
        if (open === undefined && left > 0) {
          left--
          held.removalApplied(at, change.id, BRAKE_WINDOW_MS)
          write({ at, actor: 'sync', action: 'sync.remove', entryId: change.id, reason: null, detail: { seq: change.seq, kind, upstream, kid: change.kid ?? null } })
          return true
        }
        const op = change.next === null ? 'remove' : 'upsert'
        const id = held.hold({ entryId: change.id, seq: change.seq, op, kind, at, upstream, item: change.item })
        anyOpen = true
        write({ at, actor: 'sync', action: 'sync.hold', entryId: change.id, reason: HELD_REASON, detail: { held: id, seq: change.seq, kind, upstream, kid: change.kid ?? null, replaced: open !== undefined } })
        return false
      }
    }
  }

  /** The entry a held upsert writes, keyed now (the keys are this establishment's own). */
  function prepared (item: unknown): { row: EntryRow, details: DetailRow[] } | null {
    if (!validateChange(item) || item.op !== 'upsert') return null
    const read = rowFromFeed(item.entry)
    if ('unreadable' in read) return null
    const row = read.row
    const { details, rejects } = keyDetails(row.id, item.entry, deps.tokens)
    return rejects.length > 0 || details.length === 0 ? null : { row, details }
  }

  type Resolved = { id: number, entryId: string, kind: RemovalKind, written: { row: EntryRow, details: DetailRow[] } | 'removed' | null }

  /** Releases or discards the selected changes in ONE transaction, each audited with who and why. */
  const resolveAll = db.transaction((ids: readonly number[], outcome: Exclude<HeldOutcome, 'superseded'>, actor: string, reason: string, at: number): Resolved[] => {
    const out: Resolved[] = []
    for (const id of ids) {
      const change = held.get(id)
      if (change === undefined) throw new NotFoundError('no held change with that id')
      if (change.resolved !== null) throw new ConflictError('not_held', 'that change no longer waits: it was released, discarded or superseded')
      let written: Resolved['written'] = null
      if (outcome === 'released') {
        if (change.op === 'remove') {
          if (entries.removeHubEntry(change.entry_id)) written = 'removed'
        } else {
          const next = prepared(change.item)
          if (next === null || next.row.id !== change.entry_id) throw new ConflictError('held_unusable', 'that held change can no longer be applied: discard it')
          entries.putHubEntry(next.row, next.details)
          written = next
        }
      }
      held.resolve(id, outcome, at, actor)
      audit.append({
        at,
        actor,
        action: outcome === 'released' ? 'sync.release' : 'sync.discard',
        entryId: change.entry_id,
        reason,
        detail: { held: id, seq: change.seq, kind: change.kind, upstream: change.upstream }
      })
      out.push({ id, entryId: change.entry_id, kind: change.kind, written })
    }
    return out
  })

  function act (selection: HeldSelection, outcome: Exclude<HeldOutcome, 'superseded'>, actor: string, reason: string) {
    if (looksLikeContactDetail(reason, [])) throw new InvalidError('reason must not contain a phone number, email address or postcode: the audit trail keeps it')
    const ids = 'all' in selection ? held.openIds() : [...new Set(selection.ids)]
    if (ids.length === 0 && !('all' in selection)) throw new InvalidError('ids must name at least one held change')
    deps.auditWriter.flush()
    const done = resolveAll.immediate(ids, outcome, actor, reason, clock())
    // After the commit, never before: the index only ever shows what the store holds.
    for (const change of done) {
      if (change.written === 'removed') indexState.index.remove(change.entryId)
      else if (change.written !== null && change.written.row.status === 'active') indexState.index.upsert(toIndexEntry(change.written.row, change.written.details))
      else if (change.written !== null) indexState.index.remove(change.entryId)
    }
    return done.map((change) => ({ id: change.id, entryId: change.entryId, kind: change.kind }))
  }

  return {
    gate,

    /** Applies the selected held changes: the person's say-so the brake waited for. */
    release: (selection: HeldSelection, actor: string, reason: string) => act(selection, 'released', actor, reason),

    /** Drops the selected held changes: their blocks go on blocking. */
    discard: (selection: HeldSelection, actor: string, reason: string) => act(selection, 'discarded', actor, reason),

    /** How many changes wait for a person. */
    heldCount: () => held.openCount(),

    counts: () => held.counts(),

    /** The waiting changes (oldest first, at most `limit`), the threshold now and the hour's removals. */
    list (limit: number) {
      const now = clock()
      const { threshold, applied } = budgetAt(now)
      const iso = (ms: number) => new Date(ms).toISOString()
      return {
        items: held.list(limit).map((row) => ({
          id: row.id, entryId: row.entry_id, requestRef: row.request_ref, seq: row.seq, op: row.op, kind: row.kind, heldAt: iso(row.held_at), upstream: row.upstream
        })),
        total: held.openCount(),
        threshold,
        appliedLastHour: applied,
        maxRemovals: settings.maxRemovals,
        percent: settings.percent
      }
    }
  }
}

export type RemovalBrake = ReturnType<typeof createRemovalBrake>

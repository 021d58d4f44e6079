import type { Db } from './db.js'
import { associatedData } from './at-rest-store.js'
import type { Sealer } from './sealer.js'
import type { BlockShape, RemovalKind } from '../domain/removal.js'

export type HeldOutcome = 'released' | 'discarded' | 'superseded'

export interface HeldRow {
  id: number
  entry_id: string
  seq: number
  op: 'upsert' | 'remove'
  kind: RemovalKind
  held_at: number
  upstream: string | null
}

/** A held change as listed: with the entry's request reference, the SPOC's own handle on a block. */
export interface HeldListRow extends HeldRow { request_ref: string | null }

export interface HeldChange { entryId: string, seq: number, op: 'upsert' | 'remove', kind: RemovalKind, at: number, upstream: string | null, item: unknown }

export interface HeldCounts { held: number, heldTotal: number, released: number, discarded: number, superseded: number }

const COLUMNS = 'id, entry_id, seq, op, kind, held_at, upstream'

/**
 * The brake's tables (migrations/013_removal_brake.sql): changes held for a person, sealed like
 * every stored copy of a victim's details; the removals a sync applied in the last hour; and the
 * reads of the entries the brake compares a change with.
 */
export function createHeldChangesStore (db: Db, sealer: Sealer) {
  const selectOpen = db.prepare(`SELECT ${COLUMNS} FROM held_changes WHERE entry_id = ? AND resolved IS NULL`)
  const selectById = db.prepare(`SELECT ${COLUMNS}, resolved, item FROM held_changes WHERE id = ?`)
  const selectAllOpen = db.prepare(`SELECT ${COLUMNS}, item FROM held_changes WHERE resolved IS NULL ORDER BY id`)
  const listOpen = db.prepare(`SELECT h.id, h.entry_id, h.seq, h.op, h.kind, h.held_at, h.upstream, e.request_ref
    FROM held_changes h LEFT JOIN entries e ON e.id = h.entry_id WHERE h.resolved IS NULL ORDER BY h.id LIMIT ?`)
  const countOpen = db.prepare('SELECT COUNT(*) FROM held_changes WHERE resolved IS NULL').pluck()
  const counts = db.prepare(`SELECT COUNT(*) AS heldTotal, COUNT(*) FILTER (WHERE resolved IS NULL) AS held,
    COUNT(*) FILTER (WHERE resolved = 'released') AS released, COUNT(*) FILTER (WHERE resolved = 'discarded') AS discarded,
    COUNT(*) FILTER (WHERE resolved = 'superseded') AS superseded FROM held_changes`)
  const insert = db.prepare(`INSERT INTO held_changes (entry_id, seq, op, kind, held_at, upstream, item)
    VALUES (@entryId, @seq, @op, @kind, @at, @upstream, '')`)
  const replace = db.prepare(`UPDATE held_changes SET seq = @seq, op = @op, kind = @kind, held_at = @at, upstream = @upstream
    WHERE id = @id AND resolved IS NULL`)
  const setItem = db.prepare('UPDATE held_changes SET item = ? WHERE id = ?')
  const resolve = db.prepare(`UPDATE held_changes SET resolved = @outcome, resolved_at = @at, resolved_by = @by, item = NULL
    WHERE id = @id AND resolved IS NULL`)
  const insertRemoval = db.prepare('INSERT INTO sync_removals (at, entry_id) VALUES (?, ?)')
  const pruneRemovals = db.prepare('DELETE FROM sync_removals WHERE at <= ?')
  const countRemovals = db.prepare('SELECT COUNT(*) FROM sync_removals WHERE at > ?').pluck()
  const countHubBlocks = db.prepare("SELECT COUNT(*) FROM entries WHERE origin = 'hub' AND status = 'active'").pluck()
  const selectShape = db.prepare(`SELECT status, scope, prisoner, effective_from, expires_at, address_mode, protected_person
    FROM entries WHERE id = ? AND origin = 'hub'`)
  const selectKeys = db.prepare('SELECT match_keys FROM entry_details WHERE entry_id = ?').pluck()

  const openOrNull = (sealed: string, associated: string): string | null => {
    try {
      return sealer.open(sealed, associated)
    } catch {
      return null
    }
  }
  const seal = (id: number, entryId: string, seq: number, item: unknown) =>
    setItem.run(sealer.seal(JSON.stringify(item) ?? 'null', associatedData.held(id, entryId, seq)), id)

  return {
    /** The change held for an entry, if one is. */
    open (entryId: string): HeldRow | undefined {
      return selectOpen.get(entryId) as HeldRow | undefined
    },

    /** Holds a change, or replaces the one already held for its entry (one a block). Returns its id. */
    hold (change: HeldChange): number {
      sealer.assertCurrent()
      const current = selectOpen.get(change.entryId) as HeldRow | undefined
      const values = { entryId: change.entryId, seq: change.seq, op: change.op, kind: change.kind, at: change.at, upstream: change.upstream }
      const id = current === undefined ? Number(insert.run(values).lastInsertRowid) : current.id
      if (current !== undefined) replace.run({ ...values, id })
      seal(id, change.entryId, change.seq, change.item)
      return id
    },

    /** A held change with its item opened; `resolved` is null while it waits. */
    get (id: number): (HeldRow & { resolved: HeldOutcome | null, item: unknown }) | undefined {
      const row = selectById.get(id) as (HeldRow & { resolved: HeldOutcome | null, item: string | null }) | undefined
      if (row === undefined) return undefined
      const item = row.item === null ? null : JSON.parse(sealer.open(row.item, associatedData.held(row.id, row.entry_id, row.seq))) as unknown
      return { ...row, item }
    },

    /** Ids of every waiting change, oldest first. */
    openIds (): number[] {
      return (selectAllOpen.all() as HeldRow[]).map((row) => row.id)
    },

    list (limit: number): HeldListRow[] {
      return listOpen.all(limit) as HeldListRow[]
    },

    openCount (): number {
      return countOpen.get() as number
    },

    counts (): HeldCounts {
      return counts.get() as HeldCounts
    },

    resolve (id: number, outcome: HeldOutcome, at: number, by: string): boolean {
      return resolve.run({ id, outcome, at, by }).changes === 1
    },

    /** A removal the sync applied, counted for an hour; older ones are dropped. */
    removalApplied (at: number, entryId: string, windowMs: number): void {
      pruneRemovals.run(at - windowMs)
      insertRemoval.run(at, entryId)
    },

    /** Removals the sync applied after `since` (one stamped in the future, after a clock step, counts). */
    removalsSince (since: number): number {
      return countRemovals.get(since) as number
    },

    hubBlocks (): number {
      return countHubBlocks.get() as number
    },

    /** What a hub entry held here blocks; undefined when there is none. */
    shape (id: string): BlockShape | undefined {
      type Row = { status: 'active' | 'lifted', scope: BlockShape['scope'], prisoner: string | null, effective_from: number | null, expires_at: number | null, address_mode: 'whole' | 'named', protected_person: string | null }
      const row = selectShape.get(id) as Row | undefined
      if (row === undefined) return undefined
      const keys = new Set<string>()
      for (const text of selectKeys.all(id) as string[]) for (const key of JSON.parse(text) as string[]) keys.add(key)
      // The name matters only to a named block, the one kind that holds letters by it. One that
      // cannot be read compares as no name: any named version of the block then counts as a removal.
      const person = row.address_mode === 'named' && row.protected_person !== null
        ? openOrNull(row.protected_person, associatedData.person(id))
        : null
      return {
        status: row.status,
        scope: row.scope,
        prisoner: row.prisoner,
        effectiveFrom: row.effective_from,
        expiresAt: row.expires_at,
        addressMode: row.address_mode,
        protectedPerson: person,
        keys
      }
    }
  }
}

export type HeldChangesStore = ReturnType<typeof createHeldChangesStore>

import type { Db } from './db.js'
import { associatedData } from './at-rest-store.js'
import type { Sealer } from '../services/at-rest.js'
import type { ContactKind } from '../domain/detail-keys.js'
import type { Scope } from '../domain/block-index.js'

export interface EntryRow {
  id: string
  scope: Scope
  prisoner: string | null
  establishment: string
  status: 'active' | 'lifted'
  protected_person: string | null
  address_mode: 'whole' | 'named'
  reason: string
  request_ref: string | null
  consent: 0 | 1 | null
  effective_from: number | null
  expires_at: number | null
  created_by: string
  created_at: number
  lifted_by: string | null
  lifted_at: number | null
  lift_reason: string | null
  /** 'local' (made here) or 'hub' (from the feed); absent on insert means local */
  origin?: 'local' | 'hub'
  /** when retention erased its contact details and protected person (epoch ms); absent means not */
  erased_at?: number | null
}

export interface DetailRow {
  entry_id: string
  kind: ContactKind
  position: number
  raw: string
  match_keys: string
  warning: string | null
}

/** One detail of an active entry with what the index needs of its entry. */
/** An active entry as the index loads it (a raw row: the columns in this order), then with its keys. */
type ActiveEntryRow = [id: string, scope: EntryRow['scope'], prisoner: string | null, establishment: string,
  effectiveFrom: number | null, expiresAt: number | null, addressMode: EntryRow['address_mode'], protectedPerson: string | null]
export type ActiveRow = [...ActiveEntryRow, matchKeys: string]

export interface EntryFilter {
  status?: 'active' | 'lifted'
  scope?: Scope
  prisoner?: string
  establishment?: string
  requestRef?: string
  /** part of a request reference, any case (the store escapes LIKE's wildcards) */
  refContains?: string
}

/** Filters map to fixed SQL fragments: no value is ever spliced into SQL. */
const FILTER_SQL: Record<keyof EntryFilter, string> = {
  status: 'status = @status',
  scope: 'scope = @scope',
  prisoner: 'prisoner = @prisoner',
  establishment: 'establishment = @establishment',
  requestRef: 'request_ref = @requestRef',
  refContains: "request_ref LIKE @refContains ESCAPE '\\'"
}

/**
 * Prepared statements for entries and their details. Rows go in and come out in plaintext; the
 * contact details and the protected person's name are sealed in the file (services/at-rest.ts),
 * each bound to its row. Match keys arrive as HMAC tokens and are stored as they are.
 */
export function createEntriesStore (db: Db, sealer: Sealer) {
  const insertEntry = db.prepare(`INSERT INTO entries (id, scope, prisoner, establishment, status,
    protected_person, address_mode, reason, request_ref, consent, effective_from, expires_at, created_by, created_at)
    VALUES (@id, @scope, @prisoner, @establishment, @status, @protected_person, @address_mode, @reason, @request_ref,
    @consent, @effective_from, @expires_at, @created_by, @created_at)`)
  const insertDetail = db.prepare(`INSERT INTO entry_details (entry_id, kind, position, raw, match_keys, warning)
    VALUES (@entry_id, @kind, @position, @raw, @match_keys, @warning)`)
  const selectEntry = db.prepare('SELECT * FROM entries WHERE id = ?')
  const selectDetails = db.prepare('SELECT * FROM entry_details WHERE entry_id = ? ORDER BY kind, position')
  // Many at once (a feed page): two queries instead of two an entry.
  const selectEntries = db.prepare('SELECT * FROM entries WHERE id IN (SELECT value FROM json_each(?))')
  const selectManyDetails = db.prepare(`SELECT * FROM entry_details WHERE entry_id IN (SELECT value FROM json_each(?))
    ORDER BY entry_id, kind, position`)
  const liftEntry = db.prepare(`UPDATE entries SET status = 'lifted', lifted_by = @lifted_by,
    lifted_at = @lifted_at, lift_reason = @lift_reason WHERE id = @id AND status = 'active'`)
  const upsertHubEntry = db.prepare(`INSERT INTO entries (id, scope, prisoner, establishment, status,
    protected_person, address_mode, reason, request_ref, consent, effective_from, expires_at, created_by, created_at,
    lifted_by, lifted_at, lift_reason, origin)
    VALUES (@id, @scope, @prisoner, @establishment, @status, @protected_person, @address_mode, @reason, @request_ref,
    @consent, @effective_from, @expires_at, @created_by, @created_at, @lifted_by, @lifted_at, @lift_reason, 'hub')
    ON CONFLICT (id) DO UPDATE SET scope = excluded.scope, prisoner = excluded.prisoner,
    establishment = excluded.establishment, status = excluded.status, protected_person = excluded.protected_person,
    address_mode = excluded.address_mode,
    reason = excluded.reason, request_ref = excluded.request_ref, consent = excluded.consent,
    effective_from = excluded.effective_from, expires_at = excluded.expires_at, created_by = excluded.created_by,
    created_at = excluded.created_at, lifted_by = excluded.lifted_by, lifted_at = excluded.lifted_at,
    lift_reason = excluded.lift_reason
    WHERE entries.origin = 'hub'`)
  const deleteDetails = db.prepare('DELETE FROM entry_details WHERE entry_id = ?')
  const deleteEntry = db.prepare("DELETE FROM entries WHERE id = ? AND origin = 'hub'")
  const selectOrigin = db.prepare('SELECT origin FROM entries WHERE id = ?').pluck()
  const selectHubState = db.prepare('SELECT origin, erased_at FROM entries WHERE id = ?').raw(true)
  // A chunk of a feed page at once: one query instead of one an item.
  const selectHubStates = db.prepare('SELECT id, origin, erased_at FROM entries WHERE id IN (SELECT value FROM json_each(?))').raw(true)
  const selectPrisonerScope = db.prepare("SELECT * FROM entries WHERE prisoner = ? AND scope = 'prisoner' ORDER BY id")
  const updateEstablishment = db.prepare('UPDATE entries SET establishment = ? WHERE id = ?')
  // For loading the index: active entries and their details' keys, both in id order, read as two
  // streams and merged (a join looks each entry up at random and took twice as long for a million).
  // SQLite joins each entry's key arrays into one JSON array itself.
  // The protected person (sealed) is read only for a named-mode block, the only kind the index keeps it for.
  const selectActiveById = db.prepare(`SELECT id, scope, prisoner, establishment, effective_from, expires_at,
    address_mode, CASE address_mode WHEN 'named' THEN protected_person END
    FROM entries WHERE status = 'active' ORDER BY id`).raw(true)
  const selectKeysByEntry = db.prepare(`SELECT entry_id,
    '[' || group_concat(substr(match_keys, 2, length(match_keys) - 2), ',') || ']'
    FROM entry_details WHERE match_keys <> '[]' GROUP BY entry_id ORDER BY entry_id`).raw(true)
  // Retention: entries not yet erased that stopped blocking (lifted or expired) before the cutoff,
  // found through the two partial indexes of 005.
  const selectRetentionDue = db.prepare(`SELECT * FROM entries WHERE id IN (
      SELECT id FROM entries WHERE erased_at IS NULL AND lifted_at IS NOT NULL AND lifted_at < @cutoff
      UNION SELECT id FROM entries WHERE erased_at IS NULL AND expires_at IS NOT NULL AND expires_at < @cutoff)
    ORDER BY id LIMIT @limit`)
  // address_mode goes back to whole: 002 allows a named block only with its person, and the name
  // is what is being erased (the entry no longer blocks anything, and entry.create keeps the mode).
  const eraseEntry = db.prepare(`UPDATE entries SET protected_person = NULL, address_mode = 'whole', erased_at = @at
    WHERE id = @id AND erased_at IS NULL`)
  const selectErased = db.prepare('SELECT erased_at FROM entries WHERE id = ?').pluck()
  const countActive = db.prepare(`SELECT (SELECT COUNT(*) FROM entries WHERE status = 'active'),
    (SELECT COUNT(*) FROM entry_details)`).raw(true)

  const sealEntry = (entry: EntryRow): EntryRow => entry.protected_person === null
    ? entry
    : { ...entry, protected_person: sealer.seal(entry.protected_person, associatedData.person(entry.id)) }
  const openEntry = (entry: EntryRow): EntryRow => {
    if (entry.protected_person !== null) entry.protected_person = sealer.open(entry.protected_person, associatedData.person(entry.id))
    return entry
  }
  const sealDetail = (detail: DetailRow): DetailRow =>
    ({ ...detail, raw: sealer.seal(detail.raw, associatedData.detail(detail.entry_id, detail.kind, detail.position)) })
  const openDetail = (detail: DetailRow): DetailRow => {
    detail.raw = sealer.open(detail.raw, associatedData.detail(detail.entry_id, detail.kind, detail.position))
    return detail
  }

  function openPerson (id: string, sealed: string, onUnreadable: (entryId: string) => void): string | null {
    try {
      return sealer.open(sealed, associatedData.person(id))
    } catch {
      onUnreadable(id)
      return null
    }
  }

  function where (filter: EntryFilter): string {
    const parts = (Object.keys(FILTER_SQL) as Array<keyof EntryFilter>)
      .filter((key) => filter[key] !== undefined)
      .map((key) => FILTER_SQL[key])
    return parts.length === 0 ? '' : `WHERE ${parts.join(' AND ')}`
  }

  function params (filter: EntryFilter): Record<string, string> {
    const out: Record<string, string> = {}
    for (const [key, value] of Object.entries(filter)) if (value !== undefined) out[key] = value
    // A text search: the text's own % _ and \ match themselves, anywhere in the reference.
    if (filter.refContains !== undefined) out.refContains = `%${filter.refContains.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    return out
  }

  return {
    insert (entry: EntryRow, details: DetailRow[]): void {
      sealer.assertCurrent()
      insertEntry.run(sealEntry(entry))
      for (const detail of details) insertDetail.run(sealDetail(detail))
    },

    get (id: string): EntryRow | undefined {
      const row = selectEntry.get(id) as EntryRow | undefined
      return row === undefined ? undefined : openEntry(row)
    },

    details (id: string): DetailRow[] {
      return (selectDetails.all(id) as DetailRow[]).map(openDetail)
    },

    /** Entries and their details by id, for a page of the feed. */
    many (ids: readonly string[]): Map<string, { row: EntryRow, details: DetailRow[] }> {
      const json = JSON.stringify(ids)
      const out = new Map<string, { row: EntryRow, details: DetailRow[] }>()
      for (const row of selectEntries.all(json) as EntryRow[]) out.set(row.id, { row: openEntry(row), details: [] })
      for (const detail of selectManyDetails.all(json) as DetailRow[]) out.get(detail.entry_id)?.details.push(openDetail(detail))
      return out
    },

    /** true when the entry was active and is now lifted */
    lift (id: string, liftedBy: string, liftedAt: number, reason: string): boolean {
      return liftEntry.run({ id, lifted_by: liftedBy, lifted_at: liftedAt, lift_reason: reason }).changes === 1
    },

    list (filter: EntryFilter, limit: number, offset: number): { rows: EntryRow[], total: number } {
      const clause = where(filter)
      const values = params(filter)
      // The statement text is built from fixed fragments only, so it is safe to prepare here.
      const rows = db.prepare(`SELECT * FROM entries ${clause} ORDER BY created_at DESC, id LIMIT @limit OFFSET @offset`)
        .all({ ...values, limit, offset }) as EntryRow[]
      rows.forEach(openEntry)
      const total = db.prepare(`SELECT COUNT(*) FROM entries ${clause}`).pluck().get(values) as number
      return { rows, total }
    },

    origin (id: string): 'local' | 'hub' | undefined {
      return selectOrigin.get(id) as 'local' | 'hub' | undefined
    },

    /** Where an entry came from and whether retention erased it, in one read (a feed item's checks). */
    hubState (id: string): { origin: 'local' | 'hub', erased: boolean } | undefined {
      const row = selectHubState.get(id) as ['local' | 'hub', number | null] | undefined
      return row === undefined ? undefined : { origin: row[0], erased: row[1] !== null }
    },

    /** hubState of many entries in one read; an id the store does not hold is absent from the map. */
    hubStates (ids: readonly string[]): Map<string, { origin: 'local' | 'hub', erased: boolean }> {
      const out = new Map<string, { origin: 'local' | 'hub', erased: boolean }>()
      for (const [id, origin, erasedAt] of selectHubStates.all(JSON.stringify(ids)) as Array<[string, 'local' | 'hub', number | null]>) {
        out.set(id, { origin, erased: erasedAt !== null })
      }
      return out
    },

    /**
     * An entry from the hub's feed, replacing its earlier version and details; never a local one.
     * `isNew` (the caller read in this transaction that there is no such entry) skips deleting
     * details that cannot exist: every detail references its entry (foreign keys are on).
     */
    putHubEntry (entry: EntryRow, details: DetailRow[], isNew = false): void {
      sealer.assertCurrent()
      if (upsertHubEntry.run(sealEntry(entry)).changes === 0) throw new Error('refusing to overwrite a local entry')
      if (!isNew) deleteDetails.run(entry.id)
      for (const detail of details) insertDetail.run(sealDetail(detail))
    },

    /** Removes an entry that came from the hub (a transfer away); true when there was one. */
    removeHubEntry (id: string): boolean {
      if (selectOrigin.get(id) !== 'hub') return false
      deleteDetails.run(id)
      return deleteEntry.run(id).changes === 1
    },

    /** Entries due for erasure: lifted or expired before `cutoff` (epoch ms), not erased yet. */
    retentionDue (cutoff: number, limit: number): EntryRow[] {
      return selectRetentionDue.all({ cutoff, limit }) as EntryRow[]
    },

    /** Deletes an entry's contact details and clears its protected person; the row stays. */
    erase (id: string, at: number): { details: DetailRow[] } | null {
      const details = selectDetails.all(id) as DetailRow[]
      if (eraseEntry.run({ id, at }).changes === 0) return null
      deleteDetails.run(id)
      return { details }
    },

    isErased (id: string): boolean {
      const at = selectErased.get(id) as number | null | undefined
      return at !== null && at !== undefined
    },

    prisonerScoped (prisoner: string): EntryRow[] {
      return (selectPrisonerScope.all(prisoner) as EntryRow[]).map(openEntry)
    },

    moveTo (id: string, establishment: string): void {
      updateEstablishment.run(establishment, id)
    },

    /** Active entries with one row per detail, ordered by entry, for loading the index. */
    /** Active entries with all their keys, one row each, in id order. */
    * activeWithKeys (onUnreadable: (entryId: string) => void = () => {}): Generator<ActiveRow> {
      const keys = selectKeysByEntry.iterate() as IterableIterator<[string, string]>
      let next = keys.next()
      try {
        for (const entry of selectActiveById.iterate() as IterableIterator<ActiveEntryRow>) {
          // Only a named-mode block needs its protected person's name in the index: only those are opened.
          // One that does not open loads with no name, so it holds all mail to its addresses (the safe
          // side) instead of failing the whole load, which would leave every check unavailable.
          entry[7] = entry[6] === 'named' && entry[7] !== null ? openPerson(entry[0], entry[7], onUnreadable) : null
          // Skip the keys of entries that are not active (lifted ones keep their details).
          while (!next.done && next.value[0] < entry[0]) next = keys.next()
          if (!next.done && next.value[0] === entry[0]) {
            (entry as unknown as ActiveRow).push(next.value[1])
            yield entry as unknown as ActiveRow
          }
        }
      } finally {
        keys.return?.()
      }
    },

    /** How many active entries and details there are, to size the index before loading it. */
    activeCounts (): { entries: number, details: number } {
      const [entries, details] = countActive.get() as [number, number]
      return { entries, details }
    }
  }
}

export type EntriesStore = ReturnType<typeof createEntriesStore>

import type { Db } from './db.js'
import { associatedData } from './at-rest-store.js'
import type { Sealer } from './sealer.js'
import type { ContactKind } from '../domain/detail-keys.js'
import type { KeySpans, Scope } from '../domain/block-index.js'
import { referenceCandidates } from '../domain/block-reference-id.js'

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
  /** the block reference, stored form (K7QM4XRT); the store gives it on insert, so absent before */
  reference?: string | null
}

export interface DetailRow {
  entry_id: string
  kind: ContactKind
  position: number
  raw: string
  match_keys: string
  warning: string | null
}

/** An active entry as the index loads it (a raw row: the columns in this order), then with its keys. */
export type ActiveEntryRow = [id: string, scope: EntryRow['scope'], prisoner: string | null, establishment: string,
  effectiveFrom: number | null, expiresAt: number | null, addressMode: EntryRow['address_mode'], protectedPerson: string | null]
export type ActiveRow = [...ActiveEntryRow, matchKeys: string | KeySpans]

export interface EntryFilter {
  status?: 'active' | 'lifted'
  scope?: Scope
  prisoner?: string
  establishment?: string
  requestRef?: string
  /** part of a request reference, any case (the store escapes LIKE's wildcards) */
  refContains?: string
  /** a block reference or its start, stored form (block-reference.ts readReference) */
  reference?: string
}

/** Filters map to fixed SQL fragments: no value is ever spliced into SQL. */
const FILTER_SQL: Record<keyof EntryFilter, string> = {
  status: 'status = @status',
  scope: 'scope = @scope',
  prisoner: 'prisoner = @prisoner',
  establishment: 'establishment = @establishment',
  requestRef: 'request_ref = @requestRef',
  refContains: "request_ref LIKE @refContains ESCAPE '\\'",
  // Every reference with this start, through the unique index ('~' sorts after every character of one).
  reference: 'reference >= @reference AND reference < @referenceEnd'
}

/**
 * Prepared statements for entries and their details. Rows go in and come out in plaintext; the
 * contact details, the protected person's name and the reasons are sealed in the file
 * (services/at-rest.ts), each bound to its row. Match keys arrive as HMAC tokens and are stored as they are.
 */
export function createEntriesStore (db: Db, sealer: Sealer) {
  const insertEntry = db.prepare(`INSERT INTO entries (id, scope, prisoner, establishment, status,
    protected_person, address_mode, reason, request_ref, consent, effective_from, expires_at, created_by, created_at, reference)
    VALUES (@id, @scope, @prisoner, @establishment, @status, @protected_person, @address_mode, @reason, @request_ref,
    @consent, @effective_from, @expires_at, @created_by, @created_at, @reference)`)
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
    lifted_by, lifted_at, lift_reason, origin, reference)
    VALUES (@id, @scope, @prisoner, @establishment, @status, @protected_person, @address_mode, @reason, @request_ref,
    @consent, @effective_from, @expires_at, @created_by, @created_at, @lifted_by, @lifted_at, @lift_reason, 'hub', @reference)
    ON CONFLICT (id) DO UPDATE SET scope = excluded.scope, prisoner = excluded.prisoner,
    establishment = excluded.establishment, status = excluded.status, protected_person = excluded.protected_person,
    address_mode = excluded.address_mode,
    reason = excluded.reason, request_ref = excluded.request_ref, consent = excluded.consent,
    effective_from = excluded.effective_from, expires_at = excluded.expires_at, created_by = excluded.created_by,
    created_at = excluded.created_at, lifted_by = excluded.lifted_by, lifted_at = excluded.lifted_at,
    lift_reason = excluded.lift_reason, reference = coalesce(entries.reference, excluded.reference)
    WHERE entries.origin = 'hub'`)
  const deleteDetails = db.prepare('DELETE FROM entry_details WHERE entry_id = ?')
  const deleteEntry = db.prepare("DELETE FROM entries WHERE id = ? AND origin = 'hub'")
  const selectOrigin = db.prepare('SELECT origin FROM entries WHERE id = ?').pluck()
  const selectHubState = db.prepare('SELECT origin, erased_at FROM entries WHERE id = ?').raw(true)
  // A chunk of a feed page at once: one query instead of one an item.
  const selectHubStates = db.prepare('SELECT id, origin, erased_at FROM entries WHERE id IN (SELECT value FROM json_each(?))').raw(true)
  const selectPrisonerScope = db.prepare("SELECT * FROM entries WHERE prisoner = ? AND scope = 'prisoner' ORDER BY id")
  const updateEstablishment = db.prepare('UPDATE entries SET establishment = ? WHERE id = ?')
  // For loading the index: active entries in id order, a chunk at a time (keyset paging on the
  // covering index of 004), and the keys of the details of each chunk's id range as ONE text, one
  // line a detail, `"entry id"["key",...]`: a million entries read row by row cost more in crossing
  // from SQLite to JavaScript (a row object, a string a column, a step a row) than in SQLite itself.
  // Entries and details are read as two streams in id order and merged: a join would look each
  // entry up at random.
  // The protected person (sealed) is read only for a named-mode block, the only kind the index keeps it for.
  const activeColumns = `SELECT id, scope, prisoner, establishment, effective_from, expires_at,
    address_mode, CASE address_mode WHEN 'named' THEN protected_person END FROM entries`
  const selectActiveFirst = db.prepare(`${activeColumns} WHERE status = 'active' ORDER BY id LIMIT ${LOAD_CHUNK}`).raw(true)
  const selectActiveAfter = db.prepare(`${activeColumns} WHERE status = 'active' AND id > ? ORDER BY id LIMIT ${LOAD_CHUNK}`).raw(true)
  const chunkKeys = (range: string) => db.prepare(`SELECT count(*), group_concat(json_quote(entry_id) || match_keys, char(10))
    FROM (SELECT entry_id, match_keys FROM entry_details WHERE ${range} AND match_keys <> '[]' ORDER BY entry_id)`).raw(true)
  const selectKeysFirst = chunkKeys('entry_id <= @to')
  const selectKeysAfter = chunkKeys('entry_id > @after AND entry_id <= @to')
  // The same keys an entry a row, SQLite joining each entry's key arrays into one JSON array: for a
  // chunk whose text is not in the plain form above (an id or a key that JSON escapes, spaces).
  const rowKeys = (range: string) => db.prepare(`SELECT entry_id,
    '[' || group_concat(substr(match_keys, 2, length(match_keys) - 2), ',') || ']'
    FROM entry_details WHERE ${range} AND match_keys <> '[]' GROUP BY entry_id ORDER BY entry_id`).raw(true)
  const selectRowKeysFirst = rowKeys('entry_id <= @to')
  const selectRowKeysAfter = rowKeys('entry_id > @after AND entry_id <= @to')
  // Retention: entries not yet erased that stopped blocking (lifted or expired) before the cutoff,
  // found through the two partial indexes of 005.
  const selectRetentionDue = db.prepare(`SELECT * FROM entries WHERE id IN (
      SELECT id FROM entries WHERE erased_at IS NULL AND lifted_at IS NOT NULL AND lifted_at < @cutoff
      UNION SELECT id FROM entries WHERE erased_at IS NULL AND expires_at IS NOT NULL AND expires_at < @cutoff)
    ORDER BY id LIMIT @limit`)
  // address_mode goes back to whole: 002 allows a named block only with its person, and the name
  // is what is being erased (the entry no longer blocks anything, and entry.create keeps the mode).
  // The reason and lift reason go too: free text may say who the person is (an empty reason is an
  // erased one; the column is NOT NULL).
  const eraseEntry = db.prepare(`UPDATE entries SET protected_person = NULL, address_mode = 'whole', reason = '${ERASED}',
    lift_reason = NULL, erased_at = @at WHERE id = @id AND erased_at IS NULL`)
  const countActive = db.prepare("SELECT COUNT(*) FROM entries WHERE status = 'active'").pluck()
  const selectReferenceHolder = db.prepare('SELECT id FROM entries WHERE reference = ?').pluck()
  const selectByReference = db.prepare('SELECT * FROM entries WHERE reference = ?')
  const selectReference = db.prepare('SELECT reference FROM entries WHERE id = ?').pluck()
  // Oldest first: where two entries' usual references are the same, the older one keeps it.
  const selectUnreferenced = db.prepare('SELECT id FROM entries WHERE reference IS NULL ORDER BY created_at, id').pluck()
  const updateReference = db.prepare('UPDATE entries SET reference = ? WHERE id = ?')

  /**
   * The shortest of the entry's references (block-reference-id.ts) that no other entry holds: its
   * usual 8 characters, or on the rare clash with another entry's, 4 more at a time. Run inside
   * the write transaction that stores it, so no other writer can take it in between.
   */
  function freeReference (id: string): string {
    for (const candidate of referenceCandidates(id)) {
      const holder = selectReferenceHolder.get(candidate) as string | undefined
      if (holder === undefined || holder === id) return candidate
    }
    // Every length up to the whole hash is held by another entry: two ids with the same SHA-256.
    throw new Error('no free block reference for this entry')
  }

  // The protected person's name, the reason and the lift reason are sealed, each bound to its row
  // and column; an erased entry's reason is '' (retention), which is stored as it is.
  const sealEntry = (entry: EntryRow): EntryRow => ({
    ...entry,
    protected_person: entry.protected_person === null ? null : sealer.seal(entry.protected_person, associatedData.person(entry.id)),
    reason: entry.reason === ERASED ? ERASED : sealer.seal(entry.reason, associatedData.reason(entry.id)),
    lift_reason: entry.lift_reason === null ? null : sealer.seal(entry.lift_reason, associatedData.liftReason(entry.id))
  })
  const openEntry = (entry: EntryRow): EntryRow => {
    if (entry.protected_person !== null) entry.protected_person = sealer.open(entry.protected_person, associatedData.person(entry.id))
    if (entry.reason !== ERASED) entry.reason = sealer.open(entry.reason, associatedData.reason(entry.id))
    if (entry.lift_reason !== null) entry.lift_reason = sealer.open(entry.lift_reason, associatedData.liftReason(entry.id))
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
    if (filter.reference !== undefined) out.referenceEnd = `${filter.reference}~`
    return out
  }

  return {
    /** Stores a new entry and its details; gives `entry` its reference. */
    insert (entry: EntryRow, details: DetailRow[]): void {
      sealer.assertCurrent()
      entry.reference = freeReference(entry.id)
      insertEntry.run(sealEntry(entry))
      for (const detail of details) insertDetail.run(sealDetail(detail))
    },

    get (id: string): EntryRow | undefined {
      const row = selectEntry.get(id) as EntryRow | undefined
      return row === undefined ? undefined : openEntry(row)
    },

    /** The entry with exactly this reference (stored form). */
    byReference (reference: string): EntryRow | undefined {
      const row = selectByReference.get(reference) as EntryRow | undefined
      return row === undefined ? undefined : openEntry(row)
    },

    /** An entry's reference (stored form), or undefined when the store holds none for it. */
    referenceOf (id: string): string | undefined {
      return (selectReference.get(id) as string | null | undefined) ?? undefined
    },

    /**
     * Gives every entry without a reference its own (a store from before references, or a row an
     * operator's script inserted); run it in a write transaction. Returns how many it gave.
     */
    fillReferences (): number {
      const ids = selectUnreferenced.all() as string[]
      for (const id of ids) updateReference.run(freeReference(id), id)
      return ids.length
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
      sealer.assertCurrent()
      const sealed = sealer.seal(reason, associatedData.liftReason(id))
      return liftEntry.run({ id, lifted_by: liftedBy, lifted_at: liftedAt, lift_reason: sealed }).changes === 1
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
      // A new entry is given its reference; one already here keeps the one it has.
      entry.reference = isNew ? freeReference(entry.id) : null
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

    /** Deletes an entry's contact details and clears its protected person and reasons; the row stays. */
    erase (id: string, at: number): { details: DetailRow[] } | null {
      const details = selectDetails.all(id) as DetailRow[]
      if (eraseEntry.run({ id, at }).changes === 0) return null
      deleteDetails.run(id)
      return { details }
    },

    prisonerScoped (prisoner: string): EntryRow[] {
      return (selectPrisonerScope.all(prisoner) as EntryRow[]).map(openEntry)
    },

    moveTo (id: string, establishment: string): void {
      updateEstablishment.run(establishment, id)
    },

    /**
     * Runs `read` in one read transaction (or in the caller's), so that the statements it runs one
     * after another all see the store as it was when it began: a load reads chunk by chunk.
     */
    snapshot<T> (read: () => T): T {
      return db.transaction(read).deferred()
    },

    /**
     * Active entries with all their keys, one row each, in id order (entries with no keys are left
     * out), read a chunk at a time: run it inside snapshot(), or chunks may see different states of
     * the store. Each row is to be used before the next is asked for: its keys are spans of a text
     * shared by the chunk, in an object refilled for every row.
     */
    * activeWithKeys (onUnreadable: (entryId: string) => void = () => {}): Generator<ActiveRow> {
      const chunk: ChunkKeys = { spans: new Int32Array(1 << 16), first: new Int32Array(LOAD_CHUNK), count: new Int32Array(LOAD_CHUNK), records: new Int32Array(LOAD_CHUNK) }
      const spans: KeySpans = { text: '', spans: chunk.spans, first: 0, count: 0 }
      let after: string | null = null
      for (;;) {
        const rows = (after === null ? selectActiveFirst.all() : selectActiveAfter.all(after)) as ActiveEntryRow[]
        if (rows.length === 0) break
        const to = (rows[rows.length - 1] as ActiveEntryRow)[0]
        const range = after === null ? { to } : { after, to }
        const [records, text] = (after === null ? selectKeysFirst.get(range) : selectKeysAfter.get(range)) as [number, string | null]
        // No text: no keys in this range at all.
        if (text === null) chunk.records.fill(0)
        const scanned = text === null || scanChunk(text, records, rows, chunk)
        if (text !== null) spans.text = text
        spans.spans = chunk.spans
        const keysByRow = scanned ? null : rowsOfKeys(rows, (after === null ? selectRowKeysFirst.iterate(range) : selectRowKeysAfter.iterate(range)) as IterableIterator<[string, string]>)
        for (let r = 0; r < rows.length; r++) {
          const entry = rows[r] as ActiveEntryRow
          // Only a named-mode block needs its protected person's name in the index: only those are opened.
          // One that does not open loads with no name, so it holds all mail to its addresses (the safe
          // side) instead of failing the whole load, which would leave every check unavailable.
          entry[7] = entry[6] === 'named' && entry[7] !== null ? openPerson(entry[0], entry[7], onUnreadable) : null
          let keys: string | KeySpans
          if (keysByRow !== null) {
            const found = keysByRow[r]
            if (found === undefined) continue
            keys = found
          } else {
            if (chunk.records[r] === 0) continue
            spans.first = chunk.first[r] as number
            spans.count = chunk.count[r] as number
            keys = spans
          }
          ;(entry as unknown as ActiveRow)[8] = keys
          yield entry as unknown as ActiveRow
        }
        after = to
        if (rows.length < LOAD_CHUNK) break
      }
    },

    /** How many active entries there are, to size the index before loading it. */
    activeCount (): number {
      return countActive.get() as number
    }
  }
}

/** The reason of an entry that retention erased. */
export const ERASED = ''

/** Active entries read a chunk at a time for the index load. */
const LOAD_CHUNK = 4096

/** What scanChunk found: for each row of a chunk, its spans [first, first + count) and how many detail lines met it. */
export interface ChunkKeys { spans: Int32Array, first: Int32Array, count: Int32Array, records: Int32Array }

/**
 * Reads a chunk's keys text (`"entry id"["key",...]` a line, in entry id order) into `chunk`,
 * merged with the chunk's rows by id: the span of every key of a row's details, without making a
 * string. False, and nothing to trust in `chunk`, when the text is not in the plain form: any JSON
 * escape (so an id is its text between quotes), an array that is not `["k","k"]` with no escape or
 * control character, a count of lines other than SQLite's count of details, or ids out of order.
 * The merge compares ids as JavaScript strings, so it also checks that both sides are in that order.
 */
export function scanChunk (text: string, records: number, rows: readonly ActiveEntryRow[], chunk: ChunkKeys): boolean {
  if (text.indexOf('\\') >= 0) return false
  const n = rows.length
  for (let r = 0; r < n; r++) {
    const id = (rows[r] as ActiveEntryRow)[0]
    if (id.indexOf('"') >= 0 || (r > 0 && !((rows[r - 1] as ActiveEntryRow)[0] < id))) return false
  }
  chunk.first.fill(0, 0, n)
  chunk.count.fill(0, 0, n)
  chunk.records.fill(0, 0, n)
  let spans = chunk.spans
  let used = 0 // spans written (pairs)
  let lines = 0
  let e = 0 // the row the last line met or stopped before: every line so far is <= its id
  let last = '' // the last line's id
  let i = 0
  const end = text.length
  while (i < end) {
    if (text.charCodeAt(i) !== 34 /* " */) return false
    const idStart = i + 1
    // The row this line belongs to: the one the last line met, the next one, or (rarely: an entry
    // that is not active, or one with no keys between) found by comparing.
    let row = -1
    let close: number
    const current = e < n ? (rows[e] as ActiveEntryRow)[0] : null
    const next = e + 1 < n ? (rows[e + 1] as ActiveEntryRow)[0] : null
    if (current !== null && text.startsWith(current, idStart) && text.charCodeAt(idStart + current.length) === 34) {
      row = e
      close = idStart + current.length
      last = current
    } else if (next !== null && text.startsWith(next, idStart) && text.charCodeAt(idStart + next.length) === 34) {
      row = ++e
      close = idStart + next.length
      last = next
    } else {
      close = text.indexOf('"', idStart)
      if (close < 0) return false
      const id = text.slice(idStart, close)
      if (id < last) return false
      while (e < n && (rows[e] as ActiveEntryRow)[0] < id) e++
      if (e < n && (rows[e] as ActiveEntryRow)[0] === id) row = e
      last = id
    }
    // The keys: a plain JSON array of strings, then the end of the line.
    i = close + 1
    if (text.charCodeAt(i) !== 91 /* [ */) return false
    i++
    const first = used
    if (text.charCodeAt(i) !== 93 /* ] */) {
      for (;;) {
        if (text.charCodeAt(i) !== 34) return false
        const start = i + 1
        let stop = start
        for (;;) {
          if (stop >= end) return false
          const c = text.charCodeAt(stop)
          if (c === 34) break
          if (c < 32) return false
          stop++
        }
        if (used * 2 + 2 > spans.length) {
          const grownSpans = new Int32Array(spans.length * 2)
          grownSpans.set(spans)
          spans = chunk.spans = grownSpans
        }
        spans[used * 2] = start
        spans[used * 2 + 1] = stop
        used++
        i = stop + 1
        const c = text.charCodeAt(i)
        if (c === 93) break
        if (c !== 44 /* , */) return false
        i++
      }
    }
    i++ // past ]
    if (i < end) {
      if (text.charCodeAt(i) !== 10) return false
      i++
      if (i === end) return false // a trailing line break: not group_concat's text
    }
    lines++
    if (row < 0) {
      used = first // the details of an entry that is not active (a lifted one keeps them): not loaded
      continue
    }
    if (chunk.records[row] === 0) chunk.first[row] = first
    chunk.count[row] = used - (chunk.first[row] as number)
    chunk.records[row] = (chunk.records[row] as number) + 1
  }
  return lines === records
}

/**
 * a < b in SQLite's BINARY order (UTF-8 bytes, which is code point order). JavaScript's < compares
 * UTF-16 units, which puts a character beyond U+FFFF (a surrogate pair) before U+E000-U+FFFF: a
 * merge by < lost such an entry's keys.
 */
export function codePointLess (a: string, b: string): boolean {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i)
    let y = b.charCodeAt(i)
    if (x === y) continue
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000
    }
    return x < y
  }
  return a.length < b.length
}

/** The fallback: each row's keys as one JSON array text, merged by id from rows of keys an entry. */
function rowsOfKeys (rows: readonly ActiveEntryRow[], keys: IterableIterator<[string, string]>): Array<string | undefined> {
  const out: Array<string | undefined> = new Array(rows.length)
  let r = 0
  for (const [id, text] of keys) {
    while (r < rows.length && codePointLess((rows[r] as ActiveEntryRow)[0], id)) r++
    if (r < rows.length && (rows[r] as ActiveEntryRow)[0] === id) out[r] = text
  }
  return out
}

export type EntriesStore = ReturnType<typeof createEntriesStore>

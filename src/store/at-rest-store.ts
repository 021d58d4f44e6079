import { existsSync } from 'node:fs'
import Database from 'better-sqlite3'
import type { Db } from './db.js'

export interface KeyState {
  data_key_id: string | null
  hash_key_id: string | null
  converted_at: number | null
  rotated_at: number | null
  /** when the reasons of the store were sealed; null until done */
  reasons_sealed_at: number | null
}

/** One sealed (or, before conversion, plaintext) column value and what binds it to its row. */
export interface StoredValue { table: 'entry_details' | 'entries' | 'quarantine' | 'held_changes' | 'requests', ref: string, value: string, associated: string }

/**
 * What a sealed value is bound to (its associated data): the table, the column and the row's key.
 * A ciphertext moved to another row, or another column, no longer opens.
 */
export const associatedData = {
  detail: (entryId: string, kind: string, position: number): string => `entry_details.raw|${entryId}|${kind}|${position}`,
  person: (entryId: string): string => `entries.protected_person|${entryId}`,
  reason: (entryId: string): string => `entries.reason|${entryId}`,
  liftReason: (entryId: string): string => `entries.lift_reason|${entryId}`,
  quarantine: (at: number, seq: number | null, entryId: string | null): string => `quarantine.item|${at}|${seq ?? ''}|${entryId ?? ''}`,
  held: (id: number, entryId: string, seq: number): string => `held_changes.item|${id}|${entryId}|${seq}`,
  request: (column: string, requestId: string): string => `requests.${column}|${requestId}`
}

/** The sealed columns of a request (src/store/requests-store.ts). */
const REQUEST_COLUMNS = ['requester', 'outcome_contact', 'block', 'reason', 'rationale'] as const

/** The key_state row, and every sealed column of the store, for conversion and key rotation. */
export function createAtRestStore (db: Db) {
  const getState = db.prepare('SELECT data_key_id, hash_key_id, converted_at, rotated_at, reasons_sealed_at FROM key_state WHERE id = 1')
  const dataKeyId = db.prepare('SELECT data_key_id FROM key_state WHERE id = 1').pluck()
  const setConverted = db.prepare('UPDATE key_state SET data_key_id = @data, hash_key_id = @hash, converted_at = @at WHERE id = 1')
  const setRotated = db.prepare('UPDATE key_state SET data_key_id = @data, rotated_at = @at WHERE id = 1')
  const details = db.prepare('SELECT entry_id, kind, position, raw, match_keys, warning FROM entry_details')
  const persons = db.prepare('SELECT id, protected_person FROM entries WHERE protected_person IS NOT NULL')
  const items = db.prepare('SELECT id, at, seq, entry_id, item FROM quarantine')
  // An erased entry's reason is '' (retention), which is not sealed.
  const reasons = db.prepare("SELECT id, reason, lift_reason FROM entries WHERE reason <> ''")
  const updateReasons = db.prepare('UPDATE entries SET reason = ?, lift_reason = ? WHERE id = ?')
  const reasonsSealed = db.prepare('SELECT reasons_sealed_at IS NOT NULL FROM key_state WHERE id = 1').pluck()
  const setReasonsSealed = db.prepare('UPDATE key_state SET reasons_sealed_at = ? WHERE id = 1')
  // Entries retention erased before reasons were erased with them lose theirs now.
  const erasedReasons = db.prepare("SELECT COUNT(*) + COUNT(lift_reason) FROM entries WHERE erased_at IS NOT NULL AND reason <> ''").pluck()
  const eraseReasons = db.prepare("UPDATE entries SET reason = '', lift_reason = NULL WHERE erased_at IS NOT NULL AND reason <> ''")
  const updateDetail = db.prepare('UPDATE entry_details SET raw = @raw, match_keys = COALESCE(@keys, match_keys) WHERE entry_id = @entryId AND kind = @kind AND position = @position')
  const updatePerson = db.prepare('UPDATE entries SET protected_person = ? WHERE id = ?')
  const updateItem = db.prepare('UPDATE quarantine SET item = ? WHERE id = ?')
  const heldItems = db.prepare('SELECT id, entry_id, seq, item FROM held_changes WHERE item IS NOT NULL')
  const updateHeldItem = db.prepare('UPDATE held_changes SET item = ? WHERE id = ?')
  const requests = db.prepare(`SELECT id, ${REQUEST_COLUMNS.join(', ')} FROM requests`)
  const updateRequest = db.prepare(`UPDATE requests SET ${REQUEST_COLUMNS.map((column) => `${column} = @${column}`).join(', ')} WHERE id = @id`)
  const keyingVersion = db.prepare('SELECT keying_version FROM key_state WHERE id = 1').pluck()
  const setKeyingVersion = db.prepare('UPDATE key_state SET keying_version = ? WHERE id = 1')
  const updateKeys = db.prepare('UPDATE entry_details SET match_keys = @keys, warning = @warning WHERE entry_id = @entryId AND kind = @kind AND position = @position')

  function rewriteReasons (change: (value: string, associated: string) => string): number {
    let count = 0
    for (const row of reasons.all() as Array<{ id: string, reason: string, lift_reason: string | null }>) {
      const reason = change(row.reason, associatedData.reason(row.id))
      const liftReason = row.lift_reason === null ? null : change(row.lift_reason, associatedData.liftReason(row.id))
      if (reason === row.reason && liftReason === row.lift_reason) continue
      updateReasons.run(reason, liftReason, row.id)
      count += (reason === row.reason ? 0 : 1) + (liftReason === row.lift_reason ? 0 : 1)
    }
    return count
  }

  return {
    state (): KeyState | undefined {
      return getState.get() as KeyState | undefined
    },
    dataKeyId (): string | null {
      return dataKeyId.get() as string | null
    },
    converted (dataKey: string, hashKey: string, at: number): void {
      setConverted.run({ data: dataKey, hash: hashKey, at })
    },
    rotated (dataKey: string, at: number): void {
      setRotated.run({ data: dataKey, at })
    },
    /** The version of the normalisers that made the stored match keys; null before it was recorded. */
    keyingVersion (): number | null {
      return keyingVersion.get() as number | null
    },
    keyed (version: number): void {
      setKeyingVersion.run(version)
    },

    /**
     * Erases the reasons of entries already erased, then gives every other entry's reason and lift
     * reason to `change` (the text and its associated data) and stores what it returns; `done`
     * (epoch ms) then records that the reasons are sealed. Call inside a transaction. Returns how
     * many values were erased or changed.
     */
    sealReasons (change: (value: string, associated: string) => string, done: number): number {
      const erased = erasedReasons.get() as number
      eraseReasons.run()
      const count = erased + rewriteReasons(change)
      setReasonsSealed.run(done)
      return count
    },

    /**
     * Gives every detail the match keys (and warning code) `rekey` makes of its sealed text, or leaves
     * it when `rekey` returns null. Call inside a transaction. Returns how many details changed.
     */
    rekeyAll (rekey: (detail: { entryId: string, kind: string, position: number, raw: string }) => { keys: string, warning: string | null } | null): number {
      let count = 0
      type Detail = { entry_id: string, kind: string, position: number, raw: string, match_keys: string, warning: string | null }
      for (const row of details.all() as Detail[]) {
        const next = rekey({ entryId: row.entry_id, kind: row.kind, position: row.position, raw: row.raw })
        if (next === null || (next.keys === row.match_keys && next.warning === row.warning)) continue
        updateKeys.run({ keys: next.keys, warning: next.warning, entryId: row.entry_id, kind: row.kind, position: row.position })
        count++
      }
      return count
    },

    /**
     * Rewrites every sealed column value: `change` gets the stored text and its associated data and
     * returns the new text (or the same, to leave it); details' match keys too, when `rekey` is given.
     * Call inside a transaction. Returns how many values were rewritten.
     */
    rewriteAll (change: (value: string, associated: string) => string, rekey?: (matchKeys: string) => string): number {
      let count = 0
      type Detail = { entry_id: string, kind: string, position: number, raw: string, match_keys: string }
      for (const row of details.all() as Detail[]) {
        const raw = change(row.raw, associatedData.detail(row.entry_id, row.kind, row.position))
        const keys = rekey === undefined ? null : rekey(row.match_keys)
        if (raw === row.raw && (keys === null || keys === row.match_keys)) continue
        updateDetail.run({ raw, keys, entryId: row.entry_id, kind: row.kind, position: row.position })
        count++
      }
      for (const row of persons.all() as Array<{ id: string, protected_person: string }>) {
        const person = change(row.protected_person, associatedData.person(row.id))
        if (person === row.protected_person) continue
        updatePerson.run(person, row.id)
        count++
      }
      // reasons are sealed values once sealReasons has run; before, they are left to it
      if (reasonsSealed.get() === 1) count += rewriteReasons(change)
      type Item = { id: number, at: number, seq: number | null, entry_id: string | null, item: string }
      for (const row of items.all() as Item[]) {
        const item = change(row.item, associatedData.quarantine(row.at, row.seq, row.entry_id))
        if (item === row.item) continue
        updateItem.run(item, row.id)
        count++
      }
      for (const row of heldItems.all() as Array<{ id: number, entry_id: string, seq: number, item: string }>) {
        const item = change(row.item, associatedData.held(row.id, row.entry_id, row.seq))
        if (item === row.item) continue
        updateHeldItem.run(item, row.id)
        count++
      }
      for (const row of requests.all() as Array<Record<string, string | null>>) {
        const id = row.id as string
        let changed = 0
        const next: Record<string, string | null> = { id }
        for (const column of REQUEST_COLUMNS) {
          const value = row[column] ?? null
          next[column] = value === null ? null : change(value, associatedData.request(column, id))
          if (next[column] !== value) changed++
        }
        if (changed === 0) continue
        updateRequest.run(next)
        count += changed
      }
      return count
    }
  }
}

export type AtRestStore = ReturnType<typeof createAtRestStore>

/**
 * The key ids a store file records, read without changing it (read-only, before migrations run):
 * null when there is no such file or it records none yet (a new or an older store).
 */
export function recordedKeyIds (file: string): { hashKeyId: string | null, dataKeyId: string | null } | null {
  if (file === ':memory:' || !existsSync(file)) return null
  let db: Database.Database | undefined
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
    db.pragma('busy_timeout = 5000')
    const row = db.prepare('SELECT hash_key_id, data_key_id FROM key_state WHERE id = 1').get() as { hash_key_id: string | null, data_key_id: string | null } | undefined
    return row === undefined ? null : { hashKeyId: row.hash_key_id, dataKeyId: row.data_key_id }
  } catch {
    // Not a store yet (no key_state table), or not readable here: the daemon's own open says why.
    return null
  } finally {
    db?.close()
  }
}

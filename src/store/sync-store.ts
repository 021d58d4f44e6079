import type { Db } from './db.js'
import { associatedData } from './at-rest-store.js'
import type { Sealer } from './sealer.js'

export interface SyncState {
  cursor: number
  last_success_at: number | null
  last_attempt_at: number | null
  last_error: string | null
  applied_total: number
  quarantined_total: number
}

export interface QuarantineRow { id: number, at: number, seq: number | null, entry_id: string | null, reason: string }

/**
 * The establishment's sync state (one row) and the quarantine of feed items that failed validation.
 * A quarantined item is sealed (it may hold a victim's details, as received).
 */
export function createSyncStore (db: Db, sealer: Sealer) {
  /**
   * A feed page and its cursor commit atomically whatever the synchronous setting (WAL), so a page
   * need not wait for the disk: a power cut can lose the last pages applied, cursor and data
   * together, and the next sync reads them again from the hub (https://sqlite.org/wal.html).
   */
  function withoutSync<T> (work: () => T): T {
    db.pragma('synchronous = NORMAL')
    try {
      return work()
    } finally {
      db.pragma('synchronous = FULL')
    }
  }

  const get = db.prepare('SELECT cursor, last_success_at, last_attempt_at, last_error, applied_total, quarantined_total FROM sync_state WHERE id = 1')
  const advance = db.prepare(`UPDATE sync_state SET cursor = @cursor, applied_total = applied_total + @applied,
    quarantined_total = quarantined_total + @quarantined WHERE id = 1`)
  const success = db.prepare('UPDATE sync_state SET last_success_at = @at, last_attempt_at = @at, last_error = NULL WHERE id = 1')
  const failure = db.prepare('UPDATE sync_state SET last_attempt_at = @at, last_error = @error WHERE id = 1')
  const quarantine = db.prepare('INSERT INTO quarantine (at, seq, entry_id, reason, item) VALUES (@at, @seq, @entryId, @reason, @item)')
  const recent = db.prepare('SELECT id, at, seq, entry_id, reason FROM quarantine ORDER BY id DESC LIMIT ?')

  return {
    withoutSync,

    state (): SyncState {
      return get.get() as SyncState
    },
    /** Moves the cursor with the page it belongs to (call inside the page's transaction). */
    advance (cursor: number, applied: number, quarantined: number): void {
      advance.run({ cursor, applied, quarantined })
    },
    succeeded (at: number): void {
      success.run({ at })
    },
    failed (at: number, error: string): void {
      failure.run({ at, error })
    },
    quarantine (at: number, seq: number | null, entryId: string | null, reason: string, item: unknown): void {
      sealer.assertCurrent()
      const sealed = sealer.seal(JSON.stringify(item) ?? 'null', associatedData.quarantine(at, seq, entryId))
      quarantine.run({ at, seq, entryId, reason, item: sealed })
    },
    recentQuarantine (limit: number): QuarantineRow[] {
      return recent.all(limit) as QuarantineRow[]
    }
  }
}

export type SyncStore = ReturnType<typeof createSyncStore>

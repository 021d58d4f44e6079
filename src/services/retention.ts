import type { Logger } from 'pino'
import type { AuditStore } from '../audit/index.js'
import type { ChangesStore } from '../store/changes-store.js'
import type { Db } from '../store/db.js'
import type { EntriesStore, EntryRow } from '../store/entries-store.js'
import type { AuditWriter } from '../audit/index.js'
import { audienceOf } from './entries.js'
import { countDetails } from './entry-records.js'
import type { IndexState } from './index-state.js'

const DAY_MS = 24 * 60 * 60 * 1000
/** Entries erased a transaction: each write stays short, so a check never waits behind it. */
const PER_TRANSACTION = 200

export interface RetentionDeps {
  db: Db
  entries: EntriesStore
  changes: ChangesStore
  audit: AuditStore
  auditWriter: AuditWriter
  indexState: IndexState
  clock: () => number
  log: Logger
  afterLiftDays: number
}

export interface RetentionReport { erased: number, cutoff: string }

/**
 * Retention (docs/RELIABILITY.md): an entry that stopped blocking (lifted, or past its expiry) more
 * than `afterLiftDays` ago keeps its row (scope, prisoner, status, reason, who and when) and its
 * audit trail, but loses its contact details and protected person. Each erasure is audited
 * (`retention.erase`, ids and counts only) in the same transaction. Entries made here also get a
 * `remove` in the feed, so that no establishment keeps a copy of what the hub has erased.
 */
export function createRetentionService (deps: RetentionDeps) {
  const { db, entries, changes, audit, indexState, clock, log } = deps
  const periodMs = deps.afterLiftDays * DAY_MS

  const eraseBatch = db.transaction((rows: EntryRow[], cutoff: number, at: number): string[] => {
    const erased: string[] = []
    for (const row of rows) {
      const result = entries.erase(row.id, at)
      if (result === null) continue
      if (row.origin !== 'hub') changes.append(row.id, audienceOf(row), 'remove', at)
      // Its audit rows' reasons and details were sealed under this key: they stay, unreadable.
      audit.forget(row.id)
      audit.append({
        at,
        actor: 'retention',
        action: 'retention.erase',
        entryId: row.id,
        reason: null,
        detail: {
          ended: row.lifted_at !== null && row.lifted_at < cutoff ? 'lifted' : 'expired',
          afterLiftDays: deps.afterLiftDays,
          details: countDetails(result.details),
          protectedPerson: row.protected_person !== null,
          addressMode: row.address_mode
        }
      })
      erased.push(row.id)
    }
    return erased
  })

  return {
    /** Erases every entry due at the clock's now; returns how many. */
    run (): RetentionReport {
      const now = clock()
      const cutoff = now - periodMs
      deps.auditWriter.flush()
      let erased: number
      // Freed pages zeroed, and the WAL truncated after: the erased details and keys leave the file.
      const secureDelete = db.pragma('secure_delete', { simple: true }) as number
      db.pragma('secure_delete = ON')
      try {
        erased = eraseDue(cutoff, now)
      } finally {
        db.pragma(`secure_delete = ${secureDelete === 1 ? 'ON' : 'OFF'}`)
      }
      if (erased > 0) db.pragma('wal_checkpoint(TRUNCATE)')
      const report = { erased, cutoff: new Date(cutoff).toISOString() }
      log.info(report, 'retention run')
      return report
    }
  }

  function eraseDue (cutoff: number, now: number): number {
    let erased = 0
    for (;;) {
      const due = entries.retentionDue(cutoff, PER_TRANSACTION)
      if (due.length === 0) break
      const ids = eraseBatch.immediate(due, cutoff, now)
      // After the commit: an expired entry is still in the index (it is active, judged by time at
      // each check), and its keys must go with its details.
      for (const id of ids) indexState.index.remove(id)
      erased += ids.length
      if (ids.length === 0) break
    }
    return erased
  }
}

export type RetentionService = ReturnType<typeof createRetentionService>

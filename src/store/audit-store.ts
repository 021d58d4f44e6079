import type { Db } from './db.js'

export interface AuditRecord {
  at: number
  actor: string
  action: string
  entryId: string | null
  reason: string | null
  /** ids, codes and hashes only: never a contact detail */
  detail: Record<string, unknown> | null
}

export interface AuditRow extends AuditRecord { id: number }

export interface AuditFilter {
  entryId?: string
  actor?: string
  action?: string
  from?: number
  to?: number
  before?: number
}

const FILTER_SQL: Record<keyof AuditFilter, string> = {
  entryId: 'entry_id = @entryId',
  actor: 'actor = @actor',
  action: 'action = @action',
  from: 'at >= @from',
  to: 'at <= @to',
  before: 'id < @before'
}

interface StoredRow { id: number, at: number, actor: string, action: string, entry_id: string | null, reason: string | null, detail: string | null }

/** The append-only audit table (UPDATE and DELETE are refused by triggers in 001_init.sql). */
export function createAuditStore (db: Db) {
  const insert = db.prepare(`INSERT INTO audit (at, actor, action, entry_id, reason, detail)
    VALUES (@at, @actor, @action, @entryId, @reason, @detail)`)

  const insertMany = db.transaction((records: AuditRecord[]) => {
    for (const record of records) insert.run(toParams(record))
  })

  const toParams = (record: AuditRecord) => ({
    ...record,
    detail: record.detail === null ? null : JSON.stringify(record.detail)
  })

  return {
    append (record: AuditRecord): void {
      insert.run(toParams(record))
    },

    /**
     * A batch of check records in one transaction, committed without waiting for the disk: in WAL
     * mode synchronous=NORMAL makes the commit durable against a crash of the process but not of the
     * machine (https://sqlite.org/pragma.html#pragma_synchronous), and the next FULL commit (an
     * entry, a lift) syncs these pages too. Checks are never made to wait behind an fsync; entries
     * and lifts, on which a victim's safety rests, still are.
     */
    appendBatch (records: AuditRecord[]): void {
      db.pragma('synchronous = NORMAL')
      try {
        insertMany(records)
      } finally {
        db.pragma('synchronous = FULL')
      }
    },

    /** Newest first. */
    list (filter: AuditFilter, limit: number): AuditRow[] {
      const keys = (Object.keys(FILTER_SQL) as Array<keyof AuditFilter>).filter((key) => filter[key] !== undefined)
      const clause = keys.length === 0 ? '' : `WHERE ${keys.map((key) => FILTER_SQL[key]).join(' AND ')}`
      const values: Record<string, string | number> = {}
      for (const key of keys) values[key] = filter[key] as string | number
      const rows = db.prepare(`SELECT * FROM audit ${clause} ORDER BY id DESC LIMIT @limit`)
        .all({ ...values, limit }) as StoredRow[]
      return rows.map((row) => ({
        id: row.id,
        at: row.at,
        actor: row.actor,
        action: row.action,
        entryId: row.entry_id,
        reason: row.reason,
        detail: row.detail === null ? null : JSON.parse(row.detail) as Record<string, unknown>
      }))
    }
  }
}

export type AuditStore = ReturnType<typeof createAuditStore>

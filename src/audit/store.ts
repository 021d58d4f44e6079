import { currentAction, storedActions } from '../domain/audit-actions.js'
import type { AuditAction } from '../domain/audit-actions.js'
import { usualReference } from '../domain/block-reference-id.js'
import { formatReference } from '../domain/block-reference.js'
import { GENESIS, auditHash, headKey, headMac, wellFormed } from './chain.js'
import type { Db } from '../store/db.js'

export interface AuditRecord {
  at: number
  actor: string
  action: AuditAction
  entryId: string | null
  reason: string | null
  /** ids, codes and hashes only: never a contact detail */
  detail: Record<string, unknown> | null
}

/** A row as read: its action as today's code (a former name read as it), its entry's reference. */
export interface AuditRow extends Omit<AuditRecord, 'action'> {
  id: number
  action: string
  /** the block reference of the entry named, shown grouped (K7QM-4XRT); null when none is named */
  reference: string | null
}

export interface AuditFilter {
  entryId?: string
  /** a block reference or its start, in the stored form (block-reference.ts readReference) */
  reference?: string
  actor?: string
  /** today's code or a former name: rows written under either are found */
  action?: string
  from?: number
  to?: number
  before?: number
}

const FILTER_SQL: Record<keyof AuditFilter, string> = {
  entryId: 'audit.entry_id = @entryId',
  // The entries whose reference begins with it, through the unique index on entries.reference.
  reference: 'audit.entry_id IN (SELECT id FROM entries WHERE reference >= @reference AND reference < @referenceEnd)',
  actor: 'audit.actor = @actor',
  action: 'audit.action IN (SELECT value FROM json_each(@action))',
  from: 'audit.at >= @from',
  to: 'audit.at <= @to',
  before: 'audit.id < @before'
}

/** A batch whose writer took it back before the commit (appendBatch's claim): nothing was written. */
export class BatchWithdrawn extends Error {}

const COLUMNS = 9
const ROWS_A_STATEMENT = 10

interface StoredRow { id: number, at: number, actor: string, action: string, entry_id: string | null, reason: string | null, detail: string | null, reference: string | null }

/**
 * The append-only audit table (UPDATE and DELETE are refused by triggers in 001_init.sql), hash
 * chained (src/audit/chain.ts). Every append reads the last row's id and hash inside its own
 * write transaction, never from memory: the import CLI or a second daemon on the same file may have
 * appended since. With the daemon's key, the same transaction also records the keyed head.
 */
export function createAuditStore (db: Db, options: { daemonKey?: Buffer } = {}) {
  const macKey = options.daemonKey === undefined ? null : headKey(options.daemonKey)
  const insertRows = (rows: number) => db.prepare(`INSERT INTO audit (id, at, actor, action, entry_id, reason, detail, prev_hash, hash)
    VALUES ${Array(rows).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`)
  const insert = insertRows(1)
  // A batch of check records goes in ROWS_A_STATEMENT rows a statement: a statement's own cost (and
  // AUTOINCREMENT's sqlite_sequence update) then comes once for ten rows (issue 6).
  const insertMany = insertRows(ROWS_A_STATEMENT)
  const values: unknown[] = []
  const selectLast = db.prepare('SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1')
  // The next id AUTOINCREMENT would give: past a row cut from the end, so the cut shows as a gap.
  const selectSequence = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").pluck()
  const putHead = db.prepare(`INSERT INTO audit_head (id, audit_id, hash, mac) VALUES (1, @id, @hash, @mac)
    ON CONFLICT (id) DO UPDATE SET audit_id = excluded.audit_id, hash = excluded.hash, mac = excluded.mac`)

  const chainAndInsert = (records: readonly AuditRecord[]): void => {
    if (records.length === 0) return
    const last = selectLast.get() as { id: number, hash: string | null } | undefined
    let id = Math.max(last?.id ?? 0, (selectSequence.get() as number | undefined) ?? 0)
    let prevHash = last?.hash ?? GENESIS
    const whole = records.length - (records.length % ROWS_A_STATEMENT)
    values.length = 0
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as AuditRecord
      id++
      const actor = wellFormed(record.actor)
      const action = wellFormed(record.action)
      const entryId = wellFormed(record.entryId)
      const reason = wellFormed(record.reason)
      const detail = record.detail === null ? null : JSON.stringify(record.detail)
      const hash = auditHash(prevHash, id, record.at, actor, action, entryId, reason, detail)
      // Positional parameters: binding nine named ones costs more than the row's hash (issue 6).
      values.push(id, record.at, actor, action, entryId, reason, detail, prevHash, hash)
      if (i >= whole) {
        insert.run(values)
        values.length = 0
      } else if (values.length === ROWS_A_STATEMENT * COLUMNS) {
        insertMany.run(values)
        values.length = 0
      }
      prevHash = hash
    }
    if (macKey !== null) putHead.run({ id, hash: prevHash, mac: headMac(macKey, id, prevHash) })
  }
  // IMMEDIATE: the write lock is taken before the last row is read, so no other process can append
  // in between. Inside a caller's transaction this is a savepoint of it (better-sqlite3), which
  // already holds the lock once it has written.
  // `claim` has the last word before the commit: false rolls the batch back (BatchWithdrawn).
  const appendAll = db.transaction((records: readonly AuditRecord[], claim: () => boolean) => {
    chainAndInsert(records)
    if (!claim()) throw new BatchWithdrawn()
  })
  const always = () => true

  return {
    append (record: AuditRecord): void {
      appendAll.immediate([record], always)
    },

    /** Records of one write in one go (inside the caller's transaction: a savepoint of it). */
    appendMany (records: readonly AuditRecord[]): void {
      if (records.length > 0) appendAll.immediate(records, always)
    },

    /**
     * A batch of check records in one transaction, committed without waiting for the disk: in WAL
     * mode synchronous=NORMAL makes the commit durable against a crash of the process but not of the
     * machine (https://sqlite.org/pragma.html#pragma_synchronous), and the next FULL commit (an
     * entry, a lift) syncs these pages too. Checks are never made to wait behind an fsync; entries
     * and lifts, on which a victim's safety rests, still are. `claim` is asked last, inside the
     * transaction: false rolls the batch back and throws BatchWithdrawn (audit/thread.ts).
     */
    appendBatch (records: AuditRecord[], claim: () => boolean = always): void {
      db.pragma('synchronous = NORMAL')
      try {
        appendAll.immediate(records, claim)
      } finally {
        db.pragma('synchronous = FULL')
      }
    },

    /** The last row's id and hash: the chain's head, to be noted off this host as an anchor. */
    head (): { id: number, hash: string | null } | null {
      return (selectLast.get() as { id: number, hash: string | null } | undefined) ?? null
    },

    /** Newest first. */
    list (filter: AuditFilter, limit: number): AuditRow[] {
      const keys = (Object.keys(FILTER_SQL) as Array<keyof AuditFilter>).filter((key) => filter[key] !== undefined)
      const clause = keys.length === 0 ? '' : `WHERE ${keys.map((key) => FILTER_SQL[key]).join(' AND ')}`
      const values: Record<string, string | number> = {}
      for (const key of keys) values[key] = filter[key] as string | number
      if (filter.action !== undefined) values.action = JSON.stringify(storedActions(filter.action))
      // '~' sorts after every character of a reference: the range holds every reference with this start.
      if (filter.reference !== undefined) values.referenceEnd = `${filter.reference}~`
      const rows = db.prepare(`SELECT audit.id, audit.at, audit.actor, audit.action, audit.entry_id, audit.reason, audit.detail,
        entries.reference FROM audit LEFT JOIN entries ON entries.id = audit.entry_id ${clause} ORDER BY audit.id DESC LIMIT @limit`)
        .all({ ...values, limit }) as StoredRow[]
      return rows.map((row) => ({
        id: row.id,
        at: row.at,
        actor: row.actor,
        action: currentAction(row.action),
        entryId: row.entry_id,
        // An entry no longer in the store (a hub entry moved away) or not yet given one: its usual reference.
        reference: row.entry_id === null ? null : formatReference(row.reference ?? usualReference(row.entry_id)),
        reason: row.reason,
        detail: row.detail === null ? null : JSON.parse(row.detail) as Record<string, unknown>
      }))
    }
  }
}

export type AuditStore = ReturnType<typeof createAuditStore>

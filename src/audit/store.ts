import { currentAction, storedActions } from '../domain/audit-actions.js'
import type { AuditAction } from '../domain/audit-actions.js'
import { usualReference } from '../domain/block-reference-id.js'
import { formatReference } from '../domain/block-reference.js'
import { GENESIS, addRow, auditKey, formatAnchor, linkMac, newDigest, wellFormed } from './chain.js'
import type { LinkedRow } from './chain.js'
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

const COLUMNS = 7
const ROWS_A_STATEMENT = 10

interface StoredRow { id: number, at: number, actor: string, action: string, entry_id: string | null, reason: string | null, detail: string | null, reference: string | null }

/** The last link of the chain: what an anchor notes (chain.ts formatAnchor). */
export interface ChainHead { seq: number, lastId: number, mac: string }

/**
 * The append-only audit table (UPDATE and DELETE are refused by triggers in 001_init.sql) and its
 * keyed links (src/audit/chain.ts): every transaction that appends rows appends the link that
 * covers them, made with the key derived from the daemon's HMAC key. Each append reads the last
 * link and the last id inside its own write transaction, never from memory: the audit thread, the
 * import CLI or a second daemon on the same file may have appended since. It links only its own
 * rows: a row someone else put in without a link stays outside every link, and verify names it.
 */
export function createAuditStore (db: Db, options: { hashKey: Buffer }) {
  const key = auditKey(options.hashKey)
  const insertRows = (rows: number) => db.prepare(`INSERT INTO audit (id, at, actor, action, entry_id, reason, detail)
    VALUES ${Array(rows).fill('(?, ?, ?, ?, ?, ?, ?)').join(', ')}`)
  const insert = insertRows(1)
  // A batch of check records goes in ROWS_A_STATEMENT rows a statement: a statement's own cost (and
  // AUTOINCREMENT's sqlite_sequence update) then comes once for ten rows.
  const insertMany = insertRows(ROWS_A_STATEMENT)
  const values: unknown[] = []
  const selectLastId = db.prepare('SELECT MAX(id) FROM audit').pluck()
  const selectLink = db.prepare('SELECT seq, last_id AS lastId, mac FROM audit_link ORDER BY seq DESC LIMIT 1')
  // The next id AUTOINCREMENT would give: past a row cut from the end, so the cut shows as a gap.
  const selectSequence = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").pluck()
  const insertLink = db.prepare('INSERT INTO audit_link (seq, first_id, last_id, mac) VALUES (?, ?, ?, ?)')

  const linkAndInsert = (records: readonly AuditRecord[]): void => {
    if (records.length === 0) return
    const link = selectLink.get() as ChainHead | undefined
    const firstId = Math.max((selectLastId.get() as number | null) ?? 0, (selectSequence.get() as number | undefined) ?? 0) + 1
    let id = firstId - 1
    const digest = newDigest()
    const whole = records.length - (records.length % ROWS_A_STATEMENT)
    values.length = 0
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as AuditRecord
      id++
      const row = {
        id,
        at: record.at,
        actor: wellFormed(record.actor),
        action: record.action,
        entry_id: wellFormed(record.entryId),
        reason: wellFormed(record.reason),
        detail: record.detail === null ? null : JSON.stringify(record.detail)
      }
      addRow(digest, row)
      // Positional parameters: binding named ones costs more than the row's line in the digest.
      values.push(row.id, row.at, row.actor, row.action, row.entry_id, row.reason, row.detail)
      if (i >= whole) {
        insert.run(values)
        values.length = 0
      } else if (values.length === ROWS_A_STATEMENT * COLUMNS) {
        insertMany.run(values)
        values.length = 0
      }
    }
    const seq = (link?.seq ?? 0) + 1
    insertLink.run(seq, firstId, id, linkMac(key, seq, link?.mac ?? GENESIS, firstId, id, digest.digest('hex')))
  }
  // IMMEDIATE: the write lock is taken before the last link is read, so no other process can append
  // in between. Inside a caller's transaction this is a savepoint of it (better-sqlite3), which
  // already holds the lock once it has written.
  // `claim` has the last word before the commit: false rolls the batch back (BatchWithdrawn).
  const appendAll = db.transaction((records: readonly AuditRecord[], claim: () => boolean) => {
    linkAndInsert(records)
    if (!claim()) throw new BatchWithdrawn()
  })
  const always = () => true

  /**
   * Covers the rows written before the chain was keyed (migrations/016 notes how many) with the
   * first link, once; the number of rows covered, or null when there was nothing to do.
   */
  const keyTrail = db.transaction((): { firstId: number, lastId: number } | null => {
    const upTo = db.prepare('SELECT up_to FROM audit_keying WHERE id = 1').pluck().get() as number | undefined
    if (upTo === undefined) return null
    db.prepare('DELETE FROM audit_keying').run()
    if (selectLink.get() !== undefined) return null
    const firstId = (db.prepare('SELECT MIN(id) FROM audit').pluck().get() as number | null) ?? 1
    const digest = newDigest()
    const rows = db.prepare('SELECT id, at, actor, action, entry_id, reason, detail FROM audit WHERE id <= ? ORDER BY id').iterate(upTo) as IterableIterator<LinkedRow>
    for (const row of rows) addRow(digest, row)
    insertLink.run(1, firstId, upTo, linkMac(key, 1, GENESIS, firstId, upTo, digest.digest('hex')))
    return { firstId, lastId: upTo }
  })

  // Before anything appends: the rows of a store not yet keyed go in the first link, whoever opens
  // it first with the key (the daemon, rotate-key, the import CLI).
  const keyed = keyTrail.immediate()

  return {
    /** the rows this store put in the chain's first link when it was made (written before keying), or null */
    keyed,

    append (record: AuditRecord): void {
      appendAll.immediate([record], always)
    },

    /** Records of one write in one go (inside the caller's transaction: a savepoint of it). */
    appendMany (records: readonly AuditRecord[]): void {
      if (records.length > 0) appendAll.immediate(records, always)
    },

    /**
     * A batch of check records in one transaction and one link, committed without waiting for the
     * disk: in WAL mode synchronous=NORMAL makes the commit durable against a crash of the process
     * but not of the machine (https://sqlite.org/pragma.html#pragma_synchronous), and the next FULL
     * commit (an entry, a lift) syncs these pages too. Checks are never made to wait behind an
     * fsync; entries and lifts, on which a victim's safety rests, still are. `claim` is asked last,
     * inside the transaction: false rolls the batch back and throws BatchWithdrawn (thread.ts).
     */
    appendBatch (records: AuditRecord[], claim: () => boolean = always): void {
      db.pragma('synchronous = NORMAL')
      try {
        appendAll.immediate(records, claim)
      } finally {
        db.pragma('synchronous = FULL')
      }
    },

    /** The last link: the chain's head, to be noted off this host as an anchor (formatAnchor). */
    head (): ChainHead | null {
      return (selectLink.get() as ChainHead | undefined) ?? null
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

/** The store's last link as an anchor (`L<seq>:<mac>`, chain.ts), or null while it has none. */
export function anchorOf (audit: AuditStore): string | null {
  const head = audit.head()
  return head === null ? null : formatAnchor(head)
}

import { currentAction, storedActions } from '../domain/audit-actions.js'
import type { AuditAction } from '../domain/audit-actions.js'
import { usualReference } from '../domain/block-reference-id.js'
import { formatReference } from '../domain/block-reference.js'
import { GENESIS, addChecks, addRow, auditKey, formatAnchor, linkMac, newDigest, wellFormed } from './chain.js'
import type { CheckRecord } from './check-record.js'
import type { LinkedRow } from './chain.js'
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
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

interface StoredRow { id: number, at: number, actor: string, action: string, entry_id: string | null, reason: string | null, detail: string | null, reference: string | null }

/** The last link of the chain: what an anchor notes (chain.ts formatAnchor). */
export interface ChainHead { seq: number, lastId: number, mac: string }

/** Stored reasons and details sealed under their entry's key begin with this. */
const SEALED = 'upc-audit-sealed-v1:'

/** AES-256-GCM under the entry's key, bound to the row's id and column: IV, tag, then ciphertext. */
function sealText (key: Buffer, id: number, column: string, text: string): string {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(`${id}|${column}`))
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()])
  return SEALED + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')
}

/** The text sealed by sealText, or null when it cannot be opened (its entry's key is erased). */
function openText (key: Buffer | undefined, id: number, column: string, stored: string): string | null {
  if (key === undefined) return null
  const bytes = Buffer.from(stored.slice(SEALED.length), 'base64')
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12))
    decipher.setAAD(Buffer.from(`${id}|${column}`))
    decipher.setAuthTag(bytes.subarray(12, 28))
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8')
  } catch {
    return null
  }
}

/**
 * Whether a record's reason and detail are sealed under its entry's key: every record that names an
 * entry, but the one that says the entry was erased (written after its key is gone, ids and counts).
 */
const sealed = (record: AuditRecord): boolean => record.entryId !== null && record.action !== 'retention.erase'

/** What a write appends: audit records, and check decisions (audited ones), in the order they came. */
export type AuditItem = AuditRecord | CheckRecord

/**
 * A check decision as stored inside its batch (audit_checks.records, a JSON array of these): the
 * fields of its row, without the names. Its row is `check.decide`, named after its first entry.
 */
type StoredCheck = [at: number, actor: string, channel: string, prisoner: string, decision: string, entryIds: string[], keyHashes: string[]]

/** A check decision's row, as GET /v1/audit lists it. */
function checkRow (id: number, check: StoredCheck): Omit<StoredRow, 'reference'> & { detail: null, record: AuditRecord['detail'] } {
  const [at, actor, channel, prisoner, decision, entryIds, keyHashes] = check
  return { id, at, actor, action: 'check.decide', entry_id: entryIds[0] ?? null, reason: null, detail: null, record: { channel, prisoner, decision, entryIds, keyHashes } }
}

/**
 * The append-only audit trail (UPDATE and DELETE are refused by triggers: 001, 016) and its keyed
 * links (src/audit/chain.ts). Audit records are rows of `audit`; a run of check decisions written
 * together is one row of `audit_checks`, holding their compact records under consecutive ids, with
 * `audit_check_entry` naming the ones that blocked (their first entry) so that an entry's trail is
 * found without reading every batch. Every transaction that appends appends the link that covers
 * its ids, made with the key derived from the daemon's HMAC key. Each append reads the last link
 * and the last id inside its own write transaction, never from memory: the audit thread, the import
 * CLI or a second daemon on the same file may have appended since. It links only its own rows: a
 * row someone else put in without a link stays outside every link, and verify names it.
 */
export function createAuditStore (db: Db, options: { hashKey: Buffer }) {
  const key = auditKey(options.hashKey)
  const insert = db.prepare('INSERT INTO audit (id, at, actor, action, entry_id, reason, detail) VALUES (?, ?, ?, ?, ?, ?, ?)')
  const insertChecks = db.prepare('INSERT INTO audit_checks (first_id, last_id, at_first, at_last, records) VALUES (?, ?, ?, ?, ?)')
  const insertCheckEntry = db.prepare('INSERT INTO audit_check_entry (entry_id, id) VALUES (?, ?)')
  // The last id in use, whether or not a link covers it (rows put in without the key still take theirs).
  const selectLastId = db.prepare(`SELECT MAX(coalesce((SELECT MAX(id) FROM audit), 0),
    coalesce((SELECT last_id FROM audit_checks ORDER BY first_id DESC LIMIT 1), 0))`).pluck()
  const selectLink = db.prepare('SELECT seq, last_id AS lastId, mac FROM audit_link ORDER BY seq DESC LIMIT 1')
  // The next id AUTOINCREMENT would give: past a row cut from the end, so the cut shows as a gap.
  const selectSequence = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").pluck()
  const insertLink = db.prepare('INSERT INTO audit_link (seq, first_id, last_id, mac) VALUES (?, ?, ?, ?)')
  const selectReference = db.prepare('SELECT reference FROM entries WHERE id = ?').pluck()
  const selectEntryKey = db.prepare('SELECT key FROM audit_entry_keys WHERE entry_id = ?').pluck()
  const insertEntryKey = db.prepare('INSERT INTO audit_entry_keys (entry_id, key) VALUES (?, ?)')
  const deleteEntryKey = db.prepare('DELETE FROM audit_entry_keys WHERE entry_id = ?')
  /** The entry's key, made with its first sealed record (inside that record's transaction). */
  const entryKey = (entryId: string): Buffer => {
    const found = selectEntryKey.get(entryId) as Buffer | undefined
    if (found !== undefined) return found
    const made = randomBytes(32)
    insertEntryKey.run(entryId, made)
    return made
  }

  const linkAndInsert = (items: readonly AuditItem[]): void => {
    if (items.length === 0) return
    const link = selectLink.get() as ChainHead | undefined
    const firstId = Math.max(link?.lastId ?? 0, selectLastId.get() as number, (selectSequence.get() as number | undefined) ?? 0) + 1
    let id = firstId - 1
    const digest = newDigest()
    for (let i = 0; i < items.length;) {
      const item = items[i] as AuditItem
      if (!Array.isArray(item)) {
        id++
        let reason = wellFormed(item.reason)
        let detail = item.detail === null ? null : JSON.stringify(item.detail)
        if (sealed(item)) {
          const key = entryKey(item.entryId as string)
          if (reason !== null) reason = sealText(key, id, 'reason', reason)
          if (detail !== null) detail = sealText(key, id, 'detail', detail)
        }
        const row = { id, at: item.at, actor: wellFormed(item.actor), action: item.action, entry_id: wellFormed(item.entryId), reason, detail }
        addRow(digest, row)
        insert.run(row.id, row.at, row.actor, row.action, row.entry_id, row.reason, row.detail)
        i++
        continue
      }
      // A run of check decisions: one row of audit_checks, one line of the link's digest.
      const run: StoredCheck[] = []
      let atFirst = Infinity
      let atLast = -Infinity
      for (; i < items.length && Array.isArray(items[i]); i++) {
        const [at, actor, channel, prisoner, decision, entryIds, keyHashes] = items[i] as CheckRecord
        run.push([at, wellFormed(actor), channel, wellFormed(prisoner), decision, entryIds, keyHashes])
        if (at < atFirst) atFirst = at
        if (at > atLast) atLast = at
        if (entryIds[0] !== undefined) insertCheckEntry.run(entryIds[0], id + run.length)
      }
      const records = JSON.stringify(run)
      addChecks(digest, id + 1, id + run.length, records)
      insertChecks.run(id + 1, id + run.length, atFirst, atLast, records)
      id += run.length
    }
    const seq = (link?.seq ?? 0) + 1
    insertLink.run(seq, firstId, id, linkMac(key, seq, link?.mac ?? GENESIS, firstId, id, digest.digest('hex')))
  }
  // IMMEDIATE: the write lock is taken before the last link is read, so no other process can append
  // in between. Inside a caller's transaction this is a savepoint of it (better-sqlite3), which
  // already holds the lock once it has written.
  // `claim` has the last word before the commit: false rolls the batch back (BatchWithdrawn).
  const appendAll = db.transaction((items: readonly AuditItem[], claim: () => boolean) => {
    linkAndInsert(items)
    if (!claim()) throw new BatchWithdrawn()
  })
  const always = () => true

  /**
   * Covers the rows written before the chain was keyed (migrations/016 notes how many) with the
   * first link, once; the ids covered, or null when there was nothing to do.
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

  /** The filters a batch of checks must pass to hold a row the filter wants (the rows are read after). */
  const checksClause = (filter: AuditFilter): string | null => {
    if (filter.action !== undefined && !storedActions(filter.action).includes('check.decide')) return null
    const where: string[] = []
    if (filter.before !== undefined) where.push('first_id < @before')
    if (filter.from !== undefined) where.push('at_last >= @from')
    if (filter.to !== undefined) where.push('at_first <= @to')
    if (filter.entryId !== undefined) where.push('EXISTS (SELECT 1 FROM audit_check_entry e WHERE e.entry_id = @entryId AND e.id BETWEEN first_id AND last_id)')
    if (filter.reference !== undefined) {
      where.push(`EXISTS (SELECT 1 FROM audit_check_entry e JOIN entries ON entries.id = e.entry_id
        WHERE e.id BETWEEN first_id AND last_id AND entries.reference >= @reference AND entries.reference < @referenceEnd)`)
    }
    return where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`
  }

  /** Whether a check's row passes the filter (its batch passed checksClause). */
  const checkWanted = (row: ReturnType<typeof checkRow>, filter: AuditFilter): boolean => {
    if (filter.before !== undefined && row.id >= filter.before) return false
    if (filter.from !== undefined && row.at < filter.from) return false
    if (filter.to !== undefined && row.at > filter.to) return false
    if (filter.actor !== undefined && row.actor !== filter.actor) return false
    if (filter.entryId !== undefined && row.entry_id !== filter.entryId) return false
    if (filter.reference !== undefined) {
      const reference = row.entry_id === null ? undefined : selectReference.get(row.entry_id) as string | null | undefined
      if (typeof reference !== 'string' || !reference.startsWith(filter.reference)) return false
    }
    return true
  }

  /** A row as read, its sealed reason and detail opened (null, both, once its entry's key is erased). */
  const opened = (row: StoredRow): AuditRow => {
    const isSealed = (text: string | null) => text !== null && text.startsWith(SEALED)
    if (!isSealed(row.reason) && !isSealed(row.detail)) return shown(row, row.detail === null ? null : JSON.parse(row.detail) as Record<string, unknown>)
    const key = row.entry_id === null ? undefined : selectEntryKey.get(row.entry_id) as Buffer | undefined
    const reason = row.reason === null ? null : openText(key, row.id, 'reason', row.reason)
    const detail = row.detail === null ? null : openText(key, row.id, 'detail', row.detail)
    return shown({ ...row, reason }, detail === null ? null : JSON.parse(detail) as Record<string, unknown>)
  }

  return {
    /**
     * Erases the key the entry's audit content is sealed under (retention): its rows stay, linked as
     * written, and their reason and detail read as null from now on.
     */
    forget (entryId: string): void {
      deleteEntryKey.run(entryId)
    },

    /** the ids this store put in the chain's first link when it was made (rows written before keying), or null */
    keyed,

    append (record: AuditRecord): void {
      appendAll.immediate([record], always)
    },

    /** Records of one write in one go (inside the caller's transaction: a savepoint of it). */
    appendMany (records: readonly AuditRecord[]): void {
      if (records.length > 0) appendAll.immediate(records, always)
    },

    /**
     * A batch (audit records and audited check decisions) in one transaction and one link,
     * committed without waiting for the disk: in WAL mode synchronous=NORMAL makes the commit
     * durable against a crash of the process but not of the machine
     * (https://sqlite.org/pragma.html#pragma_synchronous), and the next FULL commit (an entry, a
     * lift) syncs these pages too. Checks are never made to wait behind an fsync; entries and lifts,
     * on which a victim's safety rests, still are. `claim` is asked last, inside the transaction:
     * false rolls the batch back and throws BatchWithdrawn (thread.ts).
     */
    appendBatch (items: readonly AuditItem[], claim: () => boolean = always): void {
      db.pragma('synchronous = NORMAL')
      try {
        appendAll.immediate(items, claim)
      } finally {
        db.pragma('synchronous = FULL')
      }
    },

    /** The last link: the chain's head, to be noted off this host as an anchor (formatAnchor). */
    head (): ChainHead | null {
      return (selectLink.get() as ChainHead | undefined) ?? null
    },

    /**
     * Newest first: the rows of `audit` and the check decisions inside `audit_checks`, merged by id,
     * each check its own row. Both are read newest first and stop once `limit` rows are found.
     */
    list (filter: AuditFilter, limit: number): AuditRow[] {
      const keys = (Object.keys(FILTER_SQL) as Array<keyof AuditFilter>).filter((key) => filter[key] !== undefined)
      const clause = keys.length === 0 ? '' : `WHERE ${keys.map((key) => FILTER_SQL[key]).join(' AND ')}`
      const values: Record<string, string | number> = {}
      for (const key of keys) values[key] = filter[key] as string | number
      if (filter.action !== undefined) values.action = JSON.stringify(storedActions(filter.action))
      // '~' sorts after every character of a reference: the range holds every reference with this start.
      if (filter.reference !== undefined) values.referenceEnd = `${filter.reference}~`
      const rows = db.prepare(`SELECT audit.id, audit.at, audit.actor, audit.action, audit.entry_id, audit.reason, audit.detail,
        entries.reference FROM audit LEFT JOIN entries ON entries.id = audit.entry_id ${clause} ORDER BY audit.id DESC`)
        .iterate(values) as IterableIterator<StoredRow>
      const wanted = checksClause(filter)
      const batchValues: Record<string, string | number> = {}
      for (const name of ['before', 'from', 'to', 'entryId', 'reference'] as const) if (filter[name] !== undefined) batchValues[name] = filter[name]
      if (filter.reference !== undefined) batchValues.referenceEnd = `${filter.reference}~`
      const batches = wanted === null
        ? null
        : db.prepare(`SELECT first_id, records FROM audit_checks ${wanted} ORDER BY first_id DESC`).iterate(batchValues) as IterableIterator<{ first_id: number, records: string }>
      const out: AuditRow[] = []
      try {
        let row = rows.next().value as StoredRow | undefined
        // The checks of the current batch, newest last, and the next one to look at.
        let checks: Array<ReturnType<typeof checkRow>> = []
        const nextCheck = (): ReturnType<typeof checkRow> | undefined => {
          for (;;) {
            const check = checks.pop()
            if (check !== undefined) return check
            const batch = batches?.next().value as { first_id: number, records: string } | undefined
            if (batch === undefined) return undefined
            checks = (JSON.parse(batch.records) as StoredCheck[]).map((stored, i) => checkRow(batch.first_id + i, stored)).filter((one) => checkWanted(one, filter))
          }
        }
        let check = nextCheck()
        while (out.length < limit && (row !== undefined || check !== undefined)) {
          if (check === undefined || (row !== undefined && row.id > check.id)) {
            out.push(opened(row as StoredRow))
            row = rows.next().value as StoredRow | undefined
          } else {
            const reference = check.entry_id === null ? null : (selectReference.get(check.entry_id) as string | null | undefined) ?? null
            out.push(shown({ ...check, reference }, check.record))
            check = nextCheck()
          }
        }
      } finally {
        rows.return?.()
        batches?.return?.()
      }
      return out
    }
  }
}

/** A stored row as GET /v1/audit shows it: today's action code, the entry's reference grouped. */
function shown (row: StoredRow, detail: Record<string, unknown> | null): AuditRow {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: currentAction(row.action),
    entryId: row.entry_id,
    // An entry no longer in the store (a hub entry moved away) or not yet given one: its usual reference.
    reference: row.entry_id === null ? null : formatReference(row.reference ?? usualReference(row.entry_id)),
    reason: row.reason,
    detail
  }
}

export type AuditStore = ReturnType<typeof createAuditStore>

/** The store's last link as an anchor (`L<seq>:<mac>`, chain.ts), or null while it has none. */
export function anchorOf (audit: AuditStore): string | null {
  const head = audit.head()
  return head === null ? null : formatAnchor(head)
}

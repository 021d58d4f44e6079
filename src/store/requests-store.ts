import type { Sealer } from '../services/at-rest.js'
import { associatedData } from './at-rest-store.js'
import type { Db } from './db.js'

export type RequestKind = 'restrict' | 'reinstate'
export type RequestStatus = 'pending' | 'blocking' | 'approved' | 'declined'

/** A request as the service handles it: the sealed columns open, as plain text. */
export interface RequestRow {
  id: string
  kind: RequestKind
  status: RequestStatus
  origin: 'local' | 'hub'
  establishment: string
  prisoner: string
  consent: 0 | 1
  intelligence: 0 | 1
  requester_kind: string
  /** JSON: { name, organisation } */
  requester: string
  /** JSON: { method, value } */
  outcome_contact: string
  /** JSON: the details to block (restrict), null for reinstate */
  block: string | null
  reason: string
  request_ref: string | null
  lift_entry_id: string | null
  entry_id: string | null
  received_at: number
  arrived_at: number | null
  pass_on_due_at: number
  decision_due_at: number
  decided_at: number | null
  decided_by: string | null
  rationale: string | null
  notice_at: number | null
  notice_by: string | null
  notice_template: string | null
  notice_recorded_by: string | null
  created_by: string
  created_at: number
  updated_at: number
}

/** The sealed columns of a request, each bound to its row and column (at-rest-store.ts rewrites them on a key rotation). */
const SEALED_REQUEST_COLUMNS = ['requester', 'outcome_contact', 'block', 'reason', 'rationale'] as const

export interface RequestFilter {
  /** open: waits for a decision (pending or blocking); decided: approved or declined */
  state?: 'open' | 'decided'
  /** open requests whose decision was due before this instant (epoch ms) */
  dueBefore?: number
  establishment?: string
  prisoner?: string
}

const COLUMNS = `id, kind, status, origin, establishment, prisoner, consent, intelligence, requester_kind, requester,
  outcome_contact, block, reason, request_ref, lift_entry_id, entry_id, received_at, arrived_at, pass_on_due_at,
  decision_due_at, decided_at, decided_by, rationale, notice_at, notice_by, notice_template, notice_recorded_by,
  created_by, created_at, updated_at`

/**
 * Prepared statements for the requests table (migrations/015_requests.sql). Requester details, the
 * outcome contact, the details to block, the reason and the rationale are sealed on the way in and
 * opened on the way out; nothing else in the row is personal.
 */
export function createRequestsStore (db: Db, sealer: Sealer) {
  const insert = db.prepare(`INSERT INTO requests (${COLUMNS}) VALUES (${COLUMNS.split(',').map((c) => `@${c.trim()}`).join(', ')})`)
  const select = db.prepare(`SELECT ${COLUMNS} FROM requests WHERE id = ?`)
  const decide = db.prepare(`UPDATE requests SET status = @status, decided_at = @at, decided_by = @by, rationale = @rationale,
    entry_id = COALESCE(@entryId, entry_id), updated_at = @at WHERE id = @id AND status IN ('pending', 'blocking')`)
  const setNotice = db.prepare(`UPDATE requests SET notice_at = @noticeAt, notice_by = @noticeBy, notice_template = @template,
    notice_recorded_by = @recordedBy, updated_at = @at WHERE id = @id AND notice_at IS NULL`)
  const overdue = db.prepare(`SELECT COUNT(*) FROM requests WHERE status IN ('pending', 'blocking') AND decision_due_at < ?`).pluck()
  const noticeOverdue = db.prepare(`SELECT COUNT(*) FROM requests
    WHERE kind = 'restrict' AND status = 'approved' AND notice_at IS NULL AND decided_at < ?`).pluck()

  const seal = (row: RequestRow): RequestRow => {
    const out = { ...row }
    for (const column of SEALED_REQUEST_COLUMNS) {
      const value = row[column]
      if (value !== null) out[column] = sealer.seal(value, associatedData.request(column, row.id))
    }
    return out
  }
  const open = (row: RequestRow): RequestRow => {
    for (const column of SEALED_REQUEST_COLUMNS) {
      const value = row[column]
      if (value !== null) row[column] = sealer.open(value, associatedData.request(column, row.id))
    }
    return row
  }

  return {
    insert (row: RequestRow): void {
      sealer.assertCurrent()
      insert.run(seal(row))
    },

    get (id: string): RequestRow | undefined {
      const row = select.get(id) as RequestRow | undefined
      return row === undefined ? undefined : open(row)
    },

    /**
     * Records a decision on an open request; false when it was decided already (a second SPOC's
     * click). `entryId`: the block an approval made.
     */
    decide (id: string, status: 'approved' | 'declined', by: string, at: number, rationale: string, entryId: string | null): boolean {
      sealer.assertCurrent()
      const sealed = sealer.seal(rationale, associatedData.request('rationale', id))
      return decide.run({ id, status, by, at, rationale: sealed, entryId }).changes === 1
    },

    /** Records the prisoner's written notice once; false when one is recorded already. */
    notice (id: string, notice: { at: number, by: string, template: string }, recordedBy: string, now: number): boolean {
      return setNotice.run({ id, noticeAt: notice.at, noticeBy: notice.by, template: notice.template, recordedBy, at: now }).changes === 1
    },

    /**
     * A page of requests, open ones first (the most overdue first), then decided ones, newest first.
     * `now` decides which are overdue.
     */
    list (filter: RequestFilter, limit: number, offset: number): { rows: RequestRow[], total: number } {
      const where: string[] = []
      const params: Record<string, unknown> = { limit, offset }
      if (filter.state === 'open') where.push("status IN ('pending', 'blocking')")
      if (filter.state === 'decided') where.push("status IN ('approved', 'declined')")
      if (filter.dueBefore !== undefined) { where.push("status IN ('pending', 'blocking') AND decision_due_at < @dueBefore"); params.dueBefore = filter.dueBefore }
      if (filter.establishment !== undefined) { where.push('establishment = @establishment'); params.establishment = filter.establishment }
      if (filter.prisoner !== undefined) { where.push('prisoner = @prisoner'); params.prisoner = filter.prisoner }
      const clause = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`
      const rows = db.prepare(`SELECT ${COLUMNS} FROM requests ${clause}
        ORDER BY status IN ('approved', 'declined'),
          CASE WHEN status IN ('approved', 'declined') THEN -decided_at ELSE decision_due_at END, id
        LIMIT @limit OFFSET @offset`).all(params) as RequestRow[]
      const total = db.prepare(`SELECT COUNT(*) FROM requests ${clause}`).pluck().get(params) as number
      return { rows: rows.map(open), total }
    },

    /** Open requests whose decision was due before `now`. */
    overdueCount (now: number): number {
      return overdue.get(now) as number
    },

    /** Approved restrictions decided before `before` with no notice recorded. */
    noticeOverdueCount (before: number): number {
      return noticeOverdue.get(before) as number
    }
  }
}

export type RequestsStore = ReturnType<typeof createRequestsStore>

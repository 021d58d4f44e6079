import type { Sealer } from './sealer.js'
import { associatedData } from './at-rest-store.js'
import type { Db } from './db.js'

export type RequestKind = 'restrict' | 'reinstate'
export type RequestStatus = 'pending' | 'blocking' | 'approved' | 'declined' | 'moved'

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
  /** the requests overdue at this instant (epoch ms): open past their decision date, or not passed on in time */
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
  // Overdue: open past its decision date, or not yet at the establishment past its pass-on date.
  const OVERDUE = "status IN ('pending', 'blocking') AND (decision_due_at < @now OR (arrived_at IS NULL AND pass_on_due_at < @now))"
  const overdue = db.prepare(`SELECT COUNT(*) FROM requests WHERE ${OVERDUE}`).pluck()
  const noticeOverdue = db.prepare(`SELECT COUNT(*) FROM requests
    WHERE kind = 'restrict' AND status = 'approved' AND notice_at IS NULL AND decided_at < ?`).pluck()

  const dropChange = db.prepare('DELETE FROM request_changes WHERE request_id = ? AND audience = ?')
  const addChange = db.prepare('INSERT INTO request_changes (request_id, audience, op, at) VALUES (?, ?, ?, ?)')
  const changesAfter = db.prepare('SELECT seq, request_id, op FROM request_changes WHERE audience = ? AND seq > ? ORDER BY seq LIMIT ?')
  const getCursor = db.prepare('SELECT cursor FROM request_sync WHERE id = 1').pluck()
  const setCursor = db.prepare('UPDATE request_sync SET cursor = ? WHERE id = 1')
  const moved = db.prepare(`UPDATE requests SET status = 'moved', updated_at = @at WHERE id = @id AND status = 'pending'`)
  const moveTo = db.prepare('UPDATE requests SET establishment = @to, updated_at = @at WHERE id = @id')
  const undecidedOf = db.prepare(`SELECT id, establishment FROM requests WHERE prisoner = ? AND decided_at IS NULL AND status IN ('pending', 'blocking')`)
  const enqueue = db.prepare('INSERT INTO request_outbox (event_id, request_id, created_at, next_at) VALUES (?, ?, ?, ?)')
  const dueEvents = db.prepare('SELECT event_id, request_id, attempts FROM request_outbox WHERE delivered_at IS NULL AND next_at <= ? ORDER BY created_at, event_id LIMIT ?')
  const delivered = db.prepare('UPDATE request_outbox SET delivered_at = ? WHERE event_id = ?')
  const retryLater = db.prepare('UPDATE request_outbox SET attempts = attempts + 1, next_at = ? WHERE event_id = ?')
  const waiting = db.prepare('SELECT COUNT(*) FROM request_outbox WHERE delivered_at IS NULL').pluck()
  const seeEvent = db.prepare('INSERT INTO request_events (event_id, request_id, at) VALUES (?, ?, ?) ON CONFLICT (event_id) DO NOTHING')
  const report = db.prepare(`UPDATE requests SET status = @status, arrived_at = COALESCE(arrived_at, @arrivedAt),
    entry_id = COALESCE(@entryId, entry_id), decided_at = @decidedAt, decided_by = @decidedBy, rationale = @rationale,
    notice_at = @noticeAt, notice_by = @noticeBy, notice_template = @noticeTemplate, notice_recorded_by = @noticeRecordedBy,
    updated_at = @at WHERE id = @id`)

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
      if (filter.dueBefore !== undefined) { where.push(OVERDUE); params.now = filter.dueBefore }
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

    /** Hub: a change of the requests feed for one establishment, replacing the request's older one there. */
    appendChange (requestId: string, audience: string, op: 'upsert' | 'withdraw', at: number): void {
      dropChange.run(requestId, audience)
      addChange.run(requestId, audience, op, at)
    },

    changesAfter (audience: string, since: number, limit: number): Array<{ seq: number, request_id: string, op: 'upsert' | 'withdraw' }> {
      return changesAfter.all(audience, since, limit) as Array<{ seq: number, request_id: string, op: 'upsert' | 'withdraw' }>
    },

    /** Hub: the requests of a prisoner not decided yet, which move with the prisoner. */
    undecidedOf (prisoner: string): Array<{ id: string, establishment: string }> {
      return undecidedOf.all(prisoner) as Array<{ id: string, establishment: string }>
    },

    moveTo (id: string, to: string, at: number): void {
      moveTo.run({ id, to, at })
    },

    /** Establishment: a pending request the hub moved elsewhere with its prisoner; false when it was decided or blocks. */
    markMoved (id: string, at: number): boolean {
      return moved.run({ id, at }).changes === 1
    },

    /** Establishment: how far the hub's requests feed is read. */
    cursor (): number {
      return getCursor.get() as number
    },

    setCursor (cursor: number): void {
      setCursor.run(cursor)
    },

    /** Establishment: an outcome owed to the hub, sent until the hub acknowledges it. */
    enqueue (eventId: string, requestId: string, at: number): void {
      enqueue.run(eventId, requestId, at, at)
    },

    dueEvents (now: number, limit: number): Array<{ event_id: string, request_id: string, attempts: number }> {
      return dueEvents.all(now, limit) as Array<{ event_id: string, request_id: string, attempts: number }>
    },

    delivered (eventId: string, at: number): void {
      delivered.run(at, eventId)
    },

    retryLater (eventId: string, nextAt: number): void {
      retryLater.run(nextAt, eventId)
    },

    /** Outcomes not yet acknowledged by the hub. */
    waitingCount (): number {
      return waiting.get() as number
    },

    /** Hub: records an outcome event once; false when it was applied already (a repeat). */
    seeEvent (eventId: string, requestId: string, at: number): boolean {
      return seeEvent.run(eventId, requestId, at).changes === 1
    },

    /** Hub: the state an establishment reported, as it stands there (the rationale sealed here). */
    applyReport (id: string, state: Pick<RequestRow, 'status' | 'arrived_at' | 'entry_id' | 'decided_at' | 'decided_by' | 'rationale' | 'notice_at' | 'notice_by' | 'notice_template' | 'notice_recorded_by'>, at: number): void {
      sealer.assertCurrent()
      report.run({
        id,
        at,
        status: state.status,
        arrivedAt: state.arrived_at,
        entryId: state.entry_id,
        decidedAt: state.decided_at,
        decidedBy: state.decided_by,
        rationale: state.rationale === null ? null : sealer.seal(state.rationale, associatedData.request('rationale', id)),
        noticeAt: state.notice_at,
        noticeBy: state.notice_by,
        noticeTemplate: state.notice_template,
        noticeRecordedBy: state.notice_recorded_by
      })
    },

    /** Open requests past their decision date, or not passed on by their pass-on date, at `now`. */
    overdueCount (now: number): number {
      return overdue.get({ now }) as number
    },

    /** Approved restrictions decided before `before` with no notice recorded. */
    noticeOverdueCount (before: number): number {
      return noticeOverdue.get(before) as number
    }
  }
}

export type RequestsStore = ReturnType<typeof createRequestsStore>

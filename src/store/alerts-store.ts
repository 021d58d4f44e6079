import type { AlertType, BlockFacts, Finding } from '../domain/alert-rules.js'
import { usualReference } from '../domain/block-reference-id.js'
import { formatReference } from '../domain/block-reference.js'
import type { Db } from './db.js'

export type AlertState = 'open' | 'acknowledged' | 'closed'

/** An alert as read, with the block references of its entries. */
export interface Alert {
  id: number
  type: AlertType
  state: AlertState
  entryIds: string[]
  references: string[]
  prisoners: string[]
  attempts: number
  firstAt: number
  lastAt: number
  raisedAt: number
  acknowledgedAt: number | null
  acknowledgedBy: string | null
  note: string | null
  closedAt: number | null
  closedBy: string | null
  closeNote: string | null
}

export interface AlertFilter {
  state?: AlertState
  type?: AlertType
  prisoner?: string
  entryId?: string
  /** rows with a smaller id (the page after the one ending there) */
  before?: number
}

const FILTER_SQL: Record<keyof AlertFilter, string> = {
  state: 'state = @state',
  type: 'type = @type',
  prisoner: 'EXISTS (SELECT 1 FROM json_each(alerts.prisoners) WHERE value = @prisoner)',
  entryId: 'EXISTS (SELECT 1 FROM json_each(alerts.entry_ids) WHERE value = @entryId)',
  before: 'id < @before'
}

interface AlertRow {
  id: number
  type: AlertType
  key: string
  entry_ids: string
  prisoners: string
  attempts: number
  first_at: number
  last_at: number
  raised_at: number
  state: AlertState
  acknowledged_at: number | null
  acknowledged_by: string | null
  note: string | null
  closed_at: number | null
  closed_by: string | null
  close_note: string | null
}

/** The alerts table (migrations/017_alerts.sql): prepared statements only; the service holds the rules. */
export function createAlertsStore (db: Db) {
  const selectLive = db.prepare("SELECT * FROM alerts WHERE key = ? AND state <> 'closed'")
  const selectOne = db.prepare('SELECT * FROM alerts WHERE id = ?')
  const insert = db.prepare(`INSERT INTO alerts (type, key, entry_ids, prisoners, attempts, first_at, last_at, raised_at, state)
    VALUES (@type, @key, @entryIds, @prisoners, @attempts, @at, @at, @raisedAt, 'open')`)
  const update = db.prepare('UPDATE alerts SET entry_ids = @entryIds, prisoners = @prisoners, attempts = @attempts, last_at = @lastAt WHERE id = @id')
  const acknowledge = db.prepare("UPDATE alerts SET state = 'acknowledged', acknowledged_at = @at, acknowledged_by = @by, note = @note WHERE id = @id AND state = 'open'")
  const close = db.prepare("UPDATE alerts SET state = 'closed', closed_at = @at, closed_by = @by, close_note = @note WHERE id = @id AND state = 'acknowledged'")
  const counts = db.prepare('SELECT state, type, COUNT(*) AS n FROM alerts GROUP BY state, type')
  const selectFacts = db.prepare('SELECT scope, prisoner, created_at, effective_from FROM entries WHERE id = ?')
  // The prisoner's written notice of the restriction that made the block (docs/REQUESTS.md).
  const selectNotice = db.prepare('SELECT MIN(notice_at) FROM requests WHERE entry_id = ? AND notice_at IS NOT NULL').pluck()
  const selectReferences = db.prepare('SELECT id, reference FROM entries WHERE id IN (SELECT value FROM json_each(?))')

  function read (rows: AlertRow[]): Alert[] {
    const ids = [...new Set(rows.flatMap((row) => JSON.parse(row.entry_ids) as string[]))]
    const stored = new Map((selectReferences.all(JSON.stringify(ids)) as Array<{ id: string, reference: string | null }>).map((r) => [r.id, r.reference]))
    return rows.map((row) => {
      const entryIds = JSON.parse(row.entry_ids) as string[]
      return {
        id: row.id,
        type: row.type,
        state: row.state,
        entryIds,
        references: entryIds.map((id) => formatReference(stored.get(id) ?? usualReference(id))),
        prisoners: JSON.parse(row.prisoners) as string[],
        attempts: row.attempts,
        firstAt: row.first_at,
        lastAt: row.last_at,
        raisedAt: row.raised_at,
        acknowledgedAt: row.acknowledged_at,
        acknowledgedBy: row.acknowledged_by,
        note: row.note,
        closedAt: row.closed_at,
        closedBy: row.closed_by,
        closeNote: row.close_note
      }
    })
  }

  return {
    /**
     * A finding as an alert: a new open one (returned), or counted on the live alert of its key
     * (null). Run it inside the caller's transaction.
     */
    record (finding: Finding, raisedAt: number): Alert | null {
      const live = selectLive.get(finding.key) as AlertRow | undefined
      if (live === undefined) {
        const { lastInsertRowid } = insert.run({
          type: finding.type, key: finding.key, entryIds: JSON.stringify(finding.entryIds), prisoners: JSON.stringify(finding.prisoners), attempts: finding.attempts, at: finding.at, raisedAt
        })
        return read([selectOne.get(Number(lastInsertRowid)) as AlertRow])[0] as Alert
      }
      const union = (stored: string, more: string[]) => JSON.stringify([...new Set([...JSON.parse(stored) as string[], ...more])])
      update.run({ id: live.id, entryIds: union(live.entry_ids, finding.entryIds), prisoners: union(live.prisoners, finding.prisoners), attempts: live.attempts + 1, lastAt: Math.max(live.last_at, finding.at) })
      return null
    },

    get (id: number): Alert | undefined {
      const row = selectOne.get(id) as AlertRow | undefined
      return row === undefined ? undefined : read([row])[0]
    },

    /** open -> acknowledged; false when the alert is not open */
    acknowledge (id: number, at: number, by: string, note: string): boolean {
      return acknowledge.run({ id, at, by, note }).changes === 1
    },

    /** acknowledged -> closed; false when the alert is not acknowledged */
    close (id: number, at: number, by: string, note: string | null): boolean {
      return close.run({ id, at, by, note }).changes === 1
    },

    /** Newest first. */
    list (filter: AlertFilter, limit: number): Alert[] {
      const keys = (Object.keys(FILTER_SQL) as Array<keyof AlertFilter>).filter((key) => filter[key] !== undefined)
      const clause = keys.length === 0 ? '' : `WHERE ${keys.map((key) => FILTER_SQL[key]).join(' AND ')}`
      const values: Record<string, string | number> = {}
      for (const key of keys) values[key] = filter[key] as string | number
      const rows = db.prepare(`SELECT * FROM alerts ${clause} ORDER BY id DESC LIMIT @limit`).all({ ...values, limit }) as AlertRow[]
      return read(rows)
    },

    /** Alerts by state and type, for GET /metrics. */
    counts (): Array<{ state: AlertState, type: AlertType, n: number }> {
      return counts.all() as Array<{ state: AlertState, type: AlertType, n: number }>
    },

    /** When the prisoner was told in writing of this block, or null when no notice is recorded. */
    noticeAt (entryId: string): number | null {
      return (selectNotice.get(entryId) as number | null | undefined) ?? null
    },

    /** What the rules need of a block; undefined when the store no longer holds it. */
    blockFacts (entryId: string): Omit<BlockFacts, 'noticeAt'> | undefined {
      const row = selectFacts.get(entryId) as { scope: BlockFacts['scope'], prisoner: string | null, created_at: number, effective_from: number | null } | undefined
      // A block that starts later is made, for the prisoner, when it starts.
      return row === undefined ? undefined : { scope: row.scope, prisoner: row.prisoner, madeAt: Math.max(row.created_at, row.effective_from ?? 0) }
    }
  }
}

export type AlertsStore = ReturnType<typeof createAlertsStore>

import { formatAnchor } from '../audit/index.js'
import { storedActions } from '../domain/audit-actions.js'
import type { Db } from './db.js'

/**
 * What the audit store's list does not give of a block's attempts, read from the same tables: the
 * link of the keyed chain that covers each row (its anchor, L<seq>:<mac>, so that an attempt can be
 * checked against the chain: npm run audit:verify --anchor), and the counts by prisoner and channel
 * over a period. Read only; the rows themselves come from the audit store.
 *
 * A block's attempts are the check decisions that name it first: a row of `audit` (a store's checks
 * from before batches) with its entry_id, or a record of an `audit_checks` batch found through
 * `audit_check_entry`, whose record is [at, actor, channel, prisoner, decision, entryIds, keyHashes].
 */
export function createAttemptsStore (db: Db) {
  const actions = JSON.stringify(storedActions('check.decide'))
  const selectLink = db.prepare('SELECT seq, mac, first_id AS firstId FROM audit_link WHERE last_id >= ? ORDER BY last_id LIMIT 1')
  const selectCounts = db.prepare(`
    SELECT prisoner, channel, COUNT(*) AS n FROM (
      SELECT json_extract(detail, '$.prisoner') AS prisoner, json_extract(detail, '$.channel') AS channel, at
      FROM audit WHERE entry_id = @entryId AND action IN (SELECT value FROM json_each(@actions))
      UNION ALL
      SELECT r ->> 3, r ->> 2, r ->> 0 FROM (
        SELECT json_extract(c.records, '$[' || (e.id - c.first_id) || ']') AS r
        FROM audit_check_entry e
        JOIN audit_checks c ON c.first_id = (SELECT MAX(first_id) FROM audit_checks WHERE first_id <= e.id)
        WHERE e.entry_id = @entryId AND c.at_last >= @from AND c.at_first <= @to
      )
    ) WHERE at >= @from AND at <= @to GROUP BY 1, 2`)

  return {
    /** The anchor of the link that covers each row; null for a row no link covers (verify names it). */
    links (ids: readonly number[]): Map<number, string | null> {
      const found = new Map<number, string | null>()
      for (const id of ids) {
        const link = selectLink.get(id) as { seq: number, mac: string, firstId: number } | undefined
        found.set(id, link === undefined || link.firstId > id ? null : formatAnchor(link))
      }
      return found
    },

    counts (entryId: string, from: number, to: number): Array<{ prisoner: string, channel: string, n: number }> {
      return selectCounts.all({ entryId, actions, from, to }) as Array<{ prisoner: string, channel: string, n: number }>
    }
  }
}

export type AttemptsStore = ReturnType<typeof createAttemptsStore>

import { storedActions } from '../domain/audit-actions.js'
import type { Db } from './db.js'

/**
 * What the audit store's list does not give of a block's attempts, read from the same table: each
 * row's hash (so an attempt can be checked against the chain: npm run audit:verify), and the counts
 * by prisoner and channel over a period. Read only; the rows themselves come from the audit store.
 */
export function createAttemptsStore (db: Db) {
  const actions = JSON.stringify(storedActions('check.decide'))
  const selectHashes = db.prepare('SELECT id, hash FROM audit WHERE id IN (SELECT value FROM json_each(?))')
  // A check row names the first block it met (entry_id, indexed): a block's attempts are those rows.
  const selectCounts = db.prepare(`SELECT json_extract(detail, '$.prisoner') AS prisoner, json_extract(detail, '$.channel') AS channel, COUNT(*) AS n
    FROM audit WHERE entry_id = @entryId AND action IN (SELECT value FROM json_each(@actions)) AND at >= @from AND at <= @to GROUP BY 1, 2`)

  return {
    hashes (ids: readonly number[]): Map<number, string | null> {
      const rows = selectHashes.all(JSON.stringify(ids)) as Array<{ id: number, hash: string | null }>
      return new Map(rows.map((row) => [row.id, row.hash]))
    },

    counts (entryId: string, from: number, to: number): Array<{ prisoner: string, channel: string, n: number }> {
      return selectCounts.all({ entryId, actions, from, to }) as Array<{ prisoner: string, channel: string, n: number }>
    }
  }
}

export type AttemptsStore = ReturnType<typeof createAttemptsStore>

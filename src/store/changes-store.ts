import type { Db } from './db.js'

export const NATIONAL = '*'

export interface ChangeRow { seq: number, entry_id: string, op: 'upsert' | 'remove' }

/**
 * The compacted change log (migrations/003_sync.sql) and where prisoners are held. Callers run
 * these inside the transaction of the change itself.
 */
export function createChangesStore (db: Db) {
  const drop = db.prepare('DELETE FROM changes WHERE entry_id = ? AND audience = ?')
  const add = db.prepare('INSERT INTO changes (entry_id, audience, op, at) VALUES (?, ?, ?, ?)')
  const page = db.prepare(`SELECT seq, entry_id, op FROM changes
    WHERE audience IN (?, '${NATIONAL}') AND seq > ? ORDER BY seq LIMIT ?`)
  const lastSeq = db.prepare(`SELECT MAX(seq) FROM changes WHERE audience IN (?, '${NATIONAL}')`).pluck()
  const setLocation = db.prepare(`INSERT INTO prisoner_locations (prisoner, establishment, updated_at) VALUES (?, ?, ?)
    ON CONFLICT (prisoner) DO UPDATE SET establishment = excluded.establishment, updated_at = excluded.updated_at`)
  const getLocation = db.prepare('SELECT establishment FROM prisoner_locations WHERE prisoner = ?').pluck()

  return {
    /** Appends a change for one audience, replacing that entry's older change for it. */
    append (entryId: string, audience: string, op: 'upsert' | 'remove', at: number): void {
      drop.run(entryId, audience)
      add.run(entryId, audience, op, at)
    },

    /** Changes after `since` that concern this establishment (its own and national), oldest first. */
    after (establishment: string, since: number, limit: number): ChangeRow[] {
      return page.all(establishment, since, limit) as ChangeRow[]
    },

    lastSeq (establishment: string): number {
      return (lastSeq.get(establishment) as number | null) ?? 0
    },

    setLocation (prisoner: string, establishment: string, at: number): void {
      setLocation.run(prisoner, establishment, at)
    },

    location (prisoner: string): string | undefined {
      return getLocation.get(prisoner) as string | undefined
    }
  }
}

export type ChangesStore = ReturnType<typeof createChangesStore>

import type { Db } from './db.js'

/**
 * Writes to `entries` made by other connections than this one (migrations/009_entries_generation.sql):
 * the store's count of entry writes, less this connection's own, which a TEMP trigger counts in a
 * TEMP table (both only on this connection, and both roll back with the transaction that wrote).
 * The figure grows exactly when another connection has written an entry.
 */
export function createForeignEntryWrites (db: Db): () => number {
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS own_entries_generation (n INTEGER NOT NULL);
    INSERT INTO temp.own_entries_generation (n) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM temp.own_entries_generation);
    CREATE TEMP TRIGGER IF NOT EXISTS own_entries_insert AFTER INSERT ON main.entries
      BEGIN UPDATE temp.own_entries_generation SET n = n + 1; END;
    CREATE TEMP TRIGGER IF NOT EXISTS own_entries_update AFTER UPDATE ON main.entries
      BEGIN UPDATE temp.own_entries_generation SET n = n + 1; END;
    CREATE TEMP TRIGGER IF NOT EXISTS own_entries_delete AFTER DELETE ON main.entries
      BEGIN UPDATE temp.own_entries_generation SET n = n + 1; END;`)
  const foreign = db.prepare(`SELECT (SELECT n FROM main.entries_generation WHERE id = 1)
    - (SELECT n FROM temp.own_entries_generation)`).pluck()
  return () => foreign.get() as number
}

-- How many times a row of entries has been written, by any connection (a SPOC's write, a sync, the
-- import CLI, an operator's sqlite3 shell). The index watch (src/jobs/index-watch.ts) rebuilds the
-- in-memory index when it moves by more than the daemon's own writes moved it: data_version alone
-- cannot tell, since the audit thread's connection commits every 200 ms under load and touches no
-- entry. A plain SQL trigger, so that every writer counts, whatever it runs.
CREATE TABLE entries_generation (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  n  INTEGER NOT NULL
);
INSERT INTO entries_generation (id, n) VALUES (1, 0);
CREATE TRIGGER entries_generation_insert AFTER INSERT ON entries
  BEGIN UPDATE entries_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER entries_generation_update AFTER UPDATE ON entries
  BEGIN UPDATE entries_generation SET n = n + 1 WHERE id = 1; END;
CREATE TRIGGER entries_generation_delete AFTER DELETE ON entries
  BEGIN UPDATE entries_generation SET n = n + 1 WHERE id = 1; END;

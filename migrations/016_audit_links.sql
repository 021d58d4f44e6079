-- The keyed audit chain (src/audit/index.ts, docs/AUDIT.md): one link a write transaction, each an
-- HMAC under a key derived from the daemon's key file, which is never in the store. Append-only,
-- like the rows it covers.
CREATE TABLE audit_link (
  seq      INTEGER PRIMARY KEY,
  first_id INTEGER NOT NULL,
  last_id  INTEGER NOT NULL,
  mac      TEXT NOT NULL
);
CREATE TRIGGER audit_link_no_update BEFORE UPDATE ON audit_link
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_link_no_delete BEFORE DELETE ON audit_link
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;

-- Check decisions written together: one row a run of them, their compact records (a JSON array of
-- [at, actor, channel, prisoner, decision, entryIds, keyHashes]) under the consecutive audit ids
-- first_id..last_id, linked like any row. An entry's checks are found through audit_check_entry
-- (the id of each check that named it first), without reading every batch.
CREATE TABLE audit_checks (
  first_id INTEGER PRIMARY KEY,
  last_id  INTEGER NOT NULL,
  at_first INTEGER NOT NULL,
  at_last  INTEGER NOT NULL,
  records  TEXT NOT NULL
);
CREATE TABLE audit_check_entry (
  entry_id TEXT NOT NULL,
  id       INTEGER NOT NULL,
  PRIMARY KEY (entry_id, id)
) WITHOUT ROWID;
CREATE TRIGGER audit_checks_no_update BEFORE UPDATE ON audit_checks
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_checks_no_delete BEFORE DELETE ON audit_checks
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;

-- Every row of the trail, each check its own, as GET /v1/audit lists them (for the operator's
-- sqlite3 shell, scripts and tests; the daemon reads the tables themselves, newest first).
CREATE VIEW audit_all AS
SELECT id, at, actor, action, entry_id, reason, detail FROM audit
UNION ALL
SELECT c.first_id + j.key, j.value ->> 0, j.value ->> 1, 'check.decide', j.value ->> '$[5][0]', NULL,
  json_object('channel', j.value ->> 2, 'prisoner', j.value ->> 3, 'decision', j.value ->> 4,
    'entryIds', json(j.value -> 5), 'keyHashes', json(j.value -> 6))
FROM audit_checks c, json_each(c.records) j;

-- The key each entry's audit content is sealed under (src/audit/store.ts): the reason and detail of
-- every row that names the entry, but its retention.erase row and its check decisions. Retention
-- deletes the entry's key: the sealed bytes stay, linked as written, and can no longer be read.
CREATE TABLE audit_entry_keys (
  entry_id TEXT PRIMARY KEY,
  key      BLOB NOT NULL
) WITHOUT ROWID;

-- SQL cannot make a MAC: the rows already here are covered by the first link, which the daemon
-- writes at its next start with its key (src/audit/store.ts keyTrail), and this row then goes.
CREATE TABLE audit_keying (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  up_to INTEGER NOT NULL
);
INSERT INTO audit_keying (id, up_to) SELECT 1, MAX(id) FROM audit HAVING MAX(id) IS NOT NULL;

-- The plain chain's MAC'd head is replaced by the links.
DROP TABLE audit_head;

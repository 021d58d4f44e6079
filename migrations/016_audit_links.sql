-- The keyed audit chain (src/audit/chain.ts, docs/AUDIT.md): one link a write transaction, each an
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

-- SQL cannot make a MAC: the rows already here are covered by the first link, which the daemon
-- writes at its next start with its key (src/audit/store.ts keyTrail), and this row then goes.
CREATE TABLE audit_keying (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  up_to INTEGER NOT NULL
);
INSERT INTO audit_keying (id, up_to) SELECT 1, MAX(id) FROM audit HAVING MAX(id) IS NOT NULL;

-- The plain chain's MAC'd head is replaced by the links.
DROP TABLE audit_head;

-- Tamper-evident audit (issue 7): each row carries the hash of the row before it and its own hash
-- (src/store/audit-chain.ts gives the encoding). The rows already here are chained now, in id order,
-- with upc_audit_hash (registered by src/store/migrations.ts); the chain cannot vouch for what they
-- held before today, only that nothing changes them from now on.
ALTER TABLE audit ADD COLUMN prev_hash TEXT;
ALTER TABLE audit ADD COLUMN hash TEXT;

-- The triggers keep the table append-only; they are lifted for this one fill, inside the
-- migration's transaction, and put back exactly as 001 made them before it commits.
DROP TRIGGER audit_no_update;
CREATE TEMP TABLE audit_chain_fill AS
WITH RECURSIVE chain (id, prev_hash, hash) AS (
  SELECT id, '0000000000000000000000000000000000000000000000000000000000000000',
    upc_audit_hash('0000000000000000000000000000000000000000000000000000000000000000', id, at, actor, action, entry_id, reason, detail)
  FROM audit WHERE id = (SELECT MIN(id) FROM audit)
  UNION ALL
  SELECT a.id, chain.hash, upc_audit_hash(chain.hash, a.id, a.at, a.actor, a.action, a.entry_id, a.reason, a.detail)
  FROM chain JOIN audit a ON a.id = (SELECT MIN(id) FROM audit WHERE id > chain.id)
)
SELECT id, prev_hash, hash FROM chain;
UPDATE audit SET prev_hash = fill.prev_hash, hash = fill.hash FROM temp.audit_chain_fill AS fill WHERE audit.id = fill.id;
DROP TABLE temp.audit_chain_fill;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;

-- The chain's head with an HMAC under a key derived from the daemon's key file: one row, replaced
-- in the transaction of every append. It is not part of the trail, so it is not append-only.
CREATE TABLE audit_head (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  audit_id INTEGER NOT NULL,
  hash     TEXT NOT NULL,
  mac      TEXT NOT NULL
);

-- Retention (issue 7): an entry lifted or expired long enough ago keeps its row and its audit
-- trail, but its contact details and protected person are erased; erased_at says when.
ALTER TABLE entries ADD COLUMN erased_at INTEGER;
-- What the nightly retention run looks for: entries not yet erased, by when they stopped blocking.
CREATE INDEX entries_retention_lifted ON entries (lifted_at) WHERE erased_at IS NULL AND lifted_at IS NOT NULL;
CREATE INDEX entries_retention_expired ON entries (expires_at) WHERE erased_at IS NULL AND expires_at IS NOT NULL;

-- The audit trail is read by entry (GET /v1/audit?entryId=...; audit-store.ts filters with
-- entry_id = ?, which SQLite knows implies NOT NULL, so this index still serves it). Only rows that
-- name an entry need finding that way: a check that blocked nothing, most checks in a prison, names
-- none and no longer costs the index an insert a row (issue 6, docs/PERFORMANCE.md).
DROP INDEX audit_entry;
CREATE INDEX audit_entry ON audit (entry_id) WHERE entry_id IS NOT NULL;

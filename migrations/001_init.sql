-- Entries: one block request as the SPOC (or the national hub) recorded it.
CREATE TABLE entries (
  id               TEXT PRIMARY KEY,
  scope            TEXT NOT NULL CHECK (scope IN ('prisoner', 'establishment', 'national')),
  prisoner         TEXT CHECK (prisoner IS NULL OR prisoner GLOB '[A-Z][0-9][0-9][0-9][0-9][A-Z][A-Z]'),
  establishment    TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('active', 'lifted')),
  protected_person TEXT,
  reason           TEXT NOT NULL,
  request_ref      TEXT,
  consent          INTEGER CHECK (consent IS NULL OR consent IN (0, 1)),
  effective_from   INTEGER,          -- epoch ms; NULL = from creation
  expires_at       INTEGER,          -- epoch ms; NULL = until lifted
  created_by       TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  lifted_by        TEXT,
  lifted_at        INTEGER,
  lift_reason      TEXT,
  CHECK (scope <> 'prisoner' OR prisoner IS NOT NULL),
  CHECK ((status = 'lifted') = (lifted_at IS NOT NULL))
);
CREATE INDEX entries_prisoner ON entries (prisoner);
CREATE INDEX entries_status_created ON entries (status, created_at);

-- Contact details of an entry with the match keys the index holds for each.
CREATE TABLE entry_details (
  entry_id   TEXT NOT NULL REFERENCES entries (id),
  kind       TEXT NOT NULL CHECK (kind IN ('phone', 'email', 'address')),
  position   INTEGER NOT NULL,
  raw        TEXT NOT NULL,          -- as entered; for an address, JSON (a string or {lines, postcode})
  match_keys TEXT NOT NULL,          -- JSON array of index keys
  warning    TEXT,                   -- code of a parse warning, if any
  PRIMARY KEY (entry_id, kind, position)
) WITHOUT ROWID;

-- Append-only audit trail: who, when, what, why. Never a contact detail.
CREATE TABLE audit (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  at       INTEGER NOT NULL,         -- epoch ms
  actor    TEXT NOT NULL,            -- client name
  action   TEXT NOT NULL,
  entry_id TEXT,
  reason   TEXT,
  detail   TEXT                      -- JSON: ids, codes and hashes only
);
CREATE INDEX audit_entry ON audit (entry_id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;

-- Clients created by the daemon itself (the first-start admin); configured ones live in config.
CREATE TABLE clients (
  name         TEXT PRIMARY KEY,
  roles        TEXT NOT NULL,        -- JSON array
  token_sha256 TEXT NOT NULL,
  created_at   INTEGER NOT NULL
);

-- Where an entry came from: made here by a SPOC ('local') or received from the hub's feed ('hub').
-- The feed never touches a local entry.
ALTER TABLE entries ADD COLUMN origin TEXT NOT NULL DEFAULT 'local' CHECK (origin IN ('local', 'hub'));

-- The change log the feed is served from. Every change to an entry appends a row in the same
-- transaction as the change, with a strictly increasing seq. `audience` is the establishment the
-- change concerns, or '*' for a national entry. The log is compacted: a new row for an entry and
-- audience replaces the older one (as Kafka compacts a topic), so reading from any cursor, 0 included,
-- gives the current state of every entry changed since, and no cursor is ever too old.
CREATE TABLE changes (
  seq      INTEGER PRIMARY KEY AUTOINCREMENT,
  entry_id TEXT NOT NULL,
  audience TEXT NOT NULL,
  op       TEXT NOT NULL CHECK (op IN ('upsert', 'remove')),
  at       INTEGER NOT NULL
);
CREATE UNIQUE INDEX changes_entry_audience ON changes (entry_id, audience);
CREATE INDEX changes_audience_seq ON changes (audience, seq);

-- Where the hub knows a prisoner to be held (from prisoner-scope entries and transfers).
CREATE TABLE prisoner_locations (
  prisoner      TEXT PRIMARY KEY,
  establishment TEXT NOT NULL,
  updated_at    INTEGER NOT NULL
) WITHOUT ROWID;

-- The establishment side of sync: one row.
CREATE TABLE sync_state (
  id                INTEGER PRIMARY KEY CHECK (id = 1),
  cursor            INTEGER NOT NULL DEFAULT 0,
  last_success_at   INTEGER,
  last_attempt_at   INTEGER,
  last_error        TEXT,
  applied_total     INTEGER NOT NULL DEFAULT 0,
  quarantined_total INTEGER NOT NULL DEFAULT 0
);
INSERT INTO sync_state (id) VALUES (1);

-- Feed items that failed validation: kept (for a person to look at), counted, never applied.
CREATE TABLE quarantine (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  at       INTEGER NOT NULL,
  seq      INTEGER,
  entry_id TEXT,
  reason   TEXT NOT NULL,      -- fixed text: the rule it broke, never a value
  item     TEXT NOT NULL       -- the item as received (JSON)
);

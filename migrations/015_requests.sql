-- Requests (docs/REQUESTS.md): the Unwanted Prisoner Contact process from a request to its outcome.
-- Who asked, how to tell them the outcome, the details to block, the reason and the rationale are
-- sealed like contact details (src/services/at-rest.ts), each bound to its row and column.
CREATE TABLE requests (
  id               TEXT PRIMARY KEY,
  kind             TEXT NOT NULL CHECK (kind IN ('restrict', 'reinstate')),
  -- pending: waits for a SPOC's decision, blocking nothing; blocking: a restriction with consent,
  -- blocking since it arrived, waits for a SPOC to confirm it; approved, declined: decided;
  -- moved: (at an establishment) the hub moved it with its prisoner to another establishment
  status           TEXT NOT NULL CHECK (status IN ('pending', 'blocking', 'approved', 'declined', 'moved')),
  origin           TEXT NOT NULL CHECK (origin IN ('local', 'hub')),
  establishment    TEXT NOT NULL,
  prisoner         TEXT NOT NULL CHECK (prisoner GLOB '[A-Z][0-9][0-9][0-9][0-9][A-Z][A-Z]'),
  consent          INTEGER NOT NULL CHECK (consent IN (0, 1)),
  intelligence     INTEGER NOT NULL CHECK (intelligence IN (0, 1)),
  requester_kind   TEXT NOT NULL,
  requester        TEXT NOT NULL,    -- sealed JSON: name, organisation
  outcome_contact  TEXT NOT NULL,    -- sealed JSON: method, value
  block            TEXT,             -- sealed JSON: the details to block (restrict)
  reason           TEXT NOT NULL,    -- sealed
  request_ref      TEXT,
  lift_entry_id    TEXT,             -- reinstate: the block to lift
  entry_id         TEXT,             -- restrict: the block made
  received_at      INTEGER NOT NULL, -- epoch ms
  arrived_at       INTEGER,          -- when it reached the establishment
  pass_on_due_at   INTEGER NOT NULL,
  decision_due_at  INTEGER NOT NULL,
  decided_at       INTEGER,
  decided_by       TEXT,
  rationale        TEXT,             -- sealed
  notice_at        INTEGER,          -- when the prisoner was told in writing
  notice_by        TEXT,
  notice_template  TEXT,
  notice_recorded_by TEXT,
  created_by       TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  updated_at       INTEGER NOT NULL,
  CHECK ((kind = 'restrict') = (block IS NOT NULL)),
  CHECK ((kind = 'reinstate') = (lift_entry_id IS NOT NULL)),
  CHECK ((status IN ('approved', 'declined')) = (decided_at IS NOT NULL))
);
CREATE INDEX requests_open ON requests (status, decision_due_at);
CREATE INDEX requests_prisoner ON requests (prisoner);

-- Outcomes an establishment owes the hub (a decision, a notice), sent with retries until the hub
-- acknowledges; the event id makes a repeat delivery harmless at the hub.
CREATE TABLE request_outbox (
  event_id     TEXT PRIMARY KEY,
  request_id   TEXT NOT NULL REFERENCES requests (id),
  created_at   INTEGER NOT NULL,
  attempts     INTEGER NOT NULL DEFAULT 0,
  next_at      INTEGER NOT NULL,
  delivered_at INTEGER
);
CREATE INDEX request_outbox_due ON request_outbox (delivered_at, next_at);

-- At the hub: the outcome events already applied, so a repeat is acknowledged and ignored.
CREATE TABLE request_events (
  event_id   TEXT PRIMARY KEY,
  request_id TEXT NOT NULL,
  at         INTEGER NOT NULL
);

-- At the hub: the requests feed each establishment pulls, compacted per request and audience like
-- the changes of entries (003_sync.sql): upsert when a request is made for an establishment or
-- moves there with its prisoner, withdraw for the establishment it moved from.
CREATE TABLE request_changes (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id TEXT NOT NULL,
  audience   TEXT NOT NULL,
  op         TEXT NOT NULL CHECK (op IN ('upsert', 'withdraw')),
  at         INTEGER NOT NULL
);
CREATE UNIQUE INDEX request_changes_request_audience ON request_changes (request_id, audience);
CREATE INDEX request_changes_audience_seq ON request_changes (audience, seq);

-- At an establishment: how far it has read the hub's requests feed.
CREATE TABLE request_sync (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  cursor INTEGER NOT NULL
);
INSERT INTO request_sync (id, cursor) VALUES (1, 0);

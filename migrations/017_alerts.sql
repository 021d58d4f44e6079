-- Alerts raised by the rules on blocked attempts (src/domain/alert-rules.ts, docs/ALERTS.md).
-- Ids and prisoner numbers only: never a contact detail. `key` says what an alert is about
-- (relay:<entry>, persistence:<prisoner>, after_notice:<entry>:<prisoner>); while an alert on a key
-- is not closed, later attempts on it are counted on that alert instead of raising another.
-- Each change of state is also a row of the audit trail (alert.raise, alert.acknowledge, alert.close).
CREATE TABLE alerts (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  type            TEXT NOT NULL CHECK (type IN ('relay', 'persistence', 'after_notice')),
  key             TEXT NOT NULL,
  entry_ids       TEXT NOT NULL,  -- JSON array of entry ids
  prisoners       TEXT NOT NULL,  -- JSON array of prisoner numbers
  attempts        INTEGER NOT NULL,
  first_at        INTEGER NOT NULL,  -- epoch ms of the attempt that raised it
  last_at         INTEGER NOT NULL,  -- epoch ms of the latest attempt counted on it
  raised_at       INTEGER NOT NULL,
  state           TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'closed')),
  acknowledged_at INTEGER,
  acknowledged_by TEXT,
  note            TEXT,
  closed_at       INTEGER,
  closed_by       TEXT,
  close_note      TEXT,
  CHECK ((state = 'open') = (acknowledged_at IS NULL)),
  CHECK ((state = 'closed') = (closed_at IS NOT NULL))
);
CREATE UNIQUE INDEX alerts_live ON alerts (key) WHERE state <> 'closed';
CREATE INDEX alerts_state ON alerts (state, id);

-- A block's attempts name the link of the audit chain that covers each (src/store/attempts-store.ts):
-- links are found by the last id they cover.
CREATE INDEX audit_link_last_id ON audit_link (last_id);

-- The brake on removals (src/services/removal-brake.ts): a sync takes at most a few of the hub's
-- blocks off this establishment in an hour; the rest wait here for a person.

-- A change from the hub that would take a block off, held instead of applied. The block keeps
-- blocking until a SPOC releases the change (applied then) or discards it (the block stays).
-- `item` is the change as received, sealed (it may hold a victim's details), and emptied once the
-- change is resolved. `upstream` names the hub that sent it, as the transport knew it.
CREATE TABLE held_changes (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  entry_id    TEXT NOT NULL,
  seq         INTEGER NOT NULL,
  op          TEXT NOT NULL CHECK (op IN ('upsert', 'remove')),
  kind        TEXT NOT NULL CHECK (kind IN ('remove', 'lift', 'expiry', 'start', 'scope', 'details', 'address_mode')),
  held_at     INTEGER NOT NULL,
  upstream    TEXT,
  item        TEXT,
  resolved    TEXT CHECK (resolved IN ('released', 'discarded', 'superseded')),
  resolved_at INTEGER,
  resolved_by TEXT,
  CHECK ((resolved IS NULL) = (item IS NOT NULL))
);
-- At most one change waits for an entry: a later removal of it replaces the one held.
CREATE UNIQUE INDEX held_changes_open ON held_changes (entry_id) WHERE resolved IS NULL;

-- Removals the sync applied without a person, for the rolling hour's count (kept an hour, so a
-- restart does not reset the count).
CREATE TABLE sync_removals (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  at       INTEGER NOT NULL,
  entry_id TEXT NOT NULL
);
CREATE INDEX sync_removals_at ON sync_removals (at);

-- The hub's blocks in force here, counted for the brake's share: from this index alone.
CREATE INDEX entries_hub_active ON entries (id) WHERE origin = 'hub' AND status = 'active';

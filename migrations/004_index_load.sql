-- The index loads active entries in id order (src/store/entries-store.ts, activeWithKeys). This
-- covering index serves that read from the index alone, without a table lookup an entry: a million
-- entries load about a second sooner (docs/PERFORMANCE.md).
CREATE INDEX entries_index_load ON entries (status, id, scope, prisoner, establishment, effective_from,
  expires_at, address_mode, protected_person);

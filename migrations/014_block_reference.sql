-- A block's reference (src/domain/block-reference.ts): 8 characters a person can read down a phone,
-- e.g. K7QM-4XRT, unique in this store. It is the start of the base-32 SHA-256 of the entry's id, so
-- a hub entry has the same reference at the hub and at every establishment; when another entry of
-- this store already holds it, 4 more characters of the same hash (src/store/entries-store.ts).
-- SQL cannot hash: the daemon gives every entry without a reference its own at start-up, in one
-- transaction, before the index loads (src/services/references.ts). Stored without the hyphen.
ALTER TABLE entries ADD COLUMN reference TEXT;
CREATE UNIQUE INDEX entries_reference ON entries (reference);

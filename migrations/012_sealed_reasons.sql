-- Reasons at rest: an entry's reason and lift reason are sealed like its contact details
-- (src/services/at-rest.ts), and erased with them at the end of retention. SQL cannot encrypt, so
-- this migration only records whether the reasons are sealed yet; the daemon seals the reasons of
-- an older store at its next start, in one transaction, and sets reasons_sealed_at.
ALTER TABLE key_state ADD COLUMN reasons_sealed_at INTEGER;

-- Which version of the normalisers made the stored match keys (src/domain/contact-keys.ts,
-- KEYING_VERSION). A daemon that finds another version re-keys every detail from its sealed text at
-- start-up, in one transaction, before the index loads (src/services/rekey.ts): a block made before
-- a change to matching then meets what the new matching makes of an attempt. Null: keyed before
-- the version was recorded.
ALTER TABLE key_state ADD COLUMN keying_version INTEGER;

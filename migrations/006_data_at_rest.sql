-- Data at rest (issue 7, docs/RELIABILITY.md): contact details, the protected person's name and
-- quarantined feed items are sealed with AES-256-GCM, and match keys are stored as keyed HMACs.
-- SQL cannot encrypt, so this migration only makes the row that records which keys the store is
-- sealed and keyed under; the daemon converts the rows of an older store at its next start
-- (src/services/at-rest.ts), in one transaction, and sets converted_at. Key ids only, never keys.
CREATE TABLE key_state (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  data_key_id  TEXT,               -- id of the AES key every sealed value is under (null: not yet converted)
  hash_key_id  TEXT,               -- id of the HMAC key the match keys are computed with
  converted_at INTEGER,            -- epoch ms of the conversion of plaintext rows; null until done
  rotated_at   INTEGER             -- epoch ms of the last data key rotation
);
INSERT INTO key_state (id) VALUES (1);

-- SQLite's rendering of postgresql/V3__audit_checkpoints.sql, the same but for one column:
-- audit_checkpoints.id is INTEGER PRIMARY KEY (SQLite's row id) instead of an identity column.
--
-- Signed checkpoints of the audit log: the chain's head (the newest record's seq and hash) at a
-- moment, signed with Ed25519 by the server's audit-signing.key, a file of the data directory and
-- never in the database. Whoever can write the database can recompute audit_log's hash chain but
-- cannot sign a checkpoint, so a verifier with the pinned public key detects a rewriting of any
-- record a checkpoint covers. head_seq is unique: one checkpoint per head, also with several
-- servers sharing the database.
CREATE TABLE audit_checkpoints (
  id          INTEGER PRIMARY KEY,
  head_seq    BIGINT       NOT NULL,
  head_hash   VARCHAR(64)  NOT NULL,
  signed_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  -- the first 16 hex digits of the SHA-256 of the public key's X.509 encoding
  key_id      VARCHAR(64)  NOT NULL,
  -- base64 of the 64-byte signature
  signature   VARCHAR(200) NOT NULL,
  CONSTRAINT audit_checkpoints_head UNIQUE (head_seq)
);

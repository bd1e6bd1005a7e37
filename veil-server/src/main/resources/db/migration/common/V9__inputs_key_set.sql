-- Inputs name the key set their ciphertexts were checked against when uploaded (NULL for uploads
-- made before this migration), so that a key set in use by an input is not deleted; the caller's
-- inputs are listed and counted (the per-user quota) by owner.
--
-- Portable SQL: runs unchanged on SQLite and PostgreSQL 15 (only CREATE
-- TABLE, CREATE INDEX and ALTER TABLE ... ADD COLUMN).
ALTER TABLE job_inputs ADD COLUMN key_set_id VARCHAR(64);
CREATE INDEX job_inputs_owner_created ON job_inputs (owner_id, created_at, id);
CREATE INDEX job_inputs_key_set ON job_inputs (key_set_id);

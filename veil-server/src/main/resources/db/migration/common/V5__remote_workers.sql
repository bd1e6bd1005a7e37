-- Remote workers (veil worker) and listings whose weights stay on their seller's worker.
--
-- Portable SQL: runs unchanged on H2 (MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE) and PostgreSQL 15.

-- A listing is hosted (its weights sealed here by the WeightsVault and run by the server's own
-- workers) or not (only the public input schema and model card are here; the weights stay on the
-- seller's worker). Listings published before this migration were hosted.
ALTER TABLE models ADD COLUMN hosted BOOLEAN DEFAULT TRUE NOT NULL;
ALTER TABLE models ALTER COLUMN sealed_weights DROP NOT NULL;
ALTER TABLE models ALTER COLUMN weights_key_id DROP NOT NULL;
ALTER TABLE models ADD CONSTRAINT models_hosted_weights CHECK (
  (hosted AND sealed_weights IS NOT NULL AND weights_key_id IS NOT NULL)
  OR (NOT hosted AND sealed_weights IS NULL AND weights_key_id IS NULL));

-- Who may claim a queued job: NULL for the server's own workers (hosted inference, training; a
-- training job may also be claimed by a remote training worker allowed to run it), or the id of
-- a non-hosted model, whose jobs only its seller's workers serving that model claim.
ALTER TABLE jobs ADD COLUMN placement VARCHAR(64);
CREATE INDEX jobs_placement ON jobs (state, placement, created_at);

-- A registered remote worker and the SHA-256 of its token (the token itself is never stored).
-- models: the JSON array of the model ids it serves (its owner's non-hosted listings); training:
-- whether it runs training jobs (an operator's: any; a data owner's: those on its data sets).
CREATE TABLE workers (
  id           VARCHAR(64)  NOT NULL PRIMARY KEY,
  owner_id     VARCHAR(64)  NOT NULL REFERENCES users (id),
  name         VARCHAR(100) NOT NULL,
  token_hash   VARCHAR(64)  NOT NULL,
  models       TEXT         NOT NULL,
  training     BOOLEAN      NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  last_seen_at TIMESTAMP WITH TIME ZONE,
  revoked_at   TIMESTAMP WITH TIME ZONE,
  CONSTRAINT workers_hash_unique UNIQUE (token_hash)
);
CREATE INDEX workers_owner ON workers (owner_id);

-- Paid training handed over to the builder's key (public key switching by the data owner).
--
-- Portable SQL: runs unchanged on H2 (MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE) and PostgreSQL 15.

-- The hours a listing gives its owner to hand a paid training over before the builder is
-- refunded (veil dataset upload --handover-hours).
ALTER TABLE datasets ADD COLUMN handover_hours INT DEFAULT 72 NOT NULL;

-- A training job whose masked model waits for its data owner's key switch.
ALTER TABLE jobs DROP CONSTRAINT jobs_state;
ALTER TABLE jobs ADD CONSTRAINT jobs_state CHECK (state IN ('QUEUED', 'RUNNING',
  'HANDOVER_PENDING', 'SUCCEEDED', 'FAILED', 'CANCELLED'));

-- One per hand-over job. mask_seed: the seed of the platform's ring mask on the stored model
-- (masked_sha256), never served by any route; builder_key_set_id: the key the model goes to;
-- state PENDING -> DELIVERED (switched_sha256: what the owner uploaded) | EXPIRED (refunded).
CREATE TABLE handovers (
  job_id             VARCHAR(64) NOT NULL PRIMARY KEY REFERENCES jobs (id),
  dataset_owner_id   VARCHAR(64) NOT NULL,
  builder_id         VARCHAR(64) NOT NULL,
  builder_key_set_id VARCHAR(64) NOT NULL,
  masked_sha256      VARCHAR(64) NOT NULL,
  masked_size        BIGINT NOT NULL,
  ciphertexts        INT NOT NULL,
  mask_seed          VARCHAR(64) NOT NULL,
  result_info        TEXT NOT NULL,
  state              VARCHAR(16) NOT NULL,
  deadline           TIMESTAMP WITH TIME ZONE NOT NULL,
  switched_sha256    VARCHAR(64),
  created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
  ended_at           TIMESTAMP WITH TIME ZONE,
  CONSTRAINT handovers_state CHECK (state IN ('PENDING', 'DELIVERED', 'EXPIRED'))
);
CREATE INDEX handovers_owner ON handovers (dataset_owner_id, state);
CREATE INDEX handovers_deadline ON handovers (state, deadline);

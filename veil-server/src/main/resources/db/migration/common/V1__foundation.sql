-- Veil server, foundation: accounts, API tokens, the audit log, key sets and data sets.
-- Portable SQL: runs unchanged on PostgreSQL 15 and on H2 2.x in PostgreSQL mode.
-- Ids are text ids from dev.veil.server.Ids (prefix_ + 20 base-32 characters).
-- Digests are lowercase hex SHA-256 (64 characters). Times are TIMESTAMP WITH TIME ZONE (UTC).

CREATE TABLE users (
  id            VARCHAR(64)  NOT NULL PRIMARY KEY,
  username      VARCHAR(64)  NOT NULL,
  -- Argon2id in PHC string format, parameters included
  password_hash VARCHAR(512) NOT NULL,
  -- comma-separated role names, e.g. 'BUYER,DATA_OWNER'
  roles         VARCHAR(200) NOT NULL,
  created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT users_username_unique UNIQUE (username)
);

CREATE TABLE api_tokens (
  id           VARCHAR(64)  NOT NULL PRIMARY KEY,
  user_id      VARCHAR(64)  NOT NULL REFERENCES users (id),
  name         VARCHAR(100) NOT NULL,
  -- SHA-256 of the token; the token itself is never stored
  token_hash   VARCHAR(64)  NOT NULL,
  created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  expires_at   TIMESTAMP WITH TIME ZONE,
  last_used_at TIMESTAMP WITH TIME ZONE,
  revoked_at   TIMESTAMP WITH TIME ZONE,
  CONSTRAINT api_tokens_hash_unique UNIQUE (token_hash)
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- The hash-chained audit log. audit_head is a single row holding the chain's end; appends lock
-- it (SELECT ... FOR UPDATE), so that concurrent appends, from one server or several, form one
-- chain.
CREATE TABLE audit_head (
  id        INT         NOT NULL PRIMARY KEY,
  last_seq  BIGINT      NOT NULL,
  last_hash VARCHAR(64) NOT NULL
);
INSERT INTO audit_head (id, last_seq, last_hash)
  VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
  seq         BIGINT       NOT NULL PRIMARY KEY,
  recorded_at TIMESTAMP WITH TIME ZONE NOT NULL,
  actor       VARCHAR(64),
  action      VARCHAR(100) NOT NULL,
  subject     VARCHAR(200),
  -- canonical JSON (keys sorted), exactly the text that was hashed
  details     VARCHAR      NOT NULL,
  prev_hash   VARCHAR(64)  NOT NULL,
  hash        VARCHAR(64)  NOT NULL
);

-- Public and evaluation keys (never secret keys), each file a blob in the content-addressed store.
CREATE TABLE key_sets (
  id                     VARCHAR(64)  NOT NULL PRIMARY KEY,
  owner_id               VARCHAR(64)  NOT NULL REFERENCES users (id),
  name                   VARCHAR(200) NOT NULL,
  params_sha256          VARCHAR(64)  NOT NULL,
  params_size            BIGINT       NOT NULL,
  -- Parameters.digestHex(): what every object made under the parameters carries
  params_digest          VARCHAR(64)  NOT NULL,
  log_n                  INT          NOT NULL,
  max_level              INT          NOT NULL,
  slots                  INT          NOT NULL,
  insecure               BOOLEAN      NOT NULL,
  public_key_sha256      VARCHAR(64),
  public_key_size        BIGINT,
  -- first 16 hex digits of the public key file's SHA-256: the key id veil keygen writes
  key_id                 VARCHAR(16),
  evaluation_keys_sha256 VARCHAR(64),
  evaluation_keys_size   BIGINT,
  relinearization        BOOLEAN,
  -- comma-separated Galois elements of the evaluation keys, ascending
  galois_elements        VARCHAR,
  created_at             TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX key_sets_owner ON key_sets (owner_id);

-- Encrypted data sets: public metadata, a listing, and one ciphertext blob per part.
CREATE TABLE datasets (
  id                 VARCHAR(64)   NOT NULL PRIMARY KEY,
  owner_id           VARCHAR(64)   NOT NULL REFERENCES users (id),
  key_set_id         VARCHAR(64)   NOT NULL REFERENCES key_sets (id),
  name               VARCHAR(200)  NOT NULL,
  description        VARCHAR(4000) NOT NULL,
  -- the public DataInfo JSON of veil encrypt (meta.json)
  meta               VARCHAR       NOT NULL,
  n_rows             BIGINT        NOT NULL,
  n_features         INT           NOT NULL,
  parts_expected     INT           NOT NULL,
  params_digest      VARCHAR(64)   NOT NULL,
  -- per training job, in integer minor units of the ledger's currency
  price_per_training BIGINT        NOT NULL,
  listed             BOOLEAN       NOT NULL,
  -- UPLOADING, then READY once every part is there
  state              VARCHAR(16)   NOT NULL,
  created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
  completed_at       TIMESTAMP WITH TIME ZONE
);
CREATE INDEX datasets_owner ON datasets (owner_id);
CREATE INDEX datasets_listed ON datasets (listed, state);

CREATE TABLE dataset_parts (
  dataset_id  VARCHAR(64) NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  part_index  INT         NOT NULL,
  blob_sha256 VARCHAR(64) NOT NULL,
  size_bytes  BIGINT      NOT NULL,
  uploaded_at TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (dataset_id, part_index)
);

-- The ledger, the job queue, published models, query budgets and inference inputs.
--
-- SQLite's rendering of postgresql/V2__ledger_jobs_models.sql, the same but for one column:
-- ledger_entries.id is INTEGER PRIMARY KEY (SQLite's row id, assigned on insert) where PostgreSQL
-- has an identity column, a syntax SQLite does not parse.
-- Money is BIGINT minor units (cents), never floating point. Timestamps are TIMESTAMP WITH TIME ZONE.
--
-- User, data-set and key-set ids are the text ids of V1's tables (VARCHAR(64)) without foreign keys
-- to them: users, data sets and key sets are never hard-deleted (they are disabled or unlisted), so a
-- reference here never dangles, and ledger and job history outlive any listing.

-- ---------------------------------------------------------------- ledger

-- One row per account. A user has two: AVAILABLE (spendable) and HELD (reserved for queued and
-- running jobs). The platform has REVENUE (fees) and EXTERNAL (the counterpart of deposits: money
-- that came in from outside, hence negative). balance caches SUM(ledger_entries.amount) of the
-- account and is updated in the same database transaction as the entries; only EXTERNAL may go
-- below zero.
CREATE TABLE ledger_accounts (
  id               VARCHAR(100) PRIMARY KEY,
  owner_id         VARCHAR(64),
  kind             VARCHAR(16) NOT NULL,
  balance          BIGINT NOT NULL DEFAULT 0,
  may_go_negative  BOOLEAN NOT NULL DEFAULT FALSE,
  created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT ledger_accounts_kind CHECK (kind IN ('AVAILABLE', 'HELD', 'REVENUE', 'EXTERNAL')),
  CONSTRAINT ledger_accounts_not_negative CHECK (may_go_negative OR balance >= 0)
);
CREATE UNIQUE INDEX ledger_accounts_owner_kind ON ledger_accounts (owner_id, kind);

INSERT INTO ledger_accounts (id, owner_id, kind, balance, may_go_negative, created_at)
  VALUES ('platform:revenue', NULL, 'REVENUE', 0, FALSE, CURRENT_TIMESTAMP);
INSERT INTO ledger_accounts (id, owner_id, kind, balance, may_go_negative, created_at)
  VALUES ('platform:external', NULL, 'EXTERNAL', 0, TRUE, CURRENT_TIMESTAMP);

-- A movement of money: its entries sum to zero. idempotency_key (scoped by the service, e.g.
-- 'deposit:<operator>:<client key>', 'hold:<job>') makes a retried request return the original
-- transaction; request_hash tells a retry from a different request reusing the key.
CREATE TABLE ledger_transactions (
  id               VARCHAR(64) PRIMARY KEY,
  kind             VARCHAR(16) NOT NULL,
  idempotency_key  VARCHAR(300),
  request_hash     VARCHAR(64),
  reference        VARCHAR(64),
  actor_id         VARCHAR(64),
  memo             VARCHAR(500),
  created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT ledger_transactions_kind
    CHECK (kind IN ('DEPOSIT', 'CHARGE', 'HOLD', 'CAPTURE', 'RELEASE')),
  CONSTRAINT ledger_transactions_idempotency UNIQUE (idempotency_key)
);
CREATE INDEX ledger_transactions_reference ON ledger_transactions (reference);

-- amount > 0 credits the account (its balance grows), < 0 debits it.
CREATE TABLE ledger_entries (
  id               INTEGER PRIMARY KEY,
  transaction_id   VARCHAR(64) NOT NULL REFERENCES ledger_transactions (id),
  account_id       VARCHAR(100) NOT NULL REFERENCES ledger_accounts (id),
  amount           BIGINT NOT NULL,
  CONSTRAINT ledger_entries_not_zero CHECK (amount <> 0)
);
CREATE INDEX ledger_entries_transaction ON ledger_entries (transaction_id);
CREATE INDEX ledger_entries_account ON ledger_entries (account_id);

-- Funds reserved for a job: moved from the payer's AVAILABLE to their HELD account by hold_tx,
-- then either captured (HELD -> payee's AVAILABLE minus the fee, fee -> platform REVENUE) or
-- released (HELD -> AVAILABLE) by settle_tx, exactly once (the state changes by a conditional
-- UPDATE ... WHERE state = 'HELD').
CREATE TABLE ledger_holds (
  id               VARCHAR(64) PRIMARY KEY,
  reference        VARCHAR(64) NOT NULL,
  payer_id         VARCHAR(64) NOT NULL,
  payee_id         VARCHAR(64),
  amount           BIGINT NOT NULL,
  fee_basis_points INT NOT NULL,
  state            VARCHAR(16) NOT NULL,
  hold_tx          VARCHAR(64) NOT NULL REFERENCES ledger_transactions (id),
  settle_tx        VARCHAR(64) REFERENCES ledger_transactions (id),
  created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  settled_at       TIMESTAMP WITH TIME ZONE,
  CONSTRAINT ledger_holds_amount CHECK (amount > 0),
  CONSTRAINT ledger_holds_fee CHECK (fee_basis_points BETWEEN 0 AND 10000),
  CONSTRAINT ledger_holds_state CHECK (state IN ('HELD', 'CAPTURED', 'RELEASED')),
  CONSTRAINT ledger_holds_reference UNIQUE (reference)
);
CREATE INDEX ledger_holds_payer ON ledger_holds (payer_id, state);

-- ---------------------------------------------------------------- models and budgets

-- A published model. sealed_weights is the weights JSON encrypted with AES-256-GCM under the
-- server's master key (base64 of version, key id, nonce, ciphertext and tag; the model id is the
-- associated data): the API never returns it, only the inference runner opens it.
-- input_schema (feature names, scaling, label) is public: buyers need it to prepare their rows.
CREATE TABLE models (
  id                    VARCHAR(64) PRIMARY KEY,
  seller_id             VARCHAR(64) NOT NULL,
  name                  VARCHAR(200) NOT NULL,
  description           VARCHAR(4000) NOT NULL,
  task                  VARCHAR(16) NOT NULL,
  features              INT NOT NULL,
  input_schema          TEXT NOT NULL,
  price_per_prediction  BIGINT NOT NULL,
  max_queries           BIGINT NOT NULL,
  max_rows              BIGINT NOT NULL,
  listed                BOOLEAN NOT NULL,
  sealed_weights        TEXT NOT NULL,
  weights_key_id        VARCHAR(32) NOT NULL,
  created_at            TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at            TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT models_task CHECK (task IN ('logistic', 'linear')),
  CONSTRAINT models_features CHECK (features >= 1),
  CONSTRAINT models_price CHECK (price_per_prediction >= 0),
  CONSTRAINT models_budget CHECK (max_queries >= 1 AND max_rows >= 1)
);
CREATE INDEX models_listed ON models (listed, created_at);
CREATE INDEX models_seller ON models (seller_id);

-- What a buyer has used of a model's per-buyer budget (the limits live on the model). Consumed
-- by a conditional UPDATE in the same database transaction as the job's hold, so that a buyer over
-- budget is refused and not charged; given back when the job fails or is cancelled.
CREATE TABLE query_budgets (
  buyer_id         VARCHAR(64) NOT NULL,
  model_id         VARCHAR(64) NOT NULL REFERENCES models (id),
  queries_used     BIGINT NOT NULL DEFAULT 0,
  rows_used        BIGINT NOT NULL DEFAULT 0,
  updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY (buyer_id, model_id),
  CONSTRAINT query_budgets_not_negative CHECK (queries_used >= 0 AND rows_used >= 0)
);

-- ---------------------------------------------------------------- jobs

-- Encrypted rows a buyer uploaded for inference (a blob of concatenated ciphertexts).
CREATE TABLE job_inputs (
  id               VARCHAR(64) PRIMARY KEY,
  owner_id         VARCHAR(64) NOT NULL,
  sha256           VARCHAR(64) NOT NULL,
  size_bytes       BIGINT NOT NULL,
  created_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX job_inputs_owner ON job_inputs (owner_id);

-- The persistent queue. A worker claims a QUEUED job with a conditional
-- UPDATE ... WHERE id = ? AND state = 'QUEUED' (exactly one claimer wins), then holds a lease that
-- its heartbeat renews; attempts counts claims and fences a worker whose lease was taken over.
-- counterparty_id: the data owner of a training job's data set or the seller of an inference
-- job's model. hold_id: the ledger hold paid for the job (NULL when free). budget_model_id and
-- budget_rows: the query budget the job consumed, given back if it fails.
CREATE TABLE jobs (
  id               VARCHAR(64) PRIMARY KEY,
  owner_id         VARCHAR(64) NOT NULL,
  kind             VARCHAR(16) NOT NULL,
  state            VARCHAR(16) NOT NULL,
  stage            VARCHAR(200) NOT NULL,
  progress         INT NOT NULL DEFAULT 0,
  parameters       TEXT NOT NULL,
  idempotency_key  VARCHAR(255),
  request_hash     VARCHAR(64) NOT NULL,
  counterparty_id  VARCHAR(64),
  price            BIGINT NOT NULL DEFAULT 0,
  hold_id          VARCHAR(64),
  budget_model_id  VARCHAR(64),
  budget_rows      BIGINT,
  result_sha256    VARCHAR(64),
  result_size      BIGINT,
  result_info      TEXT,
  error            VARCHAR(2000),
  attempts         INT NOT NULL DEFAULT 0,
  max_attempts     INT NOT NULL,
  cancel_requested BOOLEAN NOT NULL DEFAULT FALSE,
  worker_id        VARCHAR(64),
  lease_until      TIMESTAMP WITH TIME ZONE,
  heartbeat_at     TIMESTAMP WITH TIME ZONE,
  created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  started_at       TIMESTAMP WITH TIME ZONE,
  finished_at      TIMESTAMP WITH TIME ZONE,
  updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT jobs_kind CHECK (kind IN ('TRAINING', 'INFERENCE')),
  CONSTRAINT jobs_state CHECK (state IN ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
  CONSTRAINT jobs_progress CHECK (progress BETWEEN 0 AND 100),
  CONSTRAINT jobs_price CHECK (price >= 0),
  CONSTRAINT jobs_attempts CHECK (attempts >= 0 AND max_attempts >= 1),
  CONSTRAINT jobs_idempotency UNIQUE (owner_id, idempotency_key)
);
CREATE INDEX jobs_queue ON jobs (state, created_at);
CREATE INDEX jobs_owner ON jobs (owner_id, created_at);
CREATE INDEX jobs_counterparty ON jobs (counterparty_id, created_at);

-- Listing budgets fixed at publication, and a total budget per listing (all buyers together).
--
-- max_rows_total bounds the rows all buyers together may have scored; flooding_rows is the D the
-- output sanitiser's flooding is sized for, fixed when the version is published: a change that
-- widens any budget publishes a new version (a new model id, listing_version + 1,
-- previous_version_id naming the old one, whose superseded_by then names the new one and which
-- accepts no new jobs); a lowering changes the version in place and keeps its flooding_rows.
--
-- Existing models: their results were flooded for max_rows (the per-buyer budget), so their total
-- and their flooding_rows are max_rows, and what their buyers have used so far counts against the
-- total (a model whose buyers together used more is full; its seller publishes a new version).
ALTER TABLE models ADD COLUMN max_rows_total BIGINT;
ALTER TABLE models ADD COLUMN flooding_rows BIGINT;
UPDATE models SET max_rows_total = max_rows, flooding_rows = max_rows;
ALTER TABLE models ALTER COLUMN max_rows_total SET NOT NULL;
ALTER TABLE models ALTER COLUMN flooding_rows SET NOT NULL;
ALTER TABLE models ADD COLUMN listing_version INT DEFAULT 1 NOT NULL;
ALTER TABLE models ADD COLUMN previous_version_id VARCHAR(64);
ALTER TABLE models ADD COLUMN superseded_by VARCHAR(64);
ALTER TABLE models ADD CONSTRAINT models_total_budget
  CHECK (max_rows_total >= max_rows AND flooding_rows >= max_rows_total);
ALTER TABLE models ADD CONSTRAINT models_version CHECK (listing_version >= 1);
CREATE UNIQUE INDEX models_previous_version ON models (previous_version_id);

-- What all buyers together have used of a model's total; consumed in the same transaction as the
-- per-buyer budget and the job's hold, given back with it when a job fails or is cancelled.
CREATE TABLE model_budget_totals (
  model_id         VARCHAR(64) PRIMARY KEY REFERENCES models (id),
  queries_used     BIGINT NOT NULL DEFAULT 0,
  rows_used        BIGINT NOT NULL DEFAULT 0,
  updated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
  CONSTRAINT model_budget_totals_not_negative CHECK (queries_used >= 0 AND rows_used >= 0)
);
INSERT INTO model_budget_totals (model_id, queries_used, rows_used, updated_at)
  SELECT model_id, SUM(queries_used), SUM(rows_used), MAX(updated_at)
  FROM query_budgets GROUP BY model_id;

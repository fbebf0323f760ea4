-- Workflow run store (schema `workflow` by default): pipeline runs, stage records, every stage
-- attempt, incremental/window state, and who holds a pipeline partition. Applied by the workflow
-- run store itself (PostgresRunStore.migrate) with search_path set to its schema, so the same file
-- serves the production schema and the per-test schemas. Never edit an applied file; add 002_….

CREATE TABLE IF NOT EXISTS runs (
  run_id      text PRIMARY KEY,
  pipeline    text NOT NULL,
  partition   text NOT NULL,
  status      text NOT NULL CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED')),
  started_at  timestamptz NOT NULL,
  ended_at    timestamptz,
  error       text,
  source      text NOT NULL,
  base_dir    text NOT NULL,
  definition  jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_pipeline_started ON runs (pipeline, started_at DESC);

CREATE TABLE IF NOT EXISTS stage_runs (
  run_id    text NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
  stage_id  text NOT NULL,
  status    text NOT NULL,
  reason    text,
  result    jsonb,
  PRIMARY KEY (run_id, stage_id)
);

CREATE TABLE IF NOT EXISTS stage_attempts (
  run_id      text NOT NULL,
  stage_id    text NOT NULL,
  attempt     integer NOT NULL CHECK (attempt >= 1),
  status      text NOT NULL,
  started_at  text NOT NULL,
  ended_at    text,
  error       text,
  PRIMARY KEY (run_id, stage_id, attempt),
  FOREIGN KEY (run_id, stage_id) REFERENCES stage_runs (run_id, stage_id) ON DELETE CASCADE
);

CREATE TABLE IF NOT EXISTS state (
  pipeline    text NOT NULL,
  key         text NOT NULL,
  value       jsonb NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pipeline, key)
);

-- Who holds a pipeline partition. The lock itself is a session advisory lock (released when the
-- holder's connection ends, so a crashed orchestrator never blocks the next one); this row only
-- names the holder for the error message.
CREATE TABLE IF NOT EXISTS lock_holders (
  pipeline     text NOT NULL,
  partition    text NOT NULL,
  owner        text NOT NULL,
  acquired_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (pipeline, partition)
);

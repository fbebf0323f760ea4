-- reporting.* — the shared data-quality tables of the file data-quality scoring service, as the shared database defines them.
-- Applied by `coattail dq migrate` (idempotent: it records each file in reporting.schema_migrations
-- under an advisory lock, and every statement below is IF NOT EXISTS as well).
--
-- Decisions beyond the shared tables' column lists (kept minimal, documented in batch/README.md):
--  * timestamps are timestamptz (UTC instants); created_at/updated_at default to now().
--  * monitoring_file is unique on (agency_slug, file_name) when this file creates it; the service
--    does not rely on it (the shared database's existing table has no such constraint): it
--    auto-creates files under an advisory lock of the pair.
--  * run, quality, failed-validation and profile ids are bigserial (one run per file per hour).
--  * CHECKs pin the ranges the contract implies: run_hour 0..23, score 0..100.

CREATE SCHEMA IF NOT EXISTS reporting;

-- 1) schema definitions referenced by monitoring files (definition: see batch/README.md)
CREATE TABLE IF NOT EXISTS reporting.monitoring_file_schema_definition (
  id          serial PRIMARY KEY,
  name        varchar(255) NOT NULL,
  description text,
  definition  jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- 2) one monitored file of an agency
CREATE TABLE IF NOT EXISTS reporting.monitoring_file (
  id                        serial PRIMARY KEY,
  file_name                 varchar(255) NOT NULL,
  agency_slug               varchar(255) NOT NULL,
  latest_data_quality_score integer,
  schema_definition_id      integer REFERENCES reporting.monitoring_file_schema_definition (id) ON DELETE SET NULL,
  CONSTRAINT monitoring_file_agency_file_key UNIQUE (agency_slug, file_name)
);
CREATE INDEX IF NOT EXISTS monitoring_file_schema_definition_idx ON reporting.monitoring_file (schema_definition_id);

-- 3) one delivery window (date, hour) of a monitored file
CREATE TABLE IF NOT EXISTS reporting.monitoring_file_run (
  id                     bigserial PRIMARY KEY,
  monitoring_file_id     integer NOT NULL REFERENCES reporting.monitoring_file (id) ON DELETE CASCADE,
  agency_id              integer,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  file_last_modified     timestamptz NOT NULL,
  file_range_lower_limit timestamptz,
  file_size              bigint NOT NULL,
  run_date               date NOT NULL,
  run_hour               integer NOT NULL CHECK (run_hour BETWEEN 0 AND 23),
  CONSTRAINT monitoring_file_run_file_date_hour_key UNIQUE (monitoring_file_id, run_date, run_hour)
);

-- 4) the quality of one run (one-to-one)
CREATE TABLE IF NOT EXISTS reporting.monitoring_file_data_quality (
  id                        bigserial PRIMARY KEY,
  monitoring_file_run_id    bigint NOT NULL UNIQUE REFERENCES reporting.monitoring_file_run (id) ON DELETE CASCADE,
  score                     integer NOT NULL CHECK (score BETWEEN 0 AND 100),
  passed                    boolean NOT NULL,
  metrics                   jsonb NOT NULL,
  deductions                jsonb NOT NULL,
  failed_validation_message text,
  failed_validation_rules   jsonb,
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now()
);

-- 5) optional: one row per failed rule of a run (replaced on every re-score of the run)
CREATE TABLE IF NOT EXISTS reporting.monitoring_file_failed_validation (
  id                     bigserial PRIMARY KEY,
  monitoring_file_run_id bigint NOT NULL REFERENCES reporting.monitoring_file_run (id) ON DELETE CASCADE,
  check_name             varchar(64) NOT NULL,
  rule                   varchar(128) NOT NULL,
  column_name            varchar(255),
  failed_count           bigint NOT NULL,
  message                text NOT NULL,
  details                jsonb,
  created_at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS monitoring_file_failed_validation_run_idx ON reporting.monitoring_file_failed_validation (monitoring_file_run_id);

-- 6) optional: the profile of one run (one-to-one)
CREATE TABLE IF NOT EXISTS reporting.monitoring_file_data_profile (
  id                     bigserial PRIMARY KEY,
  monitoring_file_run_id bigint NOT NULL UNIQUE REFERENCES reporting.monitoring_file_run (id) ON DELETE CASCADE,
  profile_payload        jsonb NOT NULL,
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now()
);

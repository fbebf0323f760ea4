import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './database.js';
import { ReportingRepository } from './reporting-repository.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

/**
 * The reporting tables exactly as the shared database defines them (the shared database's column
 * lists): no UNIQUE (agency_slug, file_name) on monitoring_file; (file, date, hour) unique on runs;
 * quality and profile one-to-one with their run. Not our migration: the tables that already exist.
 */
const SHARED_TABLES = `
CREATE SCHEMA reporting;
CREATE TABLE reporting.monitoring_file_schema_definition (
  id serial PRIMARY KEY, name varchar(255), description text, definition jsonb,
  created_at timestamp DEFAULT now(), updated_at timestamp DEFAULT now());
CREATE TABLE reporting.monitoring_file (
  id serial PRIMARY KEY, file_name varchar(255), agency_slug varchar(255), latest_data_quality_score int,
  schema_definition_id int REFERENCES reporting.monitoring_file_schema_definition (id));
CREATE TABLE reporting.monitoring_file_run (
  id serial PRIMARY KEY, monitoring_file_id int REFERENCES reporting.monitoring_file (id), agency_id int,
  created_at timestamp DEFAULT now(), updated_at timestamp DEFAULT now(), file_last_modified timestamp,
  file_range_lower_limit timestamp, file_size bigint, run_date date, run_hour int,
  UNIQUE (monitoring_file_id, run_date, run_hour));
CREATE TABLE reporting.monitoring_file_data_quality (
  id serial PRIMARY KEY, monitoring_file_run_id int UNIQUE REFERENCES reporting.monitoring_file_run (id),
  score int, passed boolean, metrics jsonb, deductions jsonb, failed_validation_message text,
  failed_validation_rules jsonb, created_at timestamp DEFAULT now(), updated_at timestamp DEFAULT now());
`;

let test: TestDatabase;
const workers: Database[] = [];
beforeAll(async () => {
  test = await createTestDatabase();
  await test.db.exec(SHARED_TABLES);
  // Eight service instances: eight connection pools, as eight ECS tasks would have.
  for (let i = 0; i < 8; i++) workers.push(await openDatabase({ url: test.url }));
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.close()));
  await test.drop();
});

describe('file-quality on the reporting tables as the shared database defines them', () => {
  it('auto-creates a monitoring file exactly once when eight instances see it at the same moment', async () => {
    const results = await Promise.all(
      workers.map((db) => new ReportingRepository(db).ensureMonitoringFile('tenant-x', 'fills.csv')),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.file.id)).size).toBe(1);
    const { rows } = await test.db.query(
      `SELECT id FROM reporting.monitoring_file WHERE agency_slug = 'tenant-x' AND file_name = 'fills.csv'`,
    );
    expect(rows).toHaveLength(1);

    const fileId = results[0]!.file.id;
    const runs = await Promise.all(
      workers.map((db) =>
        new ReportingRepository(db).upsertRun({
          monitoringFileId: fileId,
          runDate: '2026-01-05',
          runHour: 8,
          fileLastModified: new Date('2026-01-05T08:10:00Z'),
          fileSize: 42,
          fileRangeLowerLimit: null,
          agencyId: null,
        }),
      ),
    );
    expect(new Set(runs.map((r) => r.id)).size).toBe(1);
    expect(runs.filter((r) => r.created)).toHaveLength(1);
  }, 30_000);
});

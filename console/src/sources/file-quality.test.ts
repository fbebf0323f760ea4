import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileQualityScores, type FileQualitySource } from './file-quality.js';

const ADMIN_URL = process.env.COATTAIL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DDL = fileURLToPath(new URL('../../../ddl/postgres/001_reporting_schema.sql', import.meta.url));
const name = `coattail_console_${randomBytes(6).toString('hex')}`;
const url = Object.assign(new URL(ADMIN_URL), { pathname: `/${name}` }).toString();

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

let db: pg.Client;
let source: FileQualitySource;
beforeAll(async () => {
  await admin(`CREATE DATABASE ${name}`);
  db = new pg.Client({ connectionString: url });
  await db.connect();
  await db.query(await readFile(DDL, 'utf8'));
  source = fileQualityScores(url);
});
afterAll(async () => {
  await source?.close();
  await db?.end();
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

describe('file-quality scores for the operations page', () => {
  it("shows each monitored file's latest score with its newest run's verdict, newest first", async () => {
    await db.query(`
      INSERT INTO reporting.monitoring_file (id, file_name, agency_slug, latest_data_quality_score) VALUES
        (1, 'fills.csv', 'tenant-a', 91), (2, 'quotes.parquet', 'tenant-b', 62), (3, 'new.csv', 'tenant-c', NULL);
      INSERT INTO reporting.monitoring_file_run (id, monitoring_file_id, file_last_modified, file_size, run_date, run_hour, updated_at) VALUES
        (10, 1, now(), 10, '2026-12-06', 23, '2026-12-06T23:05:00Z'),
        (11, 1, now(), 10, '2026-12-07', 9, '2026-12-07T09:05:00Z'),
        (12, 2, now(), 10, '2026-12-07', 8, '2026-12-07T08:05:00Z');
      INSERT INTO reporting.monitoring_file_data_quality (monitoring_file_run_id, score, passed, metrics, deductions) VALUES
        (10, 40, false, '{}', '{}'), (11, 91, true, '{}', '{}'), (12, 62, false, '{}', '{}');
    `);
    expect(await source.read()).toEqual([
      { agency: 'tenant-a', file: 'fills.csv', score: 91, passed: true, runAt: '2026-12-07T09:05:00.000Z' },
      { agency: 'tenant-b', file: 'quotes.parquet', score: 62, passed: false, runAt: '2026-12-07T08:05:00.000Z' },
      { agency: 'tenant-c', file: 'new.csv', score: null, passed: null, runAt: null },
    ]);
  });
});

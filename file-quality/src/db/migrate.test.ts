import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteDatabase, type Database } from './database.js';
import { migrateReporting, splitStatements } from './migrate.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

const TABLES = [
  'monitoring_file',
  'monitoring_file_data_profile',
  'monitoring_file_data_quality',
  'monitoring_file_failed_validation',
  'monitoring_file_run',
  'monitoring_file_schema_definition',
  'schema_migrations',
];

describe('migrateReporting on PostgreSQL', () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(async () => {
    await test.drop();
  });

  it('creates every reporting table once, even when two migrations race, and does nothing the second time', async () => {
    const [a, b] = await Promise.all([migrateReporting(test.db), migrateReporting(test.db)]);
    expect([...a.applied, ...b.applied]).toEqual(['001_reporting_schema.sql']);
    const again = await migrateReporting(test.db);
    expect(again).toEqual({ applied: [], skipped: ['001_reporting_schema.sql'] });
    const { rows } = await test.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'reporting' ORDER BY 1`,
    );
    expect(rows.map((r) => r.table_name)).toEqual(TABLES);
  });

  it('keeps runs unique on (file, date, hour) and quality one-to-one with a run', async () => {
    const file = await test.db.query<{ id: number }>(
      `INSERT INTO reporting.monitoring_file (agency_slug, file_name) VALUES ('a', 'f') RETURNING id`,
    );
    const fileId = file.rows[0]!.id;
    const insertRun = `INSERT INTO reporting.monitoring_file_run (monitoring_file_id, file_last_modified, file_size, run_date, run_hour) VALUES ($1, now(), 1, '2026-01-04', 12) RETURNING id`;
    const run = await test.db.query<{ id: string }>(insertRun, [fileId]);
    await expect(test.db.query(insertRun, [fileId])).rejects.toThrow(/monitoring_file_run_file_date_hour_key/);
    const insertQuality = `INSERT INTO reporting.monitoring_file_data_quality (monitoring_file_run_id, score, passed, metrics, deductions) VALUES ($1, 90, true, '{}', '{}')`;
    await test.db.query(insertQuality, [run.rows[0]!.id]);
    await expect(test.db.query(insertQuality, [run.rows[0]!.id])).rejects.toThrow(/duplicate key/);
    await expect(
      test.db.query(`INSERT INTO reporting.monitoring_file (agency_slug, file_name) VALUES ('a', 'f')`),
    ).rejects.toThrow(/monitoring_file_agency_file_key/);
  });
});

describe('migrateReporting on PGlite (the embedded default)', () => {
  // PGlite boots a WebAssembly PostgreSQL: ~5 s on an idle core, several times that on a loaded CI machine.
  it('applies the same DDL', { timeout: 120_000 }, async () => {
    const db = pgliteDatabase(await PGlite.create());
    try {
      expect((await migrateReporting(db)).applied).toEqual(['001_reporting_schema.sql']);
      expect((await migrateReporting(db)).applied).toEqual([]);
    } finally {
      await db.close();
    }
  });
});

describe('migrateReporting errors', () => {
  it('reports a missing DDL folder as a user error before touching the database', async () => {
    const untouched = { transaction: () => Promise.reject(new Error('must not be called')) } as unknown as Database;
    await expect(migrateReporting(untouched, '/nonexistent-ddl')).rejects.toMatchObject({
      code: 'MIGRATION_FAILED',
      domain: 'user',
    });
  });
});

describe('splitStatements', () => {
  it('splits on semicolons at line ends and drops comments', () => {
    expect(splitStatements('-- hi\nCREATE TABLE a (x int); -- trailing\nCREATE INDEX b ON a (x);\n')).toEqual([
      'CREATE TABLE a (x int)',
      'CREATE INDEX b ON a (x)',
    ]);
  });
});

import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerWorkflow } from '../commands/workflow.js';
import { reportingDataset } from './file-quality-postgres.js';

const ADMIN_URL = process.env.COATTAIL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const dbName = `coattail_wf_fq_${randomBytes(6).toString('hex')}`;
const dbUrl = Object.assign(new URL(ADMIN_URL), { pathname: `/${dbName}` }).toString();

async function admin<T>(fn: (c: pg.Client) => Promise<T>, url = ADMIN_URL): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

beforeAll(() => admin((c) => c.query(`CREATE DATABASE ${dbName}`)));
afterAll(() => admin((c) => c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)));

async function coattail(...args: string[]): Promise<string> {
  const p = new Command('coattail').exitOverride();
  p.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerWorkflow(p);
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await p.parseAsync(['node', 'coattail', 'workflow', ...args]);
    return log.mock.calls.map((c) => String(c[0])).join('\n');
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

const pipeline = (database?: string) => `pipeline: scores
stages:
  - id: score
    type: file-quality
    inputs: [file://landed/]
    outputs: [file://reports/]
    params:
      agency: desk-a
${database === undefined ? '' : `      database: ${database}\n`}      definition:
        columns:
          - { name: event_id, type: string, required: true, unique: true }
          - { name: price, type: number, required: true, min: 0 }
`;

describe('file-quality scoring in a pipeline', () => {
  it('writes the scores to the file-quality tables when PostgreSQL is configured, once per file and hour across re-runs', async () => {
    const root = await mkdtemp(join(tmpdir(), 'wf-fq-'));
    await mkdir(join(root, 'landed'));
    await writeFile(join(root, 'landed', 'good.csv'), 'event_id,price\na,1.5\nb,2.5\n');
    await writeFile(join(root, 'landed', 'bad.csv'), 'event_id,price\nc,-1\nc,3\n');
    await writeFile(join(root, 'p.yaml'), pipeline(dbUrl));
    const exitCode = process.exitCode;
    const saved = process.env.DATABASE_URL;
    try {
      const first = await coattail('run', join(root, 'p.yaml'), '--state-dir', join(root, 'state'));
      expect(first).toMatch(/score +SUCCEEDED/);
      // Where the scores went, without credentials, and the JSON report beside them.
      expect(first).toContain(`output ${reportingDataset(dbUrl)}`);
      expect(first).toMatch(/output file:\/\/reports\/ → .*file-quality-[0-9a-f-]+\.json/);

      // The service's own setting configures it too; a re-score replaces, never duplicates.
      process.env.DATABASE_URL = dbUrl;
      await writeFile(join(root, 'p.yaml'), pipeline());
      expect(await coattail('run', join(root, 'p.yaml'), '--state-dir', join(root, 'state'))).toMatch(
        /score +SUCCEEDED/,
      );
      expect(await readdir(join(root, 'reports'))).toHaveLength(2);

      const rows = await admin(
        async (c) =>
          (
            await c.query<{ file_name: string; score: number; passed: boolean; latest: number; runs: string }>(
              `SELECT f.file_name, q.score, q.passed, f.latest_data_quality_score AS latest,
                      (SELECT count(*) FROM reporting.monitoring_file_run r2 WHERE r2.monitoring_file_id = f.id) AS runs
               FROM reporting.monitoring_file f
               JOIN reporting.monitoring_file_run r ON r.monitoring_file_id = f.id
               JOIN reporting.monitoring_file_data_quality q ON q.monitoring_file_run_id = r.id
               WHERE f.agency_slug = 'desk-a' ORDER BY f.file_name`,
            )
          ).rows,
        dbUrl,
      );
      expect(rows.map((r) => [r.file_name, r.runs])).toEqual([
        ['bad.csv', '1'],
        ['good.csv', '1'],
      ]);
      expect(rows[1]).toMatchObject({ score: 100, passed: true, latest: 100 });
      expect(rows[0]!.score).toBeLessThan(100);
      const failed = await admin(
        async (c) =>
          (await c.query<{ rule: string }>('SELECT rule FROM reporting.monitoring_file_failed_validation')).rows,
        dbUrl,
      );
      expect(failed.length).toBeGreaterThan(0);
    } finally {
      process.exitCode = exitCode;
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  }, 120_000);

  it('refuses a database setting that is not a PostgreSQL URL', async () => {
    const root = await mkdtemp(join(tmpdir(), 'wf-fq-'));
    await mkdir(join(root, 'landed'));
    await writeFile(join(root, 'landed', 'good.csv'), 'event_id,price\na,1.5\n');
    await writeFile(join(root, 'p.yaml'), pipeline('mysql://db/x'));
    const exitCode = process.exitCode;
    try {
      expect(await coattail('run', join(root, 'p.yaml'), '--state-dir', join(root, 'state'))).toMatch(
        /score +FAILED +stage 'score': params.database: a postgres:\/\/ URL$/m,
      );
    } finally {
      process.exitCode = exitCode;
    }
  }, 60_000);
});

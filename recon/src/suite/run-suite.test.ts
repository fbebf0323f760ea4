import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReconConfigFile, parseReconSuite, tableFolder } from '../config/suite-config.js';
import type { ReconResult } from '../result/types.js';
import { writeTable } from '../testing/write-table.js';
import { runReconSuite, SUITE_FILES } from './run-suite.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recon-suite-'));
  // trades: price of id 3 changed; accounts: keyed by code, one target row missing.
  await writeTable(dir, 'trades-s.parquet', `SELECT i AS id, i * 1.5 AS price FROM range(20) r(i)`);
  await writeTable(
    dir,
    'trades-t.parquet',
    `SELECT i AS id, CASE WHEN i = 3 THEN 9.9 ELSE i * 1.5 END AS price FROM range(20) r(i)`,
  );
  await writeTable(dir, 'accounts-s.csv', `SELECT 'A' || i AS code, i AS balance FROM range(10) r(i)`);
  await writeTable(dir, 'accounts-t.csv', `SELECT 'A' || i AS code, i AS balance FROM range(9) r(i)`);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const twoTables = {
  name: 'nightly migration',
  concurrency: 2,
  defaults: { primaryKey: 'id', output: { excel: false }, tolerance: { relative: 0 } },
  tables: [
    { name: 'trades', source: { path: 'trades-s.parquet' }, target: { path: 'trades-t.parquet' } },
    {
      name: 'Accounts (EU)',
      source: { path: 'accounts-s.csv' },
      target: { path: 'accounts-t.csv' },
      primaryKey: 'code',
    },
  ],
  output: { dir: 'suite-out' },
};

describe('a config with several table pairs', () => {
  it('reconciles each table with its own keys and writes one summary across the tables', async () => {
    await writeFile(join(dir, 'tables.json'), JSON.stringify(twoTables));
    const file = await loadReconConfigFile(join(dir, 'tables.json'));
    if (file.kind !== 'suite') throw new Error('expected a multi-table config');
    const suite = await runReconSuite(file.suite);

    expect(suite.reconciled).toBe(false);
    expect(suite.tables.map((t) => [t.name, t.dir, t.status, t.mismatchedRows, t.sourceOnly])).toEqual([
      ['trades', 'trades', 'NOT RECONCILED', 1, 0],
      ['Accounts (EU)', 'accounts-eu', 'NOT RECONCILED', 0, 1],
    ]);
    expect(suite.tables[0]?.failedChecks).toEqual(['aggregates', 'row_hash']);
    const csv = (await readFile(join(dir, 'suite-out', SUITE_FILES.summary), 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[1]).toMatch(/^trades,NOT RECONCILED,95,20,20,1,0,0,/);
    expect(JSON.parse(await readFile(join(dir, 'suite-out', SUITE_FILES.result), 'utf8'))).toEqual(suite);
    // Each table keeps its full reports in its own folder.
    const accounts = JSON.parse(
      await readFile(join(dir, 'suite-out', 'accounts-eu', 'result.json'), 'utf8'),
    ) as ReconResult;
    expect(accounts.primaryKey).toEqual(['code']);
    expect(accounts.artifacts.excel).toBeUndefined();
  });

  it('runs no more tables at once than the concurrency limit', async () => {
    const tables = ['a', 'b', 'c'].map((name) => ({
      name,
      source: { path: 'trades-s.parquet' },
      target: { path: 'trades-t.parquet' },
    }));
    const suite = parseReconSuite({ ...twoTables, concurrency: 1, tables, output: { dir: 'serial' } }, dir);
    const result = await runReconSuite(suite);
    const spans = result.tables.map((t) => [Date.parse(t.startedAt), Date.parse(t.finishedAt)] as const);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
  });

  it('records a table whose input cannot be read and still reconciles the others', async () => {
    const tables = [
      twoTables.tables[0]!,
      { name: 'gone', source: { path: 'nope.parquet' }, target: { path: 'nope.parquet' } },
    ];
    const result = await runReconSuite(parseReconSuite({ ...twoTables, tables, output: { dir: 'broken' } }, dir));
    expect(result.tables.map((t) => t.status)).toEqual(['NOT RECONCILED', 'ERROR']);
    expect(result.tables[1]?.error).toMatch(/source input '.*nope\.parquet' cannot be read/);
  });

  it('lists every invalid table in one error, and refuses two tables sharing a folder', () => {
    const tables = [
      { name: 'a b', source: { path: 'x.csv' } },
      { name: 'A-B', source: { path: 'x.csv' }, target: { path: 'y.csv' }, duplicates: 'some' },
    ];
    expect(() => parseReconSuite({ ...twoTables, tables }, dir)).toThrow(
      /table 'a b':[\s\S]*target[\s\S]*share the folder 'a-b'[\s\S]*table 'A-B':[\s\S]*duplicates/,
    );
  });

  it('names each table folder after its table, never after the summary files beside it', () => {
    expect(['Trades', 'EU accounts (2024)', '..', 'Suite.JSON'].map(tableFolder)).toEqual([
      'trades',
      'eu-accounts-2024',
      'table',
      'suite.json-table',
    ]);
  });

  it('leaves a single-table config as it was', async () => {
    await writeFile(
      join(dir, 'one.yaml'),
      'source: { path: trades-s.parquet }\ntarget: { path: trades-t.parquet }\nprimaryKey: id\n',
    );
    const file = await loadReconConfigFile(join(dir, 'one.yaml'));
    expect(file.kind).toBe('table');
    if (file.kind === 'table') expect(file.config.output.dir).toBe(join(dir, 'recon-output'));
  });
});

import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReconConfig } from '../config/load-config.js';
import type { ReconConfigInput } from '../config/recon-config.js';
import type { ReconResult } from '../result/types.js';
import { reconcile } from './reconcile.js';
import { writeTable } from '../testing/write-table.js';

let dir: string;

const write = (file: string, select: string): Promise<string> => writeTable(dir, file, select);

const aggregates = (r: ReconResult): [string, string, string, number | null][] =>
  r.aggregates.rows.map((a) => [a.column, a.metric, a.status, a.difference]);

const run = (config: Omit<ReconConfigInput, 'output'>) =>
  reconcile(parseReconConfig({ ...config, output: { dir: 'out' } }, dir));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recon-edge-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('reconcile edge cases', () => {
  it('quotes a hostile column name and a hostile path so they cannot inject SQL', async () => {
    const hostile = `x"; DROP TABLE t; --'`;
    await mkdir(join(dir, `it's "evil"; --`), { recursive: true });
    const q = `"${hostile.replaceAll('"', '""')}"`;
    const s = await write(`it's "evil"; --/s.parquet`, `SELECT i AS id, i * 2 AS ${q} FROM range(10) r(i)`);
    const t = await write(
      `it's "evil"; --/t.parquet`,
      `SELECT i AS id, CASE WHEN i = 3 THEN 0 ELSE i * 2 END AS ${q} FROM range(10) r(i)`,
    );
    const result = await run({ source: { path: s }, target: { path: t }, primaryKey: 'id' });
    expect(result.hash.byColumn).toEqual([{ column: hostile, mismatches: 1 }]);
    expect(result.hash.sample).toEqual([{ recordKey: '3', column: hostile, sourceValue: '6', targetValue: '0' }]);
    expect(result.nulls.columns.map((c) => c.column)).toEqual([hostile]);
  });

  it('matches on a composite key through a column mapping', async () => {
    const s = await write('ck-s.parquet', `SELECT i % 3 AS a, i // 3 AS b, 'v' || i AS val FROM range(9) r(i)`);
    const t = await write(
      'ck-t.parquet',
      `SELECT i % 3 AS a, i // 3 AS b, CASE WHEN i = 4 THEN 'changed' ELSE 'v' || i END AS value_renamed FROM range(9) r(i)`,
    );
    const result = await run({
      source: { path: s },
      target: { path: t },
      primaryKey: ['a', 'b'],
      columns: { map: { val: 'value_renamed' } },
    });
    expect(result.schema.status).toBe('PASS');
    expect(result.hash.sample).toEqual([
      { recordKey: '1 | 1', column: 'val', sourceValue: 'v4', targetValue: 'changed' },
    ]);
  });

  it('applies absolute and relative tolerance as abs + rel·|target|, with per-column overrides', async () => {
    const s = await write(
      'tol-s.parquet',
      `SELECT 1 AS id, 100.0::DOUBLE AS a, 100.0::DOUBLE AS b UNION ALL SELECT 2, 1000.0, 1000.0`,
    );
    const t = await write(
      'tol-t.parquet',
      `SELECT 1 AS id, 100.5::DOUBLE AS a, 100.5::DOUBLE AS b UNION ALL SELECT 2, 1001.5, 1001.5`,
    );
    const result = await run({
      source: { path: s },
      target: { path: t },
      primaryKey: 'id',
      tolerance: { absolute: 0.5, relative: 0, columns: { b: { relative: 0.001 } } },
    });
    // a: |0.5| ≤ 0.5 passes, |1.5| > 0.5 fails; b: 1.5 ≤ 0.5 + 0.001·1001.5 passes.
    expect(result.hash.byColumn).toEqual([
      { column: 'a', mismatches: 1 },
      { column: 'b', mismatches: 0 },
    ]);
    expect(result.hash.toleratedRows).toBe(1);
    // Aggregates use the same tolerance. Differences: sum 2, min 0.5, max 1.5, avg 1 on both columns.
    // a (abs 0.5): only min is within. b (abs 0.5 + rel 0.001·|t|): sum 2 > 0.5 + 1.102 fails, the rest pass.
    expect(aggregates(result)).toEqual([
      ['a', 'sum', 'FAIL', 2],
      ['a', 'min', 'PASS', 0.5],
      ['a', 'max', 'FAIL', 1.5],
      ['a', 'avg', 'FAIL', 1],
      ['b', 'sum', 'FAIL', 2],
      ['b', 'min', 'PASS', 0.5],
      ['b', 'max', 'PASS', 1.5],
      ['b', 'avg', 'PASS', 1],
    ]);
    expect(result.aggregates.status).toBe('FAIL');
  });

  it('fails every aggregate that differs at tolerance 0 and passes them all above the difference', async () => {
    const s = await write('agg-s.parquet', `SELECT 1 AS id, 100.0::DOUBLE AS a, 7 AS n UNION ALL SELECT 2, 1000.0, 9`);
    const t = await write('agg-t.parquet', `SELECT 1 AS id, 100.5::DOUBLE AS a, 7 AS n UNION ALL SELECT 2, 1001.5, 9`);
    const inputs = { source: { path: s }, target: { path: t }, primaryKey: 'id' };
    const strict = await run({ ...inputs, tolerance: { absolute: 0 } });
    const expected = (a: string) => [
      ['a', 'sum', a, 2],
      ['a', 'min', a, 0.5],
      ['a', 'max', a, 1.5],
      ['a', 'avg', a, 1],
      ['n', 'sum', 'PASS', 0],
      ['n', 'min', 'PASS', 0],
      ['n', 'max', 'PASS', 0],
      ['n', 'avg', 'PASS', 0],
    ];
    expect(aggregates(strict)).toEqual(expected('FAIL'));
    expect(strict.aggregates.rows.find((r) => r.column === 'a' && r.metric === 'sum')).toMatchObject({
      source: 1100,
      target: 1102,
    });
    const loose = await run({ ...inputs, tolerance: { absolute: 2.01 } });
    expect(aggregates(loose)).toEqual(expected('PASS'));
    expect(loose.aggregates.status).toBe('PASS');
  });

  it('leaves excluded columns out of every value check and marks them in the schema', async () => {
    const s = await write('ex-s.parquet', `SELECT i AS id, i AS kept, now() AS loaded_at FROM range(5) r(i)`);
    const t = await write(
      'ex-t.parquet',
      `SELECT i AS id, i AS kept, now() + INTERVAL 1 DAY AS loaded_at FROM range(5) r(i)`,
    );
    const result = await run({
      source: { path: s },
      target: { path: t },
      primaryKey: 'id',
      columns: { exclude: ['loaded_at'] },
    });
    expect(result.reconciled).toBe(true);
    expect(result.schema.columns.find((c) => c.column === 'loaded_at')?.issue).toBe('excluded');
    expect(result.hash.byColumn.map((c) => c.column)).toEqual(['kept']);
  });

  it('renders timestamps with every fraction digit of their precision, trailing zeros included', async () => {
    const s = await write('ts-s.parquet', `SELECT 1 AS id, TIMESTAMP '2024-01-01 00:00:01.12' AS at`);
    const t = await write('ts-t.parquet', `SELECT 1 AS id, TIMESTAMP '2024-01-01 00:00:02.5' AS at`);
    const micro = await run({ source: { path: s }, target: { path: t }, primaryKey: 'id' });
    expect(micro.hash.sample).toEqual([
      {
        recordKey: '1',
        column: 'at',
        sourceValue: '2024-01-01 00:00:01.120000',
        targetValue: '2024-01-01 00:00:02.500000',
      },
    ]);
    const milli = await run({
      source: { path: s },
      target: { path: t },
      primaryKey: 'id',
      normalize: { timestampPrecision: 'milliseconds' },
    });
    expect(milli.hash.sample.map((c) => [c.sourceValue, c.targetValue])).toEqual([
      ['2024-01-01 00:00:01.120', '2024-01-01 00:00:02.500'],
    ]);
  });
});

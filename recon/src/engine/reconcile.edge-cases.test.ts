import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReconConfig } from '../config/load-config.js';
import type { ReconConfigInput } from '../config/recon-config.js';
import { ReconError, ReconInputError } from '../errors.js';
import type { ReconResult } from '../result/types.js';
import { reconcile } from './reconcile.js';
import { writeTable } from '../testing/write-table.js';

let dir: string;

const write = (file: string, select: string): Promise<string> => writeTable(dir, file, select);

const aggregates = (r: ReconResult): [string, string, string, number | null][] =>
  r.aggregates.rows.map((a) => [a.column, a.metric, a.status, a.difference]);

const run = (config: Omit<ReconConfigInput, 'output'>) => reconcile(parseReconConfig({ ...config, output: { dir: 'out' } }, dir));

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
    const t = await write(`it's "evil"; --/t.parquet`, `SELECT i AS id, CASE WHEN i = 3 THEN 0 ELSE i * 2 END AS ${q} FROM range(10) r(i)`);
    const result = await run({ source: { path: s }, target: { path: t }, primaryKey: 'id' });
    expect(result.hash.byColumn).toEqual([{ column: hostile, mismatches: 1 }]);
    expect(result.hash.sample).toEqual([{ recordKey: '3', column: hostile, sourceValue: '6', targetValue: '0' }]);
    expect(result.nulls.columns.map((c) => c.column)).toEqual([hostile]);
  });

  it('matches on a composite key through a column mapping', async () => {
    const s = await write('ck-s.parquet', `SELECT i % 3 AS a, i // 3 AS b, 'v' || i AS val FROM range(9) r(i)`);
    const t = await write('ck-t.parquet', `SELECT i % 3 AS a, i // 3 AS b, CASE WHEN i = 4 THEN 'changed' ELSE 'v' || i END AS value_renamed FROM range(9) r(i)`);
    const result = await run({ source: { path: s }, target: { path: t }, primaryKey: ['a', 'b'], columns: { map: { val: 'value_renamed' } } });
    expect(result.schema.status).toBe('PASS');
    expect(result.hash.sample).toEqual([{ recordKey: '1 | 1', column: 'val', sourceValue: 'v4', targetValue: 'changed' }]);
  });

  it('applies absolute and relative tolerance as abs + rel·|target|, with per-column overrides', async () => {
    const s = await write('tol-s.parquet', `SELECT 1 AS id, 100.0::DOUBLE AS a, 100.0::DOUBLE AS b UNION ALL SELECT 2, 1000.0, 1000.0`);
    const t = await write('tol-t.parquet', `SELECT 1 AS id, 100.5::DOUBLE AS a, 100.5::DOUBLE AS b UNION ALL SELECT 2, 1001.5, 1001.5`);
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
    expect(strict.aggregates.rows.find((r) => r.column === 'a' && r.metric === 'sum')).toMatchObject({ source: 1100, target: 1102 });
    const loose = await run({ ...inputs, tolerance: { absolute: 2.01 } });
    expect(aggregates(loose)).toEqual(expected('PASS'));
    expect(loose.aggregates.status).toBe('PASS');
  });

  it('leaves excluded columns out of every value check and marks them in the schema', async () => {
    const s = await write('ex-s.parquet', `SELECT i AS id, i AS kept, now() AS loaded_at FROM range(5) r(i)`);
    const t = await write('ex-t.parquet', `SELECT i AS id, i AS kept, now() + INTERVAL 1 DAY AS loaded_at FROM range(5) r(i)`);
    const result = await run({ source: { path: s }, target: { path: t }, primaryKey: 'id', columns: { exclude: ['loaded_at'] } });
    expect(result.reconciled).toBe(true);
    expect(result.schema.columns.find((c) => c.column === 'loaded_at')?.issue).toBe('excluded');
    expect(result.hash.byColumn.map((c) => c.column)).toEqual(['kept']);
  });

  it('reads a folder of Parquet files on one side and a glob of CSV files on the other', async () => {
    await mkdir(join(dir, 'parts'), { recursive: true });
    await write('parts/a.parquet', `SELECT i AS id, i * 10 AS v FROM range(0, 50) r(i)`);
    await write('parts/b.parquet', `SELECT i AS id, i * 10 AS v FROM range(50, 100) r(i)`);
    await write('csv-1.csv', `SELECT i AS id, i * 10 AS v FROM range(0, 60) r(i)`);
    await write('csv-2.csv', `SELECT i AS id, i * 10 AS v FROM range(60, 100) r(i)`);
    const result = await run({ source: { path: 'parts' }, target: { path: 'csv-*.csv', format: 'csv' }, primaryKey: 'id' });
    expect(result.rowCount).toMatchObject({ source: 100, target: 100 });
    expect(result.reconciled).toBe(true);
  });

  it('reports a key column missing on one side and still runs the other layers', async () => {
    const s = await write('nokey-s.parquet', `SELECT i AS id, i AS v FROM range(5) r(i)`);
    const t = await write('nokey-t.parquet', `SELECT i AS other_id, i AS v FROM range(5) r(i)`);
    const result = await run({ source: { path: s }, target: { path: t }, primaryKey: 'id' });
    expect(result.keys.status).toBe('ERROR');
    expect(result.hash.status).toBe('ERROR');
    expect(result.messages.join()).toContain('key column(s) missing');
    expect(result.rowCount.status).toBe('PASS');
    expect(result.aggregates.status).toBe('PASS');
    expect(result.reconciled).toBe(false);
  });

  it('reports an empty source instead of failing', async () => {
    const s = await write('empty-s.csv', `SELECT 1 AS id, 'a' AS v WHERE false`);
    const t = await write('empty-t.csv', `SELECT 1 AS id, 'a' AS v`);
    const result = await run({ source: { path: s }, target: { path: t }, primaryKey: 'id' });
    expect(result.messages).toContain('source input has no rows');
    expect(result.keys.targetOnly).toBe(1);
    expect(result.reconciled).toBe(false);
  });

  it('reconciles identical CSV inputs, including a filter on each side', async () => {
    const s = await write('same-s.csv', `SELECT i AS id, i * 1.5 AS v, 'x' || i AS s FROM range(100) r(i)`);
    const t = await write('same-t.csv', `SELECT i AS id, i * 1.5 AS v, 'x' || i AS s FROM range(120) r(i)`);
    const result = await run({ source: { path: s }, target: { path: t, filter: 'id < 100' }, primaryKey: 'id' });
    expect(result.reconciled).toBe(true);
    expect(result.matchRate).toBe(100);
    expect(result.summary.every((r) => r.status === 'PASS')).toBe(true);
  });

  it('throws a ReconInputError naming an unreadable input', async () => {
    await expect(run({ source: { path: 'nope.parquet' }, target: { path: 'nope.parquet' }, primaryKey: 'id' })).rejects.toBeInstanceOf(ReconInputError);
  });

  it('rejects a filter that smuggles a second statement', async () => {
    const s = await write('f-s.parquet', `SELECT 1 AS id`);
    const error = await run({ source: { path: s, filter: 'true; DROP TABLE x' }, target: { path: s }, primaryKey: 'id' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReconError);
    expect((error as ReconError).code).toBe('FILTER_INVALID');
  });
});

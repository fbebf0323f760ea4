import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReconConfig } from '../config/load-config.js';
import type { ReconConfigInput } from '../config/recon-config.js';
import { ReconError, ReconInputError } from '../errors.js';
import { reconcile } from './reconcile.js';
import { writeTable } from '../testing/write-table.js';

let dir: string;

const write = (file: string, select: string): Promise<string> => writeTable(dir, file, select);

const run = (config: Omit<ReconConfigInput, 'output'>) =>
  reconcile(parseReconConfig({ ...config, output: { dir: 'out' } }, dir));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recon-edge-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('reconcile inputs', () => {
  it('reads a folder of Parquet files on one side and a glob of CSV files on the other', async () => {
    await mkdir(join(dir, 'parts'), { recursive: true });
    await write('parts/a.parquet', `SELECT i AS id, i * 10 AS v FROM range(0, 50) r(i)`);
    await write('parts/b.parquet', `SELECT i AS id, i * 10 AS v FROM range(50, 100) r(i)`);
    await write('csv-1.csv', `SELECT i AS id, i * 10 AS v FROM range(0, 60) r(i)`);
    await write('csv-2.csv', `SELECT i AS id, i * 10 AS v FROM range(60, 100) r(i)`);
    const result = await run({
      source: { path: 'parts' },
      target: { path: 'csv-*.csv', format: 'csv' },
      primaryKey: 'id',
    });
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
    await expect(
      run({ source: { path: 'nope.parquet' }, target: { path: 'nope.parquet' }, primaryKey: 'id' }),
    ).rejects.toBeInstanceOf(ReconInputError);
  });

  it('rejects a filter that smuggles a second statement', async () => {
    const s = await write('f-s.parquet', `SELECT 1 AS id`);
    const error = await run({
      source: { path: s, filter: 'true; DROP TABLE x' },
      target: { path: s },
      primaryKey: 'id',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReconError);
    expect((error as ReconError).code).toBe('FILTER_INVALID');
  });
});

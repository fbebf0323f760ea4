import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReconConfig } from '../config/load-config.js';
import type { ReconConfig } from '../config/recon-config.js';
import { writeTable } from '../testing/write-table.js';
import { reconcile } from './reconcile.js';

/**
 * Source: ids 1–10 with v = 10·id, id 7 written twice (an exact copy).
 * Target, in file order: every id once (id 2 wrong, id 4 wrong, id 6 wrong), then replays:
 * id 3 twice more (exact copies), id 4 once more (an exact copy of the wrong row), id 5 once
 * more with another value (conflicting: its first row is right) and id 6 once more with the
 * right value (conflicting: its first row is wrong).
 */
const TARGET_ROWS: [number, number][] = [
  [1, 10],
  [2, 0],
  [3, 30],
  [4, 0],
  [5, 50],
  [6, 1],
  [7, 70],
  [8, 80],
  [9, 90],
  [10, 100],
  [3, 30],
  [4, 0],
  [5, 999],
  [3, 30],
  [6, 60],
];

let dir: string;
const values = (rows: [number, number][]): string =>
  rows.map(([id, v], seq) => `(${seq}, ${id}::BIGINT, ${v}::BIGINT, 'x')`).join(', ');
const select = (rows: [number, number][]): string =>
  `SELECT id, v, s FROM (VALUES ${values(rows)}) r(seq, id, v, s) ORDER BY seq`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recon-duplicates-'));
  const source: [number, number][] = Array.from({ length: 10 }, (_, i) => [i + 1, 10 * (i + 1)]);
  await writeTable(dir, 'source.parquet', select([...source, [7, 70]]));
  await writeTable(dir, 'target.parquet', select(TARGET_ROWS));
  await writeTable(dir, 'target.csv', select(TARGET_ROWS));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (target: string, duplicates?: ReconConfig['duplicates']) =>
  reconcile(
    parseReconConfig(
      {
        source: { path: 'source.parquet' },
        target: { path: target },
        primaryKey: 'id',
        ...(duplicates === undefined ? {} : { duplicates }),
        output: { dir: 'out' },
      },
      dir,
    ),
  );

describe('duplicate keys', () => {
  it('counts extra rows and tells exact copies from conflicting replays on each side', async () => {
    const { keys } = await run('target.parquet');
    expect(keys).toMatchObject({
      duplicatePolicy: 'first',
      duplicateKeysSource: 1,
      duplicateRowsSource: 1,
      exactDuplicateKeysSource: 1,
      conflictingDuplicateKeysSource: 0,
      duplicateKeysTarget: 4,
      duplicateRowsTarget: 5,
      exactDuplicateKeysTarget: 2,
      conflictingDuplicateKeysTarget: 2,
      pairedKeys: 5,
      pairedWithDuplicates: 5,
    });
  });

  it.each(['target.parquet', 'target.csv'])(
    'first (the default) compares the first occurrence in file order (%s)',
    async (target) => {
      const { hash, keys, summary } = await run(target);
      expect(keys.duplicatePairsCompared).toBe(5);
      // ids 2, 4 (both copies wrong) and 6 (first row wrong); id 5's first row is right.
      expect(hash).toMatchObject({ pairedRows: 10, mismatchedRows: 3, matchedRows: 7 });
      expect(hash.sample.map((c) => `${c.recordKey}: ${c.sourceValue} vs ${c.targetValue}`)).toEqual([
        '2: 20 vs 0',
        '4: 40 vs 0',
        '6: 60 vs 1',
      ]);
      expect(hash.byColumn).toEqual([
        { column: 'v', mismatches: 3 },
        { column: 's', mismatches: 0 },
      ]);
      expect(summary.find((s) => s.check === 'duplicate_keys')?.detail).toBe(
        'duplicates in source: 1 keys, 1 extra rows (1 exact copies, 0 conflicting); ' +
          'in target: 4 keys, 5 extra rows (2 exact copies, 2 conflicting); first occurrence compared',
      );
    },
  );

  it('exclude leaves every row of a duplicated key out of the value comparison', async () => {
    const result = await run('target.parquet', 'exclude');
    expect(result.keys.duplicatePairsCompared).toBe(0);
    expect(result.hash).toMatchObject({ pairedRows: 5, mismatchedRows: 1, matchedRows: 4 });
    expect(result.matchRate).toBe((100 * 4) / 10);
  });

  it('all compares every source row with every target row of a key', async () => {
    const result = await run('target.parquet', 'all');
    // Pairs: 5 one-to-one + id 3 (3) + id 4 (2) + id 5 (2) + id 6 (2) + id 7 (2 source rows).
    expect(result.keys.duplicatePairsCompared).toBe(11);
    // Differing pairs: id 2, both of id 4, id 5's replay, id 6's first row.
    expect(result.hash).toMatchObject({ pairedRows: 16, mismatchedRows: 5, matchedRows: 11 });
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseReconConfig } from '../config/load-config.js';
import { writeTable } from '../testing/write-table.js';
import { reconcile } from './reconcile.js';

/**
 * Composite key (id, part). Both sides hold the same rows whose key has a NULL part: two source
 * rows (NULL, 'n') that disagree and one target row (NULL, 'n'), and (4, NULL) once a side. SQL
 * equality never matches NULL, so each side's NULL-keyed rows are orphans of their own.
 */
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recon-null-keys-'));
  const rows = (values: string): string =>
    `SELECT id::BIGINT AS id, part, v::BIGINT AS v FROM (VALUES ${values}) r(id, part, v)`;
  await writeTable(
    dir,
    'source.parquet',
    rows(`(1, 'a', 10), (NULL, 'n', 1), (NULL, 'n', 2), (4, NULL, 4), (5, 'e', 50)`),
  );
  await writeTable(dir, 'target.parquet', rows(`(1, 'a', 10), (NULL, 'n', 1), (4, NULL, 4), (5, 'e', 51)`));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('reconcile with NULL key parts', () => {
  it('never pairs NULL-keyed rows across sides and counts their duplicates per side', async () => {
    const config = parseReconConfig(
      { source: { path: 'source.parquet' }, target: { path: 'target.parquet' }, primaryKey: ['id', 'part'] },
      dir,
    );
    const result = await reconcile(config);
    // Source: (NULL, n) twice and (4, NULL); target: (NULL, n) and (4, NULL).
    expect(result.keys).toMatchObject({
      sourceOnly: 2,
      targetOnly: 2,
      duplicateKeysSource: 1,
      duplicateRowsSource: 1,
      conflictingDuplicateKeysSource: 1,
      duplicateKeysTarget: 0,
      pairedKeys: 2,
    });
    expect(result.hash).toMatchObject({ pairedRows: 2, mismatchedRows: 1, matchedRows: 1 });
    expect(result.hash.sample).toEqual([{ recordKey: '5 | e', column: 'v', sourceValue: '50', targetValue: '51' }]);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { IcebergCatalog, LocalPointerStore } from '@coattail/iceberg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPeopleTable, reconRun, warehouseEnv, warehouseStore } from './warehouse.test-support.js';

describe('coattail recon run on an Iceberg table in an S3 warehouse (s3rver)', () => {
  let stack: LocalStack;
  let dir: string;
  beforeAll(async () => {
    [stack, dir] = await Promise.all([
      startLocalStack({ streams: [], tables: [] }),
      mkdtemp(join(tmpdir(), 'recon-s3-')),
    ]);
  });
  afterAll(async () => {
    await Promise.all([stack.stop(), rm(dir, { recursive: true, force: true })]);
  });

  it('reads the table through the S3 store and counts the induced differences', async () => {
    const catalog = new IcebergCatalog({
      pointers: new LocalPointerStore(join(dir, 'state', 'catalog')),
      store: warehouseStore(stack),
      cacheDir: join(dir, 'cache'),
    });
    await createPeopleTable(catalog, 50);
    // Target: id 7 missing, id 60 extra, name of id 3 changed.
    const lines = Array.from({ length: 50 }, (_, i) => i)
      .filter((i) => i !== 7)
      .map((i) => `${i},${i === 3 ? 'changed' : `p${i}`}`);
    await writeFile(join(dir, 'target.csv'), ['id,name', ...lines, '60,p60', ''].join('\n'));
    const config = {
      source: { path: 'state', format: 'iceberg', table: 'coattail.people', warehouse: 's3://coattail-warehouse' },
      target: { path: 'target.csv' },
      primaryKey: 'id',
      output: { dir: 'out', excel: false },
    };
    const { exit, result } = await reconRun<{
      rowCount: { source: number; target: number };
      keys: { sourceOnly: number; targetOnly: number };
      hash: { byColumn: { column: string; mismatches: number }[] };
    }>(dir, config, warehouseEnv(stack));
    expect(exit).toBe(2);
    expect(result.rowCount).toMatchObject({ source: 50, target: 50 });
    expect(result.keys).toMatchObject({ sourceOnly: 1, targetOnly: 1 });
    expect(result.hash.byColumn).toEqual([{ column: 'name', mismatches: 1 }]);
  }, 60_000);
});

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalObjectStore } from '@coattail/connectors';
import { compactTable, defineSchema, IcebergCatalog, LocalPointerStore } from '@coattail/iceberg';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { platformObserver } from '../src/datasets/observer.js';
import { detectStageChanges, commitStageChanges } from '../src/incremental/tracker.js';
import { FileRunStore } from '../src/run-store/file-run-store.js';
import { tempDir } from './helpers.js';

describe('the platform input observer', () => {
  it('reads only appended Iceberg files and treats a compaction of a real table as no new data', async () => {
    const dir = await tempDir('wf-ice-');
    const catalog = new IcebergCatalog({
      pointers: new LocalPointerStore(join(dir, 'catalog')),
      store: new LocalObjectStore(join(dir, 'wh')),
    });
    const table = await catalog.createTable('coattail.raw_trades', {
      schema: defineSchema([{ name: 'id', type: 'long', required: true }]),
    });
    await table.append([{ id: 1n }]);
    const observer = platformObserver({ baseDir: dir, catalog });
    const store = new FileRunStore(join(dir, 'runs'));
    const detect = () =>
      detectStageChanges({
        pipeline: 'p',
        stageId: 's',
        inputs: ['iceberg://coattail.raw_trades'],
        spec: { mode: 'iceberg-snapshots' },
        observer,
        store,
      });
    const first = await detect();
    expect(first[0]).toMatchObject({ hasWork: true, full: true });
    await commitStageChanges(store, 'p', 's', first);

    await table.append([{ id: 2n }]);
    await table.append([{ id: 3n }]);
    const appended = await detect();
    expect(appended[0]).toMatchObject({ hasWork: true, full: false });
    expect(appended[0]?.added).toHaveLength(2);
    await commitStageChanges(store, 'p', 's', appended);

    await compactTable(table, { targetFileSizeBytes: 1024 * 1024 });
    expect(table.currentSnapshot()?.summary.operation).toBe('replace');
    const compacted = await detect();
    expect(compacted[0]).toMatchObject({ hasWork: false, added: [], skipped: 1 });
    expect(compacted[0]?.describe).toContain('compaction');
  });

  it('finds the high-water mark of Parquet files and fingerprints content', async () => {
    const dir = await tempDir('wf-obs-');
    await mkdir(join(dir, 'data'));
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    await c.run(`COPY (SELECT * FROM range(5) t(id)) TO '${join(dir, 'data', 'a.parquet')}' (FORMAT parquet)`);
    await c.run(
      `COPY (SELECT 'x' || range AS name FROM range(3)) TO '${join(dir, 'data', 'b.parquet')}' (FORMAT parquet)`,
    );
    c.closeSync();
    db.closeSync();
    const observer = platformObserver({ baseDir: dir });
    expect(await observer.maxValue('file://data/a.parquet', 'id')).toBe(4);
    expect(await observer.maxValue('file://data/b.parquet', 'name')).toBe('x2');
    const h1 = await observer.contentHash('file://data/');
    await writeFile(join(dir, 'data', 'c.txt'), 'more');
    expect(await observer.contentHash('file://data/')).not.toBe(h1);
    expect(await observer.contentHash('file://data/c.txt')).toMatch(/^[0-9a-f]{64}$/);
    expect(await observer.contentHash('file://nothing-here')).toBe('missing');
    expect(await observer.listObjects('file://nothing-here/', {})).toEqual([]);
  });

  it('says what is missing when it cannot look at an input', async () => {
    const observer = platformObserver({ baseDir: '.' });
    await expect(observer.listObjects('s3://bucket/in/', {})).rejects.toThrow(
      'cannot look at s3://bucket/in/: no S3 client configured',
    );
    await expect(observer.icebergSnapshots('iceberg://a.b')).rejects.toThrow('no Iceberg catalog configured');
  });
});

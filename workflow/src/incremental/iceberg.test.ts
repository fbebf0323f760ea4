import { describe, expect, it } from 'vitest';
import { detectIcebergChanges, type IcebergObservation, type SnapshotInfo } from './iceberg.js';

const IN = 'iceberg://coattail.raw_trades';

function table(
  snapshots: SnapshotInfo[],
  files: Record<string, string[]> = {},
): IcebergObservation & { asked: string[][] } {
  const asked: string[][] = [];
  return {
    currentSnapshotId: snapshots[snapshots.length - 1]?.id,
    snapshots,
    asked,
    filesAddedBy: (ids) => {
      asked.push([...ids]);
      return Promise.resolve(ids.flatMap((id) => files[id] ?? []));
    },
  };
}

const s1: SnapshotInfo = { id: '1', operation: 'append' };
const s2: SnapshotInfo = { id: '2', parentId: '1', operation: 'append' };
const s3: SnapshotInfo = { id: '3', parentId: '2', operation: 'replace' };
const s4: SnapshotInfo = { id: '4', parentId: '3', operation: 'append' };

describe('Iceberg snapshot change detection', () => {
  it('has nothing to read in a table without snapshots, and remembers nothing', async () => {
    const c = await detectIcebergChanges(IN, table([]), undefined);
    expect(c).toMatchObject({ hasWork: false, next: undefined, describe: `${IN}: empty table, nothing to read` });
  });

  it('reads the whole table on the first run', async () => {
    const c = await detectIcebergChanges(IN, table([s1, s2]), undefined);
    expect(c).toMatchObject({ hasWork: true, full: true, next: { mode: 'iceberg-snapshots', snapshotId: '2' } });
    expect(c.describe).toContain('(first run)');
  });

  it('skips a table whose current snapshot was already processed', async () => {
    const c = await detectIcebergChanges(IN, table([s1, s2]), { mode: 'iceberg-snapshots', snapshotId: '2' });
    expect(c).toMatchObject({ hasWork: false, full: false });
  });

  it('reads only the files appended since the last processed snapshot', async () => {
    const t = table([s1, s2, s3, s4], { '2': ['f2.parquet'], '4': ['f4.parquet'] });
    const c = await detectIcebergChanges(IN, t, { mode: 'iceberg-snapshots', snapshotId: '1' });
    expect(c).toMatchObject({ hasWork: true, full: false, added: ['f4.parquet', 'f2.parquet'], skipped: 1 });
    expect(c.describe).toContain(
      '2 file(s) appended in 2 snapshot(s) since 1, 1 compaction snapshot(s) skipped (no new data)',
    );
  });

  it('reads the files of appends alone without mentioning compactions', async () => {
    const c = await detectIcebergChanges(IN, table([s1, s2], { '2': ['f2.parquet'] }), {
      mode: 'iceberg-snapshots',
      snapshotId: '1',
    });
    expect(c.describe).toBe(`${IN}: 1 file(s) appended in 1 snapshot(s) since 1`);
  });

  it('reads in full when the history ends before the last processed snapshot', async () => {
    const c = await detectIcebergChanges(IN, table([s1, s2]), { mode: 'iceberg-snapshots', snapshotId: '9' });
    expect(c).toMatchObject({ hasWork: true, full: true });
  });

  it('treats a compaction as no new data', async () => {
    const t = table([s1, s2, s3]);
    const c = await detectIcebergChanges(IN, t, { mode: 'iceberg-snapshots', snapshotId: '2' });
    expect(c).toMatchObject({ hasWork: false, added: [], next: { snapshotId: '3' } });
    expect(t.asked).toEqual([]);
  });

  it('reads in full after an overwrite or delete changed existing rows', async () => {
    const t = table([s1, s2, { id: '5', parentId: '2', operation: 'overwrite' }]);
    const c = await detectIcebergChanges(IN, t, { mode: 'iceberg-snapshots', snapshotId: '1' });
    expect(c).toMatchObject({ hasWork: true, full: true });
    expect(c.describe).toContain('snapshot 5 is an overwrite that changed existing rows');
  });

  it('reads in full when the last processed snapshot expired out of the history', async () => {
    const c = await detectIcebergChanges(IN, table([s2, s3, s4]), { mode: 'iceberg-snapshots', snapshotId: '0' });
    expect(c).toMatchObject({ hasWork: true, full: true });
    expect(c.describe).toContain('snapshot 0 is no longer in the table');
  });
});

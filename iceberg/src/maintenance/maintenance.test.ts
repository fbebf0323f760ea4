import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '@coattail/connectors';
import { IcebergCatalog } from '../catalog/catalog.js';
import { LocalPointerStore } from '../catalog/local-pointer-store.js';
import { ValidationError } from '../errors.js';
import { tempCatalog, tradeSchema, trades, tradeSpec } from '../../test/temp-catalog.js';
import { readManifestList } from '../manifest/manifest-list.js';
import { compactTable } from './compaction.js';
import { expireSnapshots, removeOrphanFiles } from './snapshot-expiry.js';

let env: Awaited<ReturnType<typeof tempCatalog>>;
beforeEach(async () => {
  env = await tempCatalog();
});
afterEach(async () => env.cleanup());

const ids = (rows: Record<string, unknown>[]): bigint[] =>
  rows.map((r) => r.trade_id as bigint).sort((a, b) => Number(a - b));

describe('compaction', () => {
  it('rewrites many small files per partition into one and keeps every row', async () => {
    const table = await env.catalog.createTable('market.trades', { schema: tradeSchema, spec: tradeSpec });
    for (let i = 0; i < 5; i++) await table.append(trades(45, 3, i * 45));
    expect(await table.scan().planFiles()).toHaveLength(45);
    const before = ids(await table.scan().toRows());

    const result = await compactTable(table, { targetFileSizeBytes: 1024 * 1024 });
    expect(result).toMatchObject({ rewrittenFiles: 45, addedFiles: 9, rewrittenRecords: 225, partitions: 9 });
    expect(await table.scan().planFiles()).toHaveLength(9);
    expect(ids(await table.scan().toRows())).toEqual(before);
    expect(table.currentSnapshot()!.summary).toMatchObject({
      operation: 'replace',
      'deleted-data-files': '45',
      'added-data-files': '9',
      'total-records': '225',
      'total-data-files': '9',
    });
    const snap = table.currentSnapshot()!;
    const listed = await readManifestList(await env.catalog.io.read(snap['manifest-list']!));
    expect(listed.map((m) => [m.addedFilesCount, m.deletedFilesCount, m.sequenceNumber])).toEqual([
      [9, 0, snap['sequence-number']],
      ...Array.from({ length: 5 }, () => [0, 9, snap['sequence-number']]),
    ]);
    // the pre-compaction snapshot still reads the small files
    const previous = table.snapshots().at(-2)!;
    expect(await table.scan({ snapshotId: previous['snapshot-id'] }).planFiles()).toHaveLength(45);
  });

  it('keeps rows appended by another writer while it ran', async () => {
    const table = await env.catalog.createTable('market.trades', { schema: tradeSchema, spec: tradeSpec });
    for (let i = 0; i < 3; i++) await table.append(trades(9, 3, i * 9));
    const other = await new IcebergCatalog({
      pointers: new LocalPointerStore(join(env.root, 'catalog')),
      store: new LocalObjectStore(join(env.root, 'objects')),
    }).loadTable('market.trades');
    const commit = table.ops.commit.bind(table.ops);
    let raced = false;
    table.ops.commit = async (base, metadata) => {
      if (!raced) {
        raced = true;
        await other.append(trades(9, 3, 1000)); // lands between compaction planning and its commit
      }
      return commit(base, metadata);
    };
    await compactTable(table, { targetFileSizeBytes: 1024 * 1024 });
    const rows = await (await env.catalog.loadTable('market.trades')).scan().toRows();
    expect(rows).toHaveLength(36);
  });

  it('fails validation instead of resurrecting files another commit already removed', async () => {
    const table = await env.catalog.createTable('market.trades', { schema: tradeSchema });
    await table.append(trades(5));
    await table.append(trades(5, 3, 5));
    const files = (await table.scan().planFiles()).map((t) => t.file);
    const replacement = await table.writeDataFiles(trades(10));
    await table.rewriteFiles(files, replacement);
    await expect(table.rewriteFiles(files, replacement)).rejects.toThrow(ValidationError);
  });
});

describe('snapshot expiry and orphan removal', () => {
  it('expires old snapshots and deletes only the files nothing else references', async () => {
    const table = await env.catalog.createTable('market.trades', { schema: tradeSchema, spec: tradeSpec });
    for (let i = 0; i < 3; i++) await table.append(trades(9, 3, i * 9));
    await compactTable(table, { targetFileSizeBytes: 1024 * 1024 });
    const { expired, deletedFiles } = await expireSnapshots(table, { olderThanMs: Date.now() + 1, retainLast: 1 });
    expect(expired).toHaveLength(3);
    expect(deletedFiles).toBeGreaterThan(27); // 27 small data files + manifests + manifest lists
    expect(table.snapshots()).toHaveLength(1);
    expect(await (await env.catalog.loadTable('market.trades')).scan().toRows()).toHaveLength(27);
  });

  it('keeps the newest snapshot of each streaming writer so exactly-once state survives expiry', async () => {
    const table = await env.catalog.createTable('market.trades', { schema: tradeSchema, spec: tradeSpec });
    const job = { jobId: 'whale-alerts', operatorId: 'sink' };
    await table.append(trades(9, 3, 0), { checkpoint: { ...job, checkpointId: 1 } });
    await table.append(trades(9, 3, 9), { checkpoint: { ...job, checkpointId: 2 } });
    await table.append(trades(9, 3, 18)); // another writer
    await compactTable(table, { targetFileSizeBytes: 1024 * 1024 });
    const { expired } = await expireSnapshots(table, { olderThanMs: Date.now() + 1, retainLast: 1 });
    expect(expired).toHaveLength(2);
    expect(table.snapshots().map((s) => s.summary['coattail.max-committed-checkpoint-id'] ?? '-')).toEqual(['2', '-']);
    expect(await table.maxCommittedCheckpointId(job.jobId, job.operatorId)).toBe(2);
    expect(await table.scan().toRows()).toHaveLength(27);
  });

  it('removes files left by a crashed writer once they are old enough, never fresh ones', async () => {
    const table = await env.catalog.createTable('market.trades', { schema: tradeSchema });
    await table.append(trades(5));
    const orphans = await table.writeDataFiles(trades(5, 3, 5));
    expect(await removeOrphanFiles(table)).toEqual([]); // too fresh: could be an in-flight write
    const removed = await removeOrphanFiles(table, { olderThanMs: Date.now() + 1000 });
    expect(removed).toEqual(orphans.map((f) => f.filePath));
    expect(await table.scan().toRows()).toHaveLength(5);
  });
});

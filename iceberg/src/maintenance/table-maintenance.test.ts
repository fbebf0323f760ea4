import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore, S3ObjectStore, type ObjectStore } from '@coattail/connectors';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { tradeSchema, trades } from '../../test/temp-catalog.js';
import { IcebergCatalog } from '../catalog/catalog.js';
import { LocalPointerStore } from '../catalog/local-pointer-store.js';
import { maintainTable, type MaintenanceProgress } from './table-maintenance.js';

const DAY = 86_400_000;
let n = 0;
let stack: LocalStack;
let root: string;
beforeAll(async () => {
  [stack, root] = await Promise.all([
    startLocalStack({ streams: [], tables: [], buckets: ['lake'] }),
    mkdtemp(join(tmpdir(), 'maintain-')),
  ]);
});
afterAll(async () => {
  await Promise.all([stack.stop(), rm(root, { recursive: true, force: true })]);
});

const stores: [string, (n: number) => ObjectStore][] = [
  ['a local folder', (n) => new LocalObjectStore(join(root, `objects-${n}`))],
  ['S3 (s3rver)', (n) => new S3ObjectStore({ client: stack.clients.s3, bucket: 'lake', prefix: `maintain-${n}` })],
];

describe.each(stores)('maintainTable on %s with the local catalog', (_name, makeStore) => {
  async function setUp() {
    const store = makeStore(++n);
    const catalog = new IcebergCatalog({
      pointers: new LocalPointerStore(join(root, `catalog-${n}`)),
      store,
      cacheDir: join(root, 'cache'),
    });
    const table = await catalog.createTable('market.trades', { schema: tradeSchema });
    for (let i = 0; i < 4; i++) await table.append(trades(10, 3, i * 10));
    // A writer killed between writing Parquet and committing leaves this file behind.
    const [orphan] = await table.writeDataFiles(trades(5, 3, 1000));
    // A neighbour whose location shares the table's name as a prefix must not be swept.
    const neighbour = await catalog.createTable('market.trades_archive', { schema: tradeSchema });
    await neighbour.append(trades(3));
    return { catalog, table, orphan: orphan!.filePath, neighbour };
  }
  const listAll = async (t: Awaited<ReturnType<typeof setUp>>['table']): Promise<string[]> =>
    (await t.ops.io.list(t.metadata.location)).sort();

  it('dry run lists what it would compact, expire and delete, and changes nothing', async () => {
    const { table, orphan } = await setUp();
    const before = await listAll(table);
    const events: MaintenanceProgress[] = [];
    const report = await maintainTable(table, {
      dryRun: true,
      now: Date.now() + 10 * DAY,
      expire: { retainLast: 2 },
      onProgress: (e) => events.push(e),
    });
    expect(report.compaction?.candidates).toEqual([{ partition: {}, files: 4, bytes: expect.any(Number) as number }]);
    expect(report.expiry?.snapshots).toHaveLength(2);
    // The two oldest snapshots alone used their manifest lists; their data files stay live.
    expect(report.expiry?.files).toHaveLength(2);
    expect(report.expiry?.files.every((f) => /\/metadata\/snap-.*\.avro$/.test(f))).toBe(true);
    expect(report.orphans?.files).toEqual([orphan]);
    expect(events.map((e) => `${e.step}:${e.phase}`)).toEqual([
      'compact:start',
      'compact:done',
      'expire:start',
      'expire:done',
      'orphans:start',
      'orphans:done',
    ]);
    expect(await listAll(table)).toEqual(before);
    expect(table.snapshots()).toHaveLength(4);
  });

  it('compacts, expires old snapshots and removes orphans older than the margin, keeping every row', async () => {
    const { catalog, table, orphan, neighbour } = await setUp();
    const rows = (await table.scan().toRows()).map((r) => r.trade_id).sort();
    const neighbourFiles = await listAll(neighbour);

    // Everything is younger than the default 3-day margin: no orphan may go yet.
    const fresh = await maintainTable(table, { compact: false, expire: false });
    expect(fresh.orphans?.files).toEqual([]);

    const report = await maintainTable(table, { now: Date.now() + 10 * DAY, expire: { retainLast: 2 } });
    expect(report.compaction).toMatchObject({ rewrittenFiles: 4, addedFiles: 1, rewrittenRecords: 40 });
    // Current (the compaction) and its parent stay; the three appends before expire.
    expect(report.expiry?.snapshots).toHaveLength(3);
    expect(report.orphans?.files).toEqual([orphan]);
    const left = await listAll(table);
    expect(left).not.toContain(orphan);
    for (const f of report.expiry!.files) expect(left).not.toContain(f);

    const reloaded = await catalog.loadTable('market.trades');
    expect(reloaded.snapshots()).toHaveLength(2);
    expect((await reloaded.scan().toRows()).map((r) => r.trade_id).sort()).toEqual(rows);
    expect(await listAll(neighbour)).toEqual(neighbourFiles);
    expect(await (await catalog.loadTable('market.trades_archive')).scan().toRows()).toHaveLength(3);
  }, 60_000);

  it('refuses negative ages and counts', async () => {
    const { table } = await setUp();
    await expect(maintainTable(table, { orphans: { minAgeMs: -1 } })).rejects.toThrow(/orphan file age/);
    await expect(maintainTable(table, { expire: { retainLast: Number.NaN } })).rejects.toThrow(/retain/);
  });
});

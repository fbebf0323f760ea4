import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '@coattail/connectors';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { IcebergCatalog } from '../catalog/catalog.js';
import { LocalPointerStore } from '../catalog/local-pointer-store.js';
import { compactTable } from '../maintenance/compaction.js';
import { tradeSchema, trades, tradeSpec } from '../../test/temp-catalog.js';

let stack: LocalStack;
let root: string;
beforeAll(async () => {
  stack = await startLocalStack({ streams: [], tables: [], buckets: ['lake'] });
  root = await mkdtemp(join(tmpdir(), 'iceberg-s3-'));
});
afterAll(async () => {
  await stack.stop();
  await rm(root, { recursive: true, force: true });
});

describe('Iceberg table on S3 (s3rver on loopback)', () => {
  it('writes s3:// locations everywhere, reads data files through the local cache, and compacts', async () => {
    const store = new S3ObjectStore({ client: stack.clients.s3, bucket: 'lake', prefix: 'iceberg' });
    const catalog = new IcebergCatalog({
      pointers: new LocalPointerStore(join(root, 'catalog')),
      store,
      cacheDir: join(root, 'cache'),
    });
    const table = await catalog.createTable('market.trades', { schema: tradeSchema, spec: tradeSpec });
    await table.append(trades(60));
    await table.append(trades(60, 3, 60));
    expect(table.metadataLocation).toMatch(
      /^s3:\/\/lake\/iceberg\/warehouse\/market\/trades\/metadata\/00002-.*\.metadata\.json$/,
    );
    expect(table.currentSnapshot()!['manifest-list']).toMatch(/^s3:\/\/lake\/iceberg\//);
    const tasks = await table.scan().planFiles();
    expect(tasks.every((t) => t.file.filePath.startsWith('s3://lake/iceberg/warehouse/market/trades/data/'))).toBe(
      true,
    );

    const reloaded = await catalog.loadTable('market.trades');
    expect(await reloaded.scan().toRows()).toHaveLength(120);
    await compactTable(reloaded, { targetFileSizeBytes: 1024 * 1024 });
    expect(await reloaded.scan().planFiles()).toHaveLength(9);
    expect(await reloaded.scan({ filter: [{ column: 'symbol', op: '=', value: 'BTCUSDT' }] }).toRows()).toHaveLength(
      40,
    );
  });
});

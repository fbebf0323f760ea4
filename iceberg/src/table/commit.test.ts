import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '@coattail/connectors';
import { IcebergCatalog } from '../catalog/catalog.js';
import { LocalPointerStore } from '../catalog/local-pointer-store.js';
import { CommitConflictError } from '../errors.js';
import { tempCatalog, tradeSchema, trades, tradeSpec } from '../../test/temp-catalog.js';

let env: Awaited<ReturnType<typeof tempCatalog>>;
beforeEach(async () => {
  env = await tempCatalog();
});
afterEach(async () => env.cleanup());

/** A second, independent catalog client on the same folders, as another process would have. */
function otherClient(): IcebergCatalog {
  return new IcebergCatalog({
    pointers: new LocalPointerStore(join(env.root, 'catalog')),
    store: new LocalObjectStore(join(env.root, 'objects')),
  });
}

describe('optimistic commits', () => {
  it('lets two concurrent writers append and keeps every file of both', async () => {
    await env.catalog.createTable('market.trades', { schema: tradeSchema, spec: tradeSpec });
    const writerA = await env.catalog.loadTable('market.trades');
    const writerB = await otherClient().loadTable('market.trades');
    const rounds = 4;
    const run = async (table: typeof writerA, offset: number): Promise<void> => {
      for (let r = 0; r < rounds; r++) await table.append(trades(30, 3, offset + r * 30));
    };
    await Promise.all([run(writerA, 0), run(writerB, 10_000)]);

    const table = await env.catalog.loadTable('market.trades');
    expect(table.snapshots()).toHaveLength(2 * rounds);
    const rows = await table.scan().toRows();
    expect(rows).toHaveLength(2 * rounds * 30);
    expect(new Set(rows.map((r) => r.trade_id)).size).toBe(2 * rounds * 30);
    // a linear history: each snapshot's parent is the one before it, sequence numbers 1..n
    const snaps = table.snapshots();
    snaps.forEach((s, i) => {
      expect(s['sequence-number']).toBe(i + 1);
      if (i > 0) expect(s['parent-snapshot-id']).toBe(snaps[i - 1]!['snapshot-id']);
    });
    expect(table.currentSnapshot()!.summary['total-records']).toBe(String(2 * rounds * 30));
  });

  it('swaps the pointer only from the version the change was based on', async () => {
    const table = await env.catalog.createTable('market.trades', { schema: tradeSchema });
    const pointers = new LocalPointerStore(join(env.root, 'catalog'));
    const id = { namespace: 'market', name: 'trades' };
    await expect(pointers.swap(id, 'file:///not-the-current-metadata.json', 'file:///next.json')).rejects.toThrow(
      CommitConflictError,
    );
    await pointers.swap(id, table.metadataLocation, 'file:///next.json');
    expect(await pointers.get(id)).toBe('file:///next.json');
  });

  it('gives up with a retryable conflict after the configured number of retries', async () => {
    const table = await env.catalog.createTable('market.trades', { schema: tradeSchema });
    const files = await table.writeDataFiles(trades(5));
    const other = await otherClient().loadTable('market.trades');
    // Every attempt loses: another writer commits between our refresh and our swap.
    const originalCommit = table.ops.commit.bind(table.ops);
    table.ops.commit = async (base, metadata) => {
      await other.append(trades(1, 1, 99));
      return originalCommit(base, metadata);
    };
    const error: unknown = await table.commitAppend(files, { retries: 2, minWaitMs: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommitConflictError);
    expect((error as CommitConflictError).retryable).toBe(true);
    const reloaded = await env.catalog.loadTable('market.trades');
    expect(await reloaded.scan().toRows()).toHaveLength(3);
  });
});

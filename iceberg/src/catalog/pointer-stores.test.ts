import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CommitConflictError, InvalidMetadataError } from '../errors.js';
import { LocalObjectStore } from '@coattail/connectors';
import { FakeGlue } from '../testing/fake-glue.js';
import { describePointerStoreContract } from '../../test/pointer-store-contract.js';
import { deadPid, plantLock } from '../../test/planted-lock.js';
import { tradeSchema, trades } from '../../test/temp-catalog.js';
import { IcebergCatalog } from './catalog.js';
import { GluePointerStore, type GlueClient } from './glue-pointer-store.js';
import { LocalPointerStore } from './local-pointer-store.js';

describePointerStoreContract(
  'LocalPointerStore',
  async () => new LocalPointerStore(await mkdtemp(join(tmpdir(), 'pointers-'))),
);
// Glue cannot run here (nothing emulates it on this machine): the contract runs against FakeGlue,
// an in-memory fake with Glue's VersionId / ConcurrentModificationException semantics.
describePointerStoreContract('GluePointerStore on a fake Glue client', () =>
  Promise.resolve(new GluePointerStore(new FakeGlue())),
);

describe('GluePointerStore', () => {
  it('registers tables the way Athena reads them and keeps concurrent appends (fake Glue: Glue cannot run here)', async () => {
    const glue = new FakeGlue();
    const root = await mkdtemp(join(tmpdir(), 'glue-'));
    const store = new LocalObjectStore(root);
    const a = new IcebergCatalog({ pointers: new GluePointerStore(glue), store });
    const b = new IcebergCatalog({ pointers: new GluePointerStore(glue), store });
    await a.createTable('market.trades', { schema: tradeSchema });
    const [ta, tb] = await Promise.all([a.loadTable('market.trades'), b.loadTable('market.trades')]);
    await Promise.all([ta.append(trades(10)), tb.append(trades(10, 3, 10)), ta.append(trades(10, 3, 20))]);
    const table = await a.loadTable('market.trades');
    expect(await table.scan().toRows()).toHaveLength(30);
    const glueTable = glue.tables.get('market.trades')!;
    expect(glueTable.Parameters).toMatchObject({ table_type: 'ICEBERG', metadata_location: table.metadataLocation });
    expect(glueTable.Parameters?.previous_metadata_location).toMatch(/\.metadata\.json$/);
    expect(glueTable.StorageDescriptor?.Location).toBe(table.metadata.location);
    expect(glue.updates).toBe(3);
  });
});

describe('GluePointerStore swaps only from the version it read', () => {
  const id = { namespace: 'market', name: 'trades' };
  const delegate = (glue: FakeGlue): GlueClient => ({
    getTable: (input) => glue.getTable(input),
    updateTable: (input) => glue.updateTable(input),
    createTable: (input) => glue.createTable(input),
    getTables: (input) => glue.getTables(input),
    deleteTable: (input) => glue.deleteTable(input),
  });
  const m = (n: number): string => `s3://b/w/market/trades/metadata/0000${n}-x.metadata.json`;

  it('loses to a commit that lands between its GetTable and its UpdateTable, keeping that commit', async () => {
    const glue = new FakeGlue();
    const racer = new GluePointerStore(glue);
    await racer.create(id, m(0));
    // Another writer commits right after this writer's GetTable returned.
    const slow = new GluePointerStore({
      ...delegate(glue),
      getTable: async (input) => {
        const result = await glue.getTable(input);
        await racer.swap(id, m(0), m(1));
        return result;
      },
    });
    await expect(slow.swap(id, m(0), m(2))).rejects.toThrow(CommitConflictError);
    expect(await racer.get(id)).toBe(m(1));
  });

  it('refuses to swap a table Glue returned without a VersionId rather than update it unconditionally', async () => {
    const glue = new FakeGlue();
    const store = new GluePointerStore({
      ...delegate(glue),
      getTable: async (input) => {
        const { Table } = await glue.getTable(input);
        return { Table: { ...Table!, VersionId: undefined } };
      },
    });
    await store.create(id, m(0));
    await expect(store.swap(id, m(0), m(1))).rejects.toThrow(/no VersionId/);
    expect(glue.updates).toBe(0);
  });
});

describe('LocalPointerStore locks', () => {
  const id = { namespace: 'market', name: 'trades' };
  async function lockedBy(owner: string): Promise<LocalPointerStore> {
    const root = await mkdtemp(join(tmpdir(), 'pointers-lock-'));
    await plantLock(root, 'market.trades', owner);
    return new LocalPointerStore(root, { lockTimeoutMs: 300 });
  }

  it('breaks at once a lock whose owner process on this host is gone (a SIGKILLed writer)', async () => {
    const store = await lockedBy(`${hostname()} ${await deadPid()}`);
    await store.create(id, 'file:///m/00001.metadata.json');
    expect(await store.get(id)).toBe('file:///m/00001.metadata.json');
  });

  it('breaks at once a lock of an earlier process that had our pid (a restarted container)', async () => {
    const store = await lockedBy(`${hostname()} ${process.pid}`);
    await store.create(id, 'file:///m/00001.metadata.json');
    expect(await store.get(id)).toBe('file:///m/00001.metadata.json');
  });

  it('waits for a live owner, and for an owner on another host it cannot check, then reports the lock', async () => {
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      for (const owner of [`${hostname()} ${live.pid}`, `another-host ${await deadPid()}`]) {
        const store = await lockedBy(owner);
        await expect(store.create(id, 'file:///m/00001.metadata.json')).rejects.toMatchObject({
          code: 'CATALOG_LOCKED',
        });
      }
    } finally {
      live.kill('SIGKILL');
    }
  });
});

describe('LocalPointerStore pointer files', () => {
  it('refuses a pointer file it cannot read, naming the file, the table and the field', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pointers-'));
    const store = new LocalPointerStore(root);
    const id = { namespace: 'coattail', name: 'raw_trades' };
    await store.create(id, 's3://lake/raw_trades/metadata/00001.metadata.json');
    expect(await store.get(id)).toBe('s3://lake/raw_trades/metadata/00001.metadata.json');
    await mkdir(join(root, 'coattail'), { recursive: true });
    await writeFile(join(root, 'coattail', 'raw_trades.json'), JSON.stringify({ metadata: 's3://lake/x.json' }));
    const error = await store.get(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidMetadataError);
    expect((error as Error).message).toContain(
      `catalog pointer ${join(root, 'coattail', 'raw_trades.json')} of table 'coattail.raw_trades' is not readable (metadataLocation: `,
    );
    await writeFile(join(root, 'coattail', 'raw_trades.json'), '{"metadataLocation": "s3://');
    await expect(store.get(id)).rejects.toThrow(/is not readable \(not JSON\)/);
  });
});

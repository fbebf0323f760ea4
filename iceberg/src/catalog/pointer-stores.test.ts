import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalObjectStore } from '@coattail/connectors';
import { FakeGlue } from '../testing/fake-glue.js';
import { describePointerStoreContract } from '../../test/pointer-store-contract.js';
import { tradeSchema, trades } from '../../test/temp-catalog.js';
import { IcebergCatalog } from './catalog.js';
import { GluePointerStore } from './glue-pointer-store.js';
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

describe('LocalPointerStore locks', () => {
  const id = { namespace: 'market', name: 'trades' };
  async function lockedBy(owner: string): Promise<LocalPointerStore> {
    const root = await mkdtemp(join(tmpdir(), 'pointers-lock-'));
    await mkdir(join(root, 'market'), { recursive: true });
    await writeFile(join(root, 'market', 'trades.json.lock'), `${owner} ${new Date().toISOString()}`);
    return new LocalPointerStore(root, { lockTimeoutMs: 300 });
  }
  const deadPid = async (): Promise<number> => {
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => child.once('exit', r));
    return child.pid!;
  };

  it('breaks at once a lock whose owner process on this host is gone (a SIGKILLed writer)', async () => {
    const store = await lockedBy(`${hostname()} ${await deadPid()}`);
    await store.create(id, 'file:///m/00001.metadata.json');
    expect(await store.get(id)).toBe('file:///m/00001.metadata.json');
  });

  it('waits for a live owner, and for an owner on another host it cannot check, then reports the lock', async () => {
    for (const owner of [`${hostname()} ${process.pid}`, `another-host ${await deadPid()}`]) {
      const store = await lockedBy(owner);
      await expect(store.create(id, 'file:///m/00001.metadata.json')).rejects.toMatchObject({ code: 'CATALOG_LOCKED' });
    }
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3ObjectStore } from '@coattail/connectors';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { TABLES, tablePartitionSpec, tableSchema } from '../tables/definitions.js';
import { athenaDdlFiles, athenaType } from '../tables/athena-ddl.js';
import { DEFAULT_WAREHOUSE_BUCKET, tableLocation } from '../tables/warehouse.js';
import { startFakeGlueServer, type FakeGlueServer } from '../testing/fake-glue-server.js';
import type { GlueClient } from './glue-pointer-store.js';
import { createGlueClient, describeCatalog, openCatalog, parseCatalogConfig } from './open-catalog.js';

// AWS Glue cannot run here (no emulator on npm; moto and LocalStack are Python): these tests run
// the real @aws-sdk/client-glue client over loopback HTTP against a fake Glue endpoint that keeps
// Glue's VersionId semantics. Table files go to S3 (s3rver), in the jobs' warehouse bucket.
let stack: LocalStack;
let glue: FakeGlueServer;
let cache: string;
beforeAll(async () => {
  stack = await startLocalStack({ streams: [], tables: [], buckets: [DEFAULT_WAREHOUSE_BUCKET] });
  glue = await startFakeGlueServer({ databases: ['coattail'] });
  cache = await mkdtemp(join(tmpdir(), 'glue-cache-'));
});
afterAll(async () => {
  await glue.close();
  await stack.stop();
  await rm(cache, { recursive: true, force: true });
});

const config = (): ReturnType<typeof parseCatalogConfig> =>
  parseCatalogConfig({ ICEBERG_CATALOG: 'glue', GLUE_ENDPOINT: glue.endpoint });
const open = () =>
  openCatalog(config(), {
    store: new S3ObjectStore({ client: stack.clients.s3, bucket: DEFAULT_WAREHOUSE_BUCKET }),
    cacheDir: cache,
  });

describe('the Glue catalog through the AWS SDK (fake Glue endpoint on loopback)', () => {
  it('registers raw_trades as Athena reads it: location of the DDL, columns and types of the definition, no partition keys', async () => {
    const def = TABLES.raw_trades;
    const table = await open().createTable(`${def.namespace}.${def.name}`, {
      schema: tableSchema(def),
      spec: tablePartitionSpec(def),
    });
    const glueTable = glue.glue.tables.get('coattail.raw_trades')!;
    expect(glueTable.TableType).toBe('EXTERNAL_TABLE');
    expect(glueTable.Parameters).toMatchObject({ table_type: 'ICEBERG', metadata_location: table.metadataLocation });
    expect(table.metadata.location).toBe(tableLocation(def));
    expect(glueTable.StorageDescriptor?.Location).toBe(tableLocation(def));
    expect(athenaDdlFiles()['raw_trades.sql']).toContain(`LOCATION '${tableLocation(def)}'`);
    expect(glueTable.StorageDescriptor?.Columns?.map((c) => [c.Name, c.Type])).toEqual(
      def.columns.map((c) => [c.name, athenaType(c.type)]),
    );
    expect(glueTable.StorageDescriptor?.Columns?.[1]?.Parameters).toMatchObject({ 'iceberg.field.id': '2' });
    expect(glueTable.PartitionKeys).toEqual([]);
    expect(table.spec().fields.map((f) => f.transform)).toEqual(['day', 'identity']);
  });

  it('keeps every concurrent append of two writers: losers of the VersionId check retry', async () => {
    const a = open();
    const b = open();
    const def = TABLES.whale_trades;
    const spec = { schema: tableSchema(def), spec: tablePartitionSpec(def) };
    await a.createTable('coattail.whale_trades', spec);
    const row = (i: number) => ({
      event_id: `e${i}`,
      symbol: 'BTC-USDT',
      exchange: 'binance',
      price: 1,
      quantity: 1,
      event_time: new Date(Date.UTC(2026, 10, 21, 12)),
    });
    const [ta, tb] = await Promise.all([a.loadTable('coattail.whale_trades'), b.loadTable('coattail.whale_trades')]);
    const before = glue.calls.get('UpdateTable') ?? 0;
    await Promise.all([ta.append([row(1)]), tb.append([row(2)]), ta.append([row(3)]), tb.append([row(4)])]);
    const rows = await (await a.loadTable('coattail.whale_trades')).scan().toRows();
    expect(rows.map((r) => r.event_id).sort()).toEqual(['e1', 'e2', 'e3', 'e4']);
    const glueTable = glue.glue.tables.get('coattail.whale_trades')!;
    expect(glueTable.VersionId).toBe('5');
    expect(glueTable.Parameters?.previous_metadata_location).toMatch(/\.metadata\.json$/);
    expect(glue.glue.updates).toBeGreaterThanOrEqual(4);
    expect((glue.calls.get('UpdateTable') ?? 0) - before).toBeGreaterThanOrEqual(4);
  });

  it('turns a stale VersionId into a commit conflict and retries, never overwriting the other commit', async () => {
    const sdk = createGlueClient(config());
    // Counts down the GetTable calls of an append (refresh, then the swap's own read) so another
    // writer's UpdateTable lands between the swap's GetTable and its UpdateTable.
    let interfereIn = 0;
    const racing: GlueClient = {
      getTable: async (input) => {
        const out = await sdk.getTable(input);
        if (interfereIn > 0 && --interfereIn === 0 && out.Table) {
          await sdk.updateTable({
            DatabaseName: input.DatabaseName,
            TableInput: { Name: input.Name, Parameters: { ...out.Table.Parameters, touched: 'yes' } },
            VersionId: out.Table.VersionId,
          });
        }
        return out;
      },
      getTables: (i) => sdk.getTables(i),
      createTable: (i) => sdk.createTable(i),
      updateTable: (i) => sdk.updateTable(i),
      deleteTable: (i) => sdk.deleteTable(i),
    };
    const catalog = openCatalog(config(), {
      store: new S3ObjectStore({ client: stack.clients.s3, bucket: DEFAULT_WAREHOUSE_BUCKET }),
      cacheDir: cache,
      glue: racing,
    });
    const table = await catalog.createTable('coattail.spreads', { schema: tableSchema(TABLES.spreads) });
    const updatesBefore = glue.calls.get('UpdateTable') ?? 0;
    interfereIn = 2;
    await table.append([{ symbol: 'BTC-USDT', spread_pct: 0.7, window_start: new Date(Date.UTC(2026, 10, 21)) }]);
    // interfering update, the rejected one (stale VersionId), the retried one
    expect((glue.calls.get('UpdateTable') ?? 0) - updatesBefore).toBe(3);
    const glueTable = glue.glue.tables.get('coattail.spreads')!;
    expect(glueTable.VersionId).toBe('3');
    expect(await (await catalog.loadTable('coattail.spreads')).scan().toRows()).toHaveLength(1);
  });

  it('names the missing Glue database and what to do', async () => {
    await expect(open().createTable('nowhere.t', { schema: tableSchema(TABLES.spreads) })).rejects.toThrow(
      /Glue database 'nowhere' does not exist: deploy the stack/,
    );
  });

  it('says which catalog it is and refuses a bad ICEBERG_CATALOG', () => {
    expect(describeCatalog(config())).toBe(`Glue at ${glue.endpoint}`);
    expect(() => parseCatalogConfig({ ICEBERG_CATALOG: 'hive' })).toThrow(/ICEBERG_CATALOG="hive"/);
    expect(parseCatalogConfig({}).ICEBERG_CATALOG).toBe('local');
  });
});

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalObjectStore } from '@coattail/connectors';
import { IcebergCatalog, LocalPointerStore, defineSchema } from '@coattail/iceberg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuck, tradesQuery, type DuckFixture } from '../../test/duck.js';
import { explainPlan, icebergStorageOptions, writeOptimizedParquet } from './apply-storage-plan.js';
import { profileDataset, type ColumnProfile, type DatasetProfile } from './profile-dataset.js';
import { planStorage } from './storage-plan.js';

let duck: DuckFixture;
beforeAll(async () => {
  duck = await openDuck();
  await duck.connection.run(`CREATE TABLE trades AS ${tradesQuery(120_000)}`);
});
afterAll(() => duck.close());

const column = (name: string, over: Partial<ColumnProfile> = {}): ColumnProfile => ({
  name,
  type: 'VARCHAR',
  distinct: 1_000_000,
  nullRatio: 0,
  avgWidth: 8,
  sortedness: 0.5,
  ...over,
});
const DAY = 86_400_000;
const synthetic = (rowCount: number, days: number): DatasetProfile => ({
  rowCount,
  rowBytes: 100,
  columns: [
    column('event_id'),
    column('symbol', { distinct: 8 }),
    column('account', { distinct: 100_000 }),
    column('event_time', { type: 'TIMESTAMP', range: { min: 0, max: days * DAY } }),
  ],
});

describe('storage optimizer', () => {
  it('measures cardinality, nulls, widths, time range and stored order', async () => {
    const profile = await profileDataset(duck.connection, 'trades');
    expect(profile.rowCount).toBe(120_000);
    const by = new Map(profile.columns.map((c) => [c.name, c]));
    expect(by.get('symbol')).toMatchObject({ distinct: 2, nullRatio: 0, avgWidth: 8 });
    expect(by.get('event_time_ms')!.sortedness).toBe(1);
    expect(by.get('event_time')!.range).toEqual({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 0, 1) + 119_999_000 });
    expect(by.get('side')!.sortedness).toBeLessThan(0.6);
    expect(by.get('event_id')!.distinct).toBeGreaterThan(100_000);
  });

  it('sorts by the declared filters (fewest values first), then the range column', () => {
    const plan = planStorage(synthetic(1_000_000, 30), {
      queryPatterns: [{ filter: ['account', 'symbol', 'nope'], range: 'event_time' }],
    });
    expect(plan.sortOrder).toEqual(['symbol', 'account', 'event_time']);
    expect(plan.decisions.find((d) => d.setting === 'sort order')!.reason).toMatch(
      /filter on symbol, account and read event_time by range/,
    );
    // 30 accounts × symbols: runs far smaller than a row group worth its footer entry.
    expect(plan.rowGroupSize).toBe(61_440);
  });

  it('without declared queries sorts low-cardinality text then time, with large row groups', () => {
    const plan = planStorage(synthetic(5_000_000, 30));
    expect(plan.sortOrder).toEqual(['symbol', 'event_time']);
    expect(plan.rowGroupSize).toBe(1_048_576);
    expect(plan.dictionaryColumns).toEqual(['symbol', 'account']);
    const bare = planStorage({ rowCount: 10, rowBytes: 8, columns: [column('id', { distinct: 0 })] });
    expect(bare.sortOrder).toEqual([]);
    expect(explainPlan(bare)).toMatch(/sort order: insertion order — no declared queries/);
    expect(explainPlan(bare)).toMatch(/partition spec: unpartitioned — about 0 MiB in all/);
  });

  it('partitions by hour, day, identity or bucket only when partitions stay big enough', () => {
    const spec = (rows: number, days: number, filter: string[] = []) =>
      planStorage(synthetic(rows, days), { queryPatterns: [{ filter, range: 'event_time' }] }).partitionSpec;
    expect(spec(1_000_000, 30)).toEqual([]);
    expect(spec(200_000_000, 30)).toEqual([{ source: 'event_time', transform: 'day' }]);
    expect(spec(5_000_000_000, 30)).toEqual([{ source: 'event_time', transform: 'hour' }]);
    expect(spec(200_000_000, 30, ['symbol', 'account'])).toEqual([
      { source: 'event_time', transform: 'day' },
      { source: 'symbol', transform: 'identity' },
      { source: 'account', transform: 'bucket[64]' },
    ]);
    const plan = planStorage(synthetic(1_000_000, 30), { queryPatterns: [{ filter: ['symbol'] }], writes: 'frequent' });
    expect(plan.compressionLevel).toBe(3);
    expect(plan.decisions.find((d) => d.setting === 'partition spec')!.reason).toMatch(
      /symbol: 8 value\(s\).*too small to partition/,
    );
    expect(planStorage(synthetic(50_000_000_000, 30)).targetFileSizeBytes).toBe(512 * 1024 * 1024);
  });

  it('writes raw-zone Parquet smaller than DuckDB default output, partitioned when planned', async () => {
    const baseline = join(duck.dir, 'baseline.parquet');
    await duck.connection.run(`COPY trades TO '${baseline}' (FORMAT parquet)`);
    const profile = await profileDataset(duck.connection, 'trades');
    const plan = planStorage(profile, { queryPatterns: [{ filter: ['symbol'], range: 'event_time' }] });
    const optimized = join(duck.dir, 'optimized.parquet');
    await writeOptimizedParquet(duck.connection, 'trades', plan, optimized);
    expect((await stat(optimized)).size).toBeLessThan((await stat(baseline)).size * 0.7);
    expect(await duck.rows(`SELECT count(*) AS n FROM '${optimized}'`)).toEqual([{ n: '120000' }]);

    const partitioned = {
      ...plan,
      partitionSpec: [
        { source: 'event_time', transform: 'day' },
        { source: 'event_id', transform: 'bucket[2]' },
      ],
    };
    const folder = join(duck.dir, 'partitioned');
    await writeOptimizedParquet(duck.connection, 'trades', partitioned, folder);
    expect((await readdir(folder)).sort()).toEqual(['event_time_day=2026-01-01', 'event_time_day=2026-01-02']);
    expect(await duck.rows(`SELECT count(*) AS n FROM read_parquet('${folder}/**/*.parquet')`)).toEqual([
      { n: '120000' },
    ]);
  });

  it('gives Iceberg tables the planned properties, partition spec, sort order and writer options', async () => {
    const schema = defineSchema([
      { name: 'symbol', type: 'string', required: true },
      { name: 'price', type: 'double' },
      { name: 'event_time', type: 'timestamptz', required: true },
    ]);
    const plan = planStorage(synthetic(200_000_000, 30), {
      queryPatterns: [{ filter: ['symbol'], range: 'event_time' }],
    });
    const options = icebergStorageOptions(
      { ...plan, partitionSpec: plan.partitionSpec.filter((p) => p.source !== 'symbol') },
      schema,
    );
    const catalog = new IcebergCatalog({
      pointers: new LocalPointerStore(join(duck.dir, 'catalog')),
      store: new LocalObjectStore(join(duck.dir, 'objects')),
    });
    const table = await catalog.createTable('coattail.trades', {
      schema,
      spec: options.spec,
      sortOrder: options.sortOrder,
      properties: options.properties,
    });
    await table.append(
      [{ symbol: 'BTC-USDT', price: 1, event_time: new Date('2026-01-01T00:00:00Z') }],
      options.writer,
    );
    expect(table.metadata.properties).toMatchObject({
      'write.parquet.compression-codec': 'zstd',
      'write.parquet.compression-level': '9',
      'write.distribution-mode': 'hash',
    });
    expect(table.metadata['default-sort-order-id']).toBe(1);
    expect(options.spec.fields.map((f) => f.transform)).toEqual(['day']);
    expect(options.writer).toMatchObject({ compression: 'zstd', rowGroupSize: plan.rowGroupSize });
    const unsorted = icebergStorageOptions({ ...plan, sortOrder: [], partitionSpec: [] }, schema);
    expect(unsorted.sortOrder).toEqual({ 'order-id': 0, fields: [] });
    expect(unsorted.properties['write.distribution-mode']).toBe('none');
  });
});

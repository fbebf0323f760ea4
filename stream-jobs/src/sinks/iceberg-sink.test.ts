import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalObjectStore } from '@coattail/connectors';
import { IcebergCatalog, LocalPointerStore, defineSchema, type Table } from '@coattail/iceberg';
import {
  InMemorySource,
  LocalCheckpointStore,
  ManualClock,
  StreamEnvironment,
  WatermarkStrategy,
  type Json,
} from '@coattail/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { IcebergSink } from './iceberg-sink.js';

const dirs: string[] = [];
afterEach(async () => Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true }))));

async function fixture() {
  const dir = await mkdtemp(join(tmpdir(), 'iceberg-sink-'));
  dirs.push(dir);
  const catalog = new IcebergCatalog({
    pointers: new LocalPointerStore(join(dir, 'catalog')),
    store: new LocalObjectStore(join(dir, 'objects')),
    cacheDir: join(dir, 'cache'),
  });
  const schema = defineSchema([
    { name: 'id', type: 'long', required: true },
    { name: 'symbol', type: 'string', required: true },
  ]);
  const table = (): Promise<Table> => catalog.loadOrCreateTable('test.rows', { schema });
  return { dir, table, checkpoints: new LocalCheckpointStore(join(dir, 'checkpoints')) };
}

interface R {
  id: number;
  symbol: string;
}

function job(records: R[], sink: IcebergSink<R>, open: boolean) {
  const env = StreamEnvironment.create();
  const source = new InMemorySource([{ id: 'shard-0', records, open }]);
  env.fromSource(source, WatermarkStrategy.noWatermarks<R>()).sinkTo(sink).uid('rows-sink');
  return { env, source };
}

describe('IcebergSink', () => {
  it('commits each checkpoint once: a job stopped and resumed leaves every row exactly once', async () => {
    const { table, checkpoints } = await fixture();
    const sink = new IcebergSink<R>({ table, toRow: (r) => ({ id: r.id, symbol: r.symbol }) });
    const records = Array.from({ length: 40 }, (_, i) => ({ id: i, symbol: i % 2 ? 'BTC-USDT' : 'ETH-USDT' }));
    const clock = new ManualClock();
    const first = job(records.slice(0, 25), sink, true);
    const client = first.env.executeAsync({
      jobId: 'sink-test',
      checkpointStore: checkpoints,
      checkpointIntervalMs: 1,
      maxBatchSize: 10,
      clock,
    });
    while ((await (await table()).refresh()).snapshots().length < 1) await new Promise((r) => setTimeout(r, 5));
    await client.stop();
    // Resume with the rest of the data: the restored task re-commits its last checkpoint (a no-op) and goes on.
    const second = job(records, sink, false);
    await second.env.execute({
      jobId: 'sink-test',
      checkpointStore: checkpoints,
      checkpointIntervalMs: 1,
      maxBatchSize: 10,
      clock,
    });
    const rows = await (await (await table()).refresh()).scan().toRows();
    expect(rows.map((r) => Number(r.id)).sort((a, b) => a - b)).toEqual(records.map((r) => r.id));
  });

  it('ignores a repeated commit of a checkpoint already in the table', async () => {
    const { table } = await fixture();
    const sink = new IcebergSink<R>({ table, toRow: (r) => ({ ...r }) });
    const writer = sink.createWriter({ jobId: 'j', taskId: 't', operatorId: 'o' });
    await writer.write([{ id: 1, symbol: 'BTC-USDT' }], [0]);
    const committable = await writer.prepareCommit!(7);
    await writer.commit!(committable, 7);
    await writer.commit!(committable, 7); // as after a restore from checkpoint 7
    const t = await (await table()).refresh();
    expect(t.snapshots()).toHaveLength(1);
    expect(await t.maxCommittedCheckpointId('j', 'o@t')).toBe(7);
    expect(await t.scan().toRows()).toHaveLength(1);
    expect(await writer.prepareCommit!(8)).toEqual({ files: [] });
  });

  it('refuses to commit files restored from a checkpoint it cannot read, and leaves the table as it was', async () => {
    const { table } = await fixture();
    const sink = new IcebergSink<R>({ table, toRow: (r) => ({ ...r }) });
    const writer = sink.createWriter({ jobId: 'j', taskId: 't', operatorId: 'o' });
    await writer.write([{ id: 1, symbol: 'BTC-USDT' }], [0]);
    const committable = (await writer.prepareCommit!(7)) as { files: Record<string, Json>[] };
    const damaged = { files: committable.files.map((f) => ({ ...f, recordCount: -1 })) };
    await expect(writer.commit!(damaged, 7)).rejects.toThrow(
      /Iceberg sink 'o@t': the files prepared by checkpoint 7 are not what this sink writes \(files\.0\.recordCount/,
    );
    expect((await table()).snapshots()).toHaveLength(0);
    await writer.commit!(committable, 7);
    expect(await (await (await table()).refresh()).scan().toRows()).toHaveLength(1);
  });
});

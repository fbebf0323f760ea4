import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { KinesisWriter, LeaseCoordinator, kinesisLeaseShards } from '@coattail/connectors';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { silentLogger } from '@coattail/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJobConfig, platformTables, runStreamJob } from '../src/index.js';

let stack: LocalStack;
let dir: string;
beforeAll(async () => {
  stack = await startLocalStack();
  dir = await mkdtemp(join(tmpdir(), 'leased-'));
});
afterAll(async () => {
  await stack.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('two workers of one job sharing the stream through leases', () => {
  it('split the shards between them and write every whale exactly once', async () => {
    const config = parseJobConfig({ CHECKPOINT_INTERVAL_MS: '300', SPLIT_DISCOVERY_MS: '200' });
    const workers = ['w1', 'w2'].map((workerId) => {
      const leases = new LeaseCoordinator({
        client: stack.clients.dynamodb,
        tableName: 'coattail-leases',
        workerId,
        listShards: kinesisLeaseShards(stack.clients.kinesis, config.STREAM_NAME),
        failoverTimeMs: 1_500,
        logger: silentLogger,
      });
      return { leases, job: undefined as ReturnType<typeof runStreamJob> | undefined };
    });
    for (const w of workers) {
      await w.leases.start();
      w.job = runStreamJob('whale-detector', config, {
        clients: stack.clients,
        catalogDir: join(dir, 'catalog'),
        logger: silentLogger,
        leases: w.leases,
        qualityMetrics: false,
      });
    }
    // Balancing: each worker ends up with one of the two shards.
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !workers.every((w) => w.leases.held().size === 1))
      await new Promise((r) => setTimeout(r, 100));
    expect(workers.map((w) => w.leases.held().size)).toEqual([1, 1]);

    const now = Date.now();
    const symbols = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'];
    const writer = new KinesisWriter({ client: stack.clients.kinesis, streamName: config.STREAM_NAME });
    const whales = symbols.flatMap((symbol, s) =>
      [0, 1, 2].map((i) => ({
        event_id: `binance:${symbol}:${s * 10 + i}`,
        exchange: 'binance',
        symbol,
        price: 50_000,
        quantity: 3,
        quote_volume: 150_000,
        side: 'buy',
        trade_id: s * 10 + i,
        event_time: now + i,
        ingest_time: now,
      })),
    );
    await writer.write(whales.map((t) => ({ partitionKey: t.symbol, data: Buffer.from(JSON.stringify(t)) })));
    await writer.close();

    const items = async () =>
      (await stack.clients.dynamodb.send(new ScanCommand({ TableName: config.ALERTS_TABLE }))).Items ?? [];
    while (Date.now() < deadline + 20_000 && (await items()).length < whales.length)
      await new Promise((r) => setTimeout(r, 200));
    // Stopping takes a final checkpoint: the Iceberg commits land without waiting for one more interval.
    for (const w of workers) {
      await w.job!.stop();
      await w.leases.stop();
    }
    expect((await items()).length).toBe(whales.length);
    const rows = await (
      await (
        await platformTables(
          { clients: stack.clients, catalogDir: join(dir, 'catalog'), logger: silentLogger },
          config,
        )('whale_trades')
      ).refresh()
    )
      .scan()
      .toRows();
    expect(rows.map((r) => r.event_id).sort()).toEqual(whales.map((w) => w.event_id).sort());
  }, 90_000);
});

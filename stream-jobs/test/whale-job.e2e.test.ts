import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { KinesisWriter, S3ObjectStore, fromItem } from '@coattail/connectors';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { InMemoryMetrics, silentLogger } from '@coattail/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJobConfig, platformTables, runStreamJob } from '../src/index.js';

let stack: LocalStack;
let dir: string;
beforeAll(async () => {
  stack = await startLocalStack();
  dir = await mkdtemp(join(tmpdir(), 'whale-e2e-'));
});
afterAll(async () => {
  await stack.stop();
  await rm(dir, { recursive: true, force: true });
});

const now = Date.now();
const trade = (i: number, price: number, quantity: number, symbol = 'BTC-USDT') => ({
  event_id: `binance:${symbol}:${i}`,
  exchange: 'binance',
  symbol,
  price,
  quantity,
  quote_volume: price * quantity,
  side: 'buy',
  trade_id: i,
  event_time: now - 10_000 + i,
  ingest_time: now,
});

describe('whale detector on the local stack', () => {
  it('reads trades from Kinesis, writes whale alerts to DynamoDB and Iceberg, and poison records to the DLQ', async () => {
    const writer = new KinesisWriter({ client: stack.clients.kinesis, streamName: 'coattail-trades' });
    const trades = [trade(1, 97_000, 0.1), trade(2, 97_000, 2), trade(3, 3_400, 50, 'ETH-USDT'), trade(4, 97_000, 0.5)];
    await writer.write(trades.map((t) => ({ partitionKey: t.symbol, data: Buffer.from(JSON.stringify(t)) })));
    await writer.write([{ partitionKey: 'BTC-USDT', data: Buffer.from('{"oops": ') }]);
    await writer.close();

    const config = parseJobConfig({ CHECKPOINT_INTERVAL_MS: '500' });
    const deps = {
      clients: stack.clients,
      catalogDir: join(dir, 'catalog'),
      logger: silentLogger,
      metrics: new InMemoryMetrics(),
    };
    const job = runStreamJob('whale-detector', config, deps);
    const alerts = async () =>
      (await stack.clients.dynamodb.send(new ScanCommand({ TableName: 'coattail-alerts' }))).Items ?? [];
    const deadline = Date.now() + 20_000;
    while ((await alerts()).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    // No waiting for "one more checkpoint": stopping takes a final checkpoint, which commits to Iceberg and flushes the DLQ.
    await job.stop();

    const items = (await alerts()).map((i) => fromItem(i));
    expect(items.map((i) => i.alert_id).sort()).toEqual(['whale:binance:BTC-USDT:2', 'whale:binance:ETH-USDT:3']);
    expect(items.find((i) => i.alert_id === 'whale:binance:BTC-USDT:2')).toMatchObject({
      alert_type: 'WHALE',
      symbol: 'BTC-USDT',
      quote_volume: 194_000,
      alert_time: now - 10_000 + 2,
    });

    const whales = await (await (await platformTables(deps, config)('whale_trades')).refresh()).scan().toRows();
    expect(whales.map((r) => r.event_id).sort()).toEqual(['binance:BTC-USDT:2', 'binance:ETH-USDT:3']);

    const dlq = await stack.clients.s3.send(
      new ListObjectsV2Command({ Bucket: 'coattail-raw', Prefix: 'dlq/parse_error/' }),
    );
    expect(dlq.Contents?.length).toBe(1);
    const line = Buffer.from(
      (await new S3ObjectStore({ client: stack.clients.s3, bucket: 'coattail-raw' }).get(dlq.Contents![0]!.Key!))!,
    ).toString();
    expect(JSON.parse(line.trim().split('\n')[0]!)).toMatchObject({ reason: 'parse_error', payload: '{"oops": ' });
  }, 60_000);
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ConsoleConfigError, type ConsoleSnapshot } from '@coattail/console';
import { encodeAggregated, toItem } from '@coattail/connectors';
import type { LocalStack } from '@coattail/local-stack';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack } from '../local-stack-loader.js';
import { lockStateDir } from '../up/up-state.js';
import { runConsole, type RunningConsole } from './run-console.js';

const logger = pino({ level: 'silent' });
let dir: string;
let stack: LocalStack;
let running: RunningConsole | undefined;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'console-cmd-'));
  stack = await startLocalStack({ dataDir: join(dir, 'stack'), logger });
  // What `coattail local-stack` prints, as a user would export it.
  env = {
    COATTAIL_KINESIS_ENDPOINT: stack.endpoints.kinesis,
    COATTAIL_DYNAMODB_ENDPOINT: stack.endpoints.dynamodb,
    COATTAIL_S3_ENDPOINT: stack.endpoints.s3,
    AWS_REGION: stack.region,
    AWS_ACCESS_KEY_ID: stack.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: stack.credentials.secretAccessKey,
    SPREAD_WINDOW_MS: '5000',
    ANOMALY_WINDOW_MS: '2000',
  };
  for (const [k, v] of Object.entries(env)) process.env[k] ??= v;
}, 60_000);

afterAll(async () => {
  await running?.close();
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

/** A whale alert as the detector writes it: 100 at 3,200 on `exchange`. */
function whale(exchange: string, symbol: string, tradeId: number, now: number) {
  return {
    alert_id: `whale:${exchange}:${symbol}:${tradeId}`,
    alert_type: 'WHALE',
    symbol,
    alert_time: now,
    event_time: now,
    event_id: `${exchange}:${symbol}:${tradeId}`,
    trade_id: tradeId,
    exchange,
    side: 'sell',
    price: 3_200,
    quantity: 100,
    quote_volume: 320_000,
    threshold: 100_000,
    size_vs_avg: null,
    vwap_1m: null,
    price_vs_vwap_pct: null,
  };
}

async function snapshot(url: string): Promise<ConsoleSnapshot> {
  return (await (await fetch(`${url}api/snapshot`)).json()) as ConsoleSnapshot;
}

describe('coattail console against any endpoints', () => {
  it('shows the alerts table, the trade stream and the DLQ of the endpoints it is given, skipping a malformed alert', async () => {
    running = await runConsole({ host: '127.0.0.1', port: 0, stateDir: dir, logger, env });
    const now = Date.now();
    const alert = whale('coinbase', 'ETH-USDT', 42, now);
    const put = (item: Record<string, unknown>) =>
      stack.clients.dynamodb.send(
        new PutItemCommand({ TableName: 'coattail-alerts', Item: toItem(item as Parameters<typeof toItem>[0]) }),
      );
    await put(alert);
    await put({ alert_id: 'broken', alert_type: 'WHALE', symbol: 'ETH-USDT', alert_time: now, price: 'not a number' });
    // The console follows the stream from its tip: give it a moment to open its iterators.
    await new Promise((r) => setTimeout(r, 1_500));
    const trades = ['binance', 'coinbase'].map((exchange, i) => ({
      event_id: `${exchange}:ETH-USDT:${i}`,
      exchange,
      symbol: 'ETH-USDT',
      price: 3_200 + i,
      quantity: 1,
      quote_volume: 3_200 + i,
      event_time: Date.now(),
    }));
    // One trade per record, and two more in one KPL-aggregated record (the producer's default).
    const aggregated = encodeAggregated(
      [7, 8].map((id) => ({
        partitionKey: 'SOL-USDT',
        data: Buffer.from(
          JSON.stringify({
            ...trades[0]!,
            symbol: 'SOL-USDT',
            price: 150,
            quote_volume: 150,
            event_id: `binance:SOL-USDT:${id}`,
          }),
        ),
      })),
    );
    await stack.clients.kinesis.send(
      new PutRecordsCommand({
        StreamName: 'coattail-trades',
        Records: [
          ...trades.map((t) => ({ PartitionKey: t.symbol, Data: Buffer.from(JSON.stringify(t)) })),
          { PartitionKey: 'SOL-USDT', Data: aggregated },
        ],
      }),
    );
    await stack.clients.s3.send(
      new PutObjectCommand({
        Bucket: 'coattail-raw',
        Key: 'dlq/parse_error/dt=2026-12-07/whale-detector-shard-1-1.jsonl',
        Body: '{}\n',
      }),
    );
    const url = running.server.url;
    await expect
      .poll(async () => (await snapshot(url)).alerts.map((a) => a.alert_id), { timeout: 15_000 })
      .toEqual([alert.alert_id]);
    await expect
      .poll(async () => (await snapshot(url)).market.tradesSeen, { timeout: 15_000 })
      .toEqual({ binance: 3, coinbase: 1 });
    await expect.poll(async () => (await snapshot(url)).dlqByReason, { timeout: 15_000 }).toEqual({ parse_error: 1 });
    const last = await snapshot(url);
    expect(last.tables?.map((t) => [t.name, t.snapshots])).toContainEqual(['raw_trades', 0]);
    expect(last.health).toEqual({});
    expect(last.errors).toEqual({});
  }, 90_000);

  it('refuses to listen beyond loopback without a token', async () => {
    await expect(runConsole({ host: '0.0.0.0', port: 0, stateDir: dir, logger, env, trades: false })).rejects.toThrow(
      ConsoleConfigError,
    );
  });
});

describe('where coattail console reads', () => {
  // Job settings only: no endpoint and no sign of AWS, as in a fresh terminal beside `npm start`.
  const bare = { SPREAD_WINDOW_MS: '5000', ANOMALY_WINDOW_MS: '2000' };

  it('finds the running npm start through the state file in --state-dir', async () => {
    const state = join(dir, 'running');
    const up = await lockStateDir(state);
    await up.publish({ region: stack.region, endpoints: stack.endpoints, alertsTable: 'coattail-alerts' });
    const alert = whale('binance', 'BTC-USDT', 7, Date.now());
    await stack.clients.dynamodb.send(
      new PutItemCommand({ TableName: 'coattail-alerts', Item: toItem(alert as Parameters<typeof toItem>[0]) }),
    );
    try {
      const found = await runConsole({ host: '127.0.0.1', port: 0, stateDir: state, logger, env: bare, trades: false });
      try {
        expect(found.origin).toBe(`the npm start running on ${state}, pid ${process.pid}`);
        await expect
          .poll(async () => (await snapshot(found.server.url)).alerts.map((a) => a.alert_id), { timeout: 15_000 })
          .toContain(alert.alert_id);
        expect((await snapshot(found.server.url)).errors).toEqual({});
      } finally {
        await found.close();
      }
    } finally {
      await up.release();
    }
  }, 60_000);

  it('says what to do when npm start is not running there and nothing else is configured', async () => {
    await expect(
      runConsole({ host: '127.0.0.1', port: 0, stateDir: join(dir, 'none'), logger, env: bare, trades: false }),
    ).rejects.toThrow(
      /no running npm start found \(no .*up\.json\) and no endpoints set: start the platform with `npm start`/,
    );
  });
});

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { rawTradeRow as historicalRow } from '@coattail/batch';
import { KinesisWriter } from '@coattail/connectors';
import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { startFakeGlueServer, type FakeGlueServer } from '@coattail/iceberg/testing';
import { silentLogger } from '@coattail/runtime';
import { parseJobConfig, platformTables, runStreamJob } from '@coattail/stream-jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = new URL('../../cli/bin/coattail.js', import.meta.url).pathname;
const MINUTE = 60_000;

// Glue is a fake endpoint on loopback (no Glue emulator runs here) spoken to by the real SDK client;
// Kinesis and S3 are kinesalite and s3rver.
let stack: LocalStack;
let glue: FakeGlueServer;
let dir: string;
beforeAll(async () => {
  [stack, glue, dir] = await Promise.all([
    startLocalStack({ streams: [{ name: 'coattail-trades', shards: 1 }] }),
    startFakeGlueServer({ databases: ['coattail'] }),
    mkdtemp(join(tmpdir(), 'raw-archiver-')),
  ]);
});
afterAll(async () => {
  await Promise.all([stack.stop(), glue.close(), rm(dir, { recursive: true, force: true })]);
});

/** Twelve quiet minutes of BTC-USDT, one minute with twenty times the volume, then two quiet minutes. */
function liveTrades(start: number) {
  const trades = [];
  for (let minute = 0; minute < 15; minute++)
    for (let i = 0; i < 5; i++) {
      const id = minute * 10 + i;
      const quantity = minute === 12 ? 20 : 1 + ((minute * 7 + i) % 5) / 50;
      trades.push({
        event_id: `binance:BTC-USDT:${id}`,
        exchange: 'binance' as const,
        symbol: 'BTC-USDT',
        price: 60_000,
        quantity,
        quote_volume: 60_000 * quantity,
        side: 'buy' as const,
        trade_id: id,
        event_time: start + minute * MINUTE + i * 1_000,
        ingest_time: start + minute * MINUTE + i * 1_000 + 20,
      });
    }
  return trades;
}

describe('raw-archiver: the live feed lands in raw_trades and can be reprocessed', () => {
  it('archives every gated trade once, as the historical loader writes it, and reprocess-anomalies compares it with the live alerts', async () => {
    const env = {
      CHECKPOINT_INTERVAL_MS: '300',
      ANOMALY_MIN_HISTORY: '5',
      ICEBERG_CATALOG: 'glue',
      GLUE_ENDPOINT: glue.endpoint,
    };
    const config = parseJobConfig(env);
    const deps = { clients: stack.clients, catalogDir: join(dir, 'unused'), logger: silentLogger };
    const start = Math.floor(Date.now() / MINUTE) * MINUTE - 20 * MINUTE;
    const trades = liveTrades(start);
    const bad = { ...trades[3]!, event_id: 'binance:BTC-USDT:bad', price: -1 };
    const writer = new KinesisWriter({ client: stack.clients.kinesis, streamName: config.STREAM_NAME });
    await writer.write(
      [...trades.slice(0, 10), bad, ...trades.slice(10)].map((t) => ({
        partitionKey: t.symbol,
        data: Buffer.from(JSON.stringify(t)),
      })),
    );
    await writer.close();

    const jobs = (['raw-archiver', 'volume-anomaly'] as const).map((name) =>
      runStreamJob(name, config, { ...deps, qualityMetrics: false }),
    );
    const tables = platformTables(deps, config);
    const count = async (name: 'raw_trades' | 'alerts'): Promise<number> =>
      (await (await tables(name)).refresh())
        .scan()
        .toRows()
        .then((r) => r.length);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && ((await count('raw_trades')) < trades.length || (await count('alerts')) < 1))
      await new Promise((r) => setTimeout(r, 300));
    for (const job of jobs) await job.stop();

    const raw = await (await (await tables('raw_trades')).refresh()).scan().toRows();
    expect(raw.map((r) => r.event_id).sort()).toEqual(trades.map((t) => t.event_id).sort());
    const byId = new Map(raw.map((r) => [r.event_id, r]));
    const expected = historicalRow(trades[7]!);
    const archived = byId.get(trades[7]!.event_id)!;
    for (const [column, value] of Object.entries(expected))
      expect(value instanceof Date ? new Date(Number(archived[column]) / 1000) : archived[column], column).toEqual(
        value,
      );
    const table = await tables('raw_trades');
    expect(table.spec().fields.map((f) => f.transform)).toEqual(['day', 'identity']);
    expect(glue.glue.tables.get('coattail.raw_trades')?.Parameters?.metadata_location).toBe(table.metadataLocation);

    const reportDir = join(dir, 'report');
    const { stdout } = await run(
      process.execPath,
      [CLI, 'batch', 'reprocess-anomalies', '--report-dir', reportDir, '--run-id', 'live-1'],
      {
        env: {
          ...process.env,
          ...env,
          LOG_LEVEL: 'error',
          COATTAIL_S3_ENDPOINT: stack.endpoints.s3,
          AWS_ACCESS_KEY_ID: stack.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: stack.credentials.secretAccessKey,
          AWS_REGION: stack.region,
        },
      },
    );
    expect(stdout).toContain(`${trades.length} trades`);
    expect(stdout).toMatch(/matched [1-9]\d* · only in original 0 · only in reprocessed 0/);
    const csv = await readFile(join(reportDir, 'comparison.csv'), 'utf8');
    expect(csv).toMatch(/^matched,.*BTC-USDT/m);
  }, 120_000);
});

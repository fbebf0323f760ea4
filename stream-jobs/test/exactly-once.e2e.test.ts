/**
 * Exactly-once, proven (issue 6): each job runs as a child process over a fixed dataset in
 * kinesalite, is killed with SIGKILL at random points and restarted, and must end with exactly
 * the DynamoDB items and Iceberg rows of an uninterrupted run of the same job code (in process,
 * over the same records): identical sets, no duplicates, no losses. EXACTLY_ONCE_KILLS sets the
 * number of kills per job (CI size by default).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { ensureTable, fromItem, KinesisWriter, loadTableDefinitions } from '@coattail/connectors';
import { ensureBucket, startLocalStack, type LocalStack } from '@coattail/local-stack';
import type { Row } from '@coattail/iceberg';
import { CollectSink, InMemorySource, ManualClock, silentLogger, type Sink } from '@coattail/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertItem } from '../src/runner/table-rows.js';
import {
  buildJob,
  JOB_NAMES,
  parseJobConfig,
  platformTables,
  type AlertBase,
  type Envelope,
  type JobName,
} from '../src/index.js';
import { scriptedTrades } from './dataset.js';

const KILLS = Number(process.env.EXACTLY_ONCE_KILLS ?? 2);
const bin = fileURLToPath(new URL('../../cli/bin/coattail.js', import.meta.url));
const START = Date.UTC(2026, 10, 21, 10, 0, 0);
const MINUTES = 20;
const trades = scriptedTrades(START, MINUTES);
/** Windows at or after this hold only the sentinel trades: they fire at the end of a bounded input, never on a stream. */
const SENTINEL_WINDOWS = START + MINUTES * 60_000;
let stack: LocalStack;
let dir: string;

beforeAll(async () => {
  stack = await startLocalStack();
  dir = await mkdtemp(join(tmpdir(), 'exactly-once-'));
  const writer = new KinesisWriter({ client: stack.clients.kinesis, streamName: 'coattail-trades' });
  await writer.write(trades.map((t) => ({ partitionKey: t.symbol, data: Buffer.from(JSON.stringify(t)) })));
  await writer.close();
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Rows and items as comparable strings: keys sorted, dates as Iceberg microseconds, longs as numbers. */
const canon = (o: object): string =>
  JSON.stringify(
    Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => {
          const v = (o as Record<string, unknown>)[k];
          return [k, v instanceof Date ? v.getTime() * 1000 : typeof v === 'bigint' ? Number(v) : v];
        }),
    ),
  );
const sorted = (xs: string[]): string[] => [...xs].sort();

/** The uninterrupted run: the same job code over the same records, in memory. */
async function expected(name: JobName): Promise<{ alerts: string[]; rows: Map<string, string[]> }> {
  const alerts = new CollectSink<AlertBase>();
  const rows = new Map<string, string[]>();
  const table = <T>(tableName: string, toRow: (v: T) => Row): Sink<T> => ({
    name: tableName,
    createWriter: () => ({
      write: (values) => {
        const kept = values
          .map(toRow)
          .filter((r) => !(r.window_start instanceof Date && r.window_start.getTime() >= SENTINEL_WINDOWS));
        rows.set(tableName, [...(rows.get(tableName) ?? []), ...kept.map(canon)]);
      },
    }),
  });
  const splits = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'].map((symbol) => ({
    id: symbol,
    records: trades
      .filter((t) => t.symbol === symbol)
      .map((t, i): Envelope => ({
        split: symbol,
        seq: String(i),
        arrival: t.ingest_time,
        payload: JSON.stringify(t),
        value: t,
      })),
  }));
  const env = buildJob(name, parseJobConfig({}), {
    source: new InMemorySource(splits),
    alerts: () => alerts,
    table,
    dlq: () => new CollectSink(),
    clock: new ManualClock(START),
  });
  await env.execute({ jobId: name, clock: new ManualClock(START), maxBatchSize: 500 });
  // DynamoDB keeps one item per alert_id: compare the items the alerts become.
  const streamed = alerts.values.filter((a) => a.alert_type === 'WHALE' || a.event_time < SENTINEL_WINDOWS);
  return { alerts: sorted(streamed.map((a) => canon(alertItem(a as Parameters<typeof alertItem>[0])))), rows };
}

function childEnv(name: JobName): NodeJS.ProcessEnv {
  return {
    ...process.env,
    COATTAIL_KINESIS_ENDPOINT: stack.endpoints.kinesis,
    COATTAIL_DYNAMODB_ENDPOINT: stack.endpoints.dynamodb,
    COATTAIL_S3_ENDPOINT: stack.endpoints.s3,
    AWS_ACCESS_KEY_ID: stack.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: stack.credentials.secretAccessKey,
    AWS_REGION: stack.region,
    ALERTS_TABLE: `alerts-${name}`,
    WAREHOUSE_BUCKET: `warehouse-${name}`,
    CHECKPOINT_BUCKET: `checkpoints-${name}`,
    RAW_BUCKET: `raw-${name}`,
    CHECKPOINT_INTERVAL_MS: '200',
    IDLENESS_MS: '1000',
    LOG_LEVEL: 'error',
  };
}

function start(name: JobName): ChildProcess {
  return spawn(process.execPath, [bin, 'job', name, '--state-dir', join(dir, name)], {
    env: childEnv(name),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once('exit', (code) => resolve(code)));

async function actual(name: JobName): Promise<{ alerts: string[]; rows: Map<string, string[]> }> {
  const items = (await stack.clients.dynamodb.send(new ScanCommand({ TableName: `alerts-${name}` }))).Items ?? [];
  const tables = platformTables(
    { clients: stack.clients, catalogDir: join(dir, name, 'catalog'), logger: silentLogger },
    parseJobConfig(childEnv(name)),
  );
  const rows = new Map<string, string[]>();
  for (const t of ['volume_aggregates', 'alerts', 'whale_trades', 'spreads', 'raw_trades'] as const) {
    const table = await (await tables(t)).refresh();
    if (table.currentSnapshot() === undefined) continue;
    rows.set(
      t,
      (await table.scan().toRows()).map((r) => canon(r)),
    );
  }
  return { alerts: sorted(items.map((i) => canon(fromItem(i)).replace(/,"expires_at":\d+/, ''))), rows };
}

describe('exactly-once under SIGKILL', () => {
  for (const name of JOB_NAMES) {
    it(`${name}: killed ${KILLS} times, it ends with exactly the output of an uninterrupted run`, async () => {
      const want = await expected(name);
      const [definition] = (await loadTableDefinitions()).filter((d) => d.TableName === 'coattail-alerts');
      await ensureTable(stack.clients.dynamodb, definition!, `alerts-${name}`);
      for (const bucket of ['warehouse', 'checkpoints', 'raw'])
        await ensureBucket(stack.clients.s3, `${bucket}-${name}`);

      for (let k = 0; k < KILLS; k++) {
        const child = start(name);
        await new Promise((r) => setTimeout(r, 1_500 + Math.random() * 2_500));
        child.kill('SIGKILL');
        await exited(child);
      }
      const last = start(name);
      const startedAt = Date.now();
      const wantRows = [...want.rows.values()].reduce((n, r) => n + r.length, 0);
      const deadline = Date.now() + 45_000;
      let got = await actual(name);
      // At least a few seconds: the restarted job must be up (and past a checkpoint) before SIGTERM.
      while (
        Date.now() < deadline &&
        (Date.now() - startedAt < 6_000 ||
          got.alerts.length < want.alerts.length ||
          [...got.rows.values()].reduce((n, r) => n + r.length, 0) < wantRows)
      ) {
        await new Promise((r) => setTimeout(r, 500));
        got = await actual(name);
      }
      last.kill('SIGTERM');
      expect(await exited(last)).toBe(0);
      got = await actual(name);

      // raw-archiver writes no alerts: it is held to its raw_trades rows.
      if (name === 'raw-archiver') expect(want.rows.get('raw_trades')?.length).toBeGreaterThan(0);
      else expect(want.alerts.length).toBeGreaterThan(0);
      expect(got.alerts).toEqual(want.alerts);
      for (const [table, rows] of want.rows) expect(sorted(got.rows.get(table) ?? []), table).toEqual(sorted(rows));
    }, 120_000);
  }
});

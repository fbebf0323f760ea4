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
import { ensureTable, KinesisWriter, loadTableDefinitions } from '@coattail/connectors';
import { ensureBucket, startLocalStack, type LocalStack } from '@coattail/local-stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_NAMES, type JobName } from '../src/index.js';
import { scriptedTrades } from './dataset.js';
import { rowCount, sorted, storedOutput, uninterruptedOutput, type JobOutput } from './job-output.js';

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

const actual = (name: JobName): Promise<JobOutput> => storedOutput(stack, join(dir, name, 'catalog'), childEnv(name));

describe('exactly-once under SIGKILL', () => {
  for (const name of JOB_NAMES) {
    it(`${name}: killed ${KILLS} times, it ends with exactly the output of an uninterrupted run`, async () => {
      const want = await uninterruptedOutput(name, trades, SENTINEL_WINDOWS);
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
      const wantRows = rowCount(want);
      const deadline = Date.now() + 45_000;
      let got = await actual(name);
      // At least a few seconds: the restarted job must be up (and past a checkpoint) before SIGTERM.
      while (
        Date.now() < deadline &&
        (Date.now() - startedAt < 6_000 || got.alerts.length < want.alerts.length || rowCount(got) < wantRows)
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

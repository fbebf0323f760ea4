/**
 * Stream jobs over Kafka on a third-party broker: librdkafka's mock cluster (3 brokers, started
 * through kcat). A job runs end to end in process, and each job runs as a child process that is
 * killed with SIGKILL and restarted, ending with exactly the output of an uninterrupted run.
 * Partition counts come from the cluster's metadata (the mock auto-creates topics with its own count).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { S3ObjectStore } from '@coattail/connectors';
import { silentLogger } from '@coattail/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_NAMES, parseJobConfig, runStreamJob } from '../src/index.js';
import { scriptedTrades } from './dataset.js';
import { rowCount, sorted, storedOutput, uninterruptedOutput } from './job-output.js';
import { runKafkaJobTests, startKafkaJobStack, waitFor, type KafkaJobStack } from './kafka-kit.js';

const KILLS = Number(process.env.EXACTLY_ONCE_KILLS ?? 2);
const bin = fileURLToPath(new URL('../../cli/bin/coattail.js', import.meta.url));
const START = Date.UTC(2026, 10, 21, 10, 0, 0);
const MINUTES = 20;
const trades = scriptedTrades(START, MINUTES);
const SENTINEL_WINDOWS = START + MINUTES * 60_000;
let kit: KafkaJobStack;

describe.skipIf(!runKafkaJobTests)('stream jobs on a Kafka mock cluster', () => {
  beforeAll(async () => {
    kit = await startKafkaJobStack();
  }, 60_000);
  afterAll(() => kit?.stop());

  it('reads a topic of every partition, writes whale alerts, and files a bad record under its partition and offset', async () => {
    const env = await kit.setUp('e2e');
    await kit.publish(env.KAFKA_TOPIC!, trades, [{ key: 'BTC-USDT', value: '{"oops": ' }]);
    expect(await kit.cluster.partitions(kit.cluster.kafka('meta'), env.KAFKA_TOPIC!)).toBeGreaterThan(1);
    const catalogDir = join(kit.dir, 'e2e');
    const deps = { clients: kit.stack.clients, catalogDir, logger: silentLogger, qualityMetrics: false as const };
    const job = runStreamJob('whale-detector', parseJobConfig(env), { ...deps, kafka: kit.cluster.kafka('e2e') });
    const want = await uninterruptedOutput('whale-detector', trades, SENTINEL_WINDOWS);
    let got = await storedOutput(kit.stack, catalogDir, env);
    await waitFor('the whale alerts and rows', async () => {
      got = await storedOutput(kit.stack, catalogDir, env);
      return got.alerts.length >= want.alerts.length && rowCount(got) >= rowCount(want);
    });
    await waitFor('the DLQ entry', async () => (await kit.dlqKeys(env, 'parse_error')).length > 0);
    await job.stop();
    expect(want.alerts.length).toBeGreaterThan(0);
    expect(got.alerts).toEqual(want.alerts);
    expect(sorted(got.rows.get('whale_trades') ?? [])).toEqual(sorted(want.rows.get('whale_trades') ?? []));

    const keys = await kit.dlqKeys(env, 'parse_error');
    expect(keys).toHaveLength(1);
    const body = await new S3ObjectStore({ client: kit.stack.clients.s3, bucket: env.RAW_BUCKET! }).get(keys[0]!);
    const entry = JSON.parse(Buffer.from(body!).toString().trim()) as Record<string, unknown>;
    expect(entry).toMatchObject({ reason: 'parse_error', payload: '{"oops": ' });
    expect(String(entry.split)).toMatch(new RegExp(`^${env.KAFKA_TOPIC}-\\d+$`));
    expect(String(entry.sequence_number)).toMatch(/^\d+$/);
  }, 90_000);

  const exited = (child: ChildProcess): Promise<number | null> =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve(child.exitCode)
      : new Promise((resolve) => child.once('exit', (code) => resolve(code)));

  for (const name of JOB_NAMES) {
    it(`${name}: killed ${KILLS} times, it ends with exactly the output of an uninterrupted run`, async () => {
      const env = await kit.setUp(`eo-${name}`);
      await kit.publish(env.KAFKA_TOPIC!, trades);
      const want = await uninterruptedOutput(name, trades, SENTINEL_WINDOWS);
      const catalogDir = join(kit.dir, name, 'catalog');
      const start = (): ChildProcess =>
        spawn(process.execPath, [bin, 'job', name, '--state-dir', join(kit.dir, name)], {
          env: { ...process.env, ...env },
          // Logs at error level only (the kit's LOG_LEVEL): a failing worker says why.
          stdio: ['ignore', 'inherit', 'inherit'],
        });
      const manifests = async (): Promise<Set<string>> => {
        const listed = await kit.stack.clients.s3.send(new ListObjectsV2Command({ Bucket: env.CHECKPOINT_BUCKET }));
        return new Set((listed.Contents ?? []).flatMap((o) => (o.Key?.endsWith('_manifest.json') ? [o.Key] : [])));
      };
      /** Starts a worker and waits until it has completed a checkpoint of its own. */
      const startedAndCheckpointed = async (): Promise<ChildProcess> => {
        const before = await manifests();
        const child = start();
        // A manifest not there before: old checkpoints are pruned as new ones land, so counting them would plateau.
        const isNew = async (): Promise<boolean> => [...(await manifests())].some((key) => !before.has(key));
        await waitFor('a checkpoint of the new worker', isNew, 60_000);
        return child;
      };
      for (let k = 0; k < KILLS; k++) {
        const child = await startedAndCheckpointed();
        await new Promise((r) => setTimeout(r, Math.random() * 1_500));
        child.kill('SIGKILL');
        await exited(child);
      }
      const last = await startedAndCheckpointed();
      let got = await storedOutput(kit.stack, catalogDir, env);
      await waitFor('the whole output', async () => {
        got = await storedOutput(kit.stack, catalogDir, env);
        return got.alerts.length >= want.alerts.length && rowCount(got) >= rowCount(want);
      });
      last.kill('SIGTERM');
      expect(await exited(last)).toBe(0);
      got = await storedOutput(kit.stack, catalogDir, env);
      // raw-archiver writes no alerts: it is held to its raw_trades rows.
      if (name === 'raw-archiver') expect(want.rows.get('raw_trades')?.length).toBeGreaterThan(0);
      else expect(want.alerts.length).toBeGreaterThan(0);
      expect(got.alerts).toEqual(want.alerts);
      for (const [table, rows] of want.rows) expect(sorted(got.rows.get(table) ?? []), table).toEqual(sorted(rows));
      // Nothing in the data is late: a restart that re-read from the start instead of its
      // checkpointed offsets would file the replayed trades here.
      expect(await kit.dlqKeys(env, 'late')).toEqual([]);
    }, 180_000);
  }
});

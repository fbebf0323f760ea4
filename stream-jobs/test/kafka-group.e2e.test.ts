/**
 * A stream job over Kafka while its consumer group rebalances and while a broker goes away, on
 * librdkafka's mock cluster: each run must end with exactly the output of an uninterrupted run.
 */
import { join } from 'node:path';
import { silentLogger, type JobClient } from '@coattail/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJobConfig, runStreamJob, type JobName } from '../src/index.js';
import { scriptedTrades } from './dataset.js';
import { rowCount, sorted, storedOutput, uninterruptedOutput, type JobOutput } from './job-output.js';
import { runKafkaJobTests, startKafkaJobStack, waitFor, type KafkaJobStack } from './kafka-kit.js';

const START = Date.UTC(2026, 10, 21, 10, 0, 0);
const MINUTES = 20;
const trades = scriptedTrades(START, MINUTES);
const SENTINEL_WINDOWS = START + MINUTES * 60_000;
const NAME: JobName = 'volume-anomaly';
let kit: KafkaJobStack;

describe.skipIf(!runKafkaJobTests)('a Kafka stream job under group and broker changes (mock cluster)', () => {
  beforeAll(async () => {
    kit = await startKafkaJobStack();
  }, 60_000);
  afterAll(() => kit?.stop());

  const worker = (env: Record<string, string>, id: string): JobClient =>
    runStreamJob(NAME, parseJobConfig(env), {
      clients: kit.stack.clients,
      catalogDir: join(kit.dir, env.KAFKA_TOPIC!),
      logger: silentLogger,
      qualityMetrics: false,
      kafka: kit.cluster.kafka(id),
    });

  const running = (job: JobClient): string[] =>
    [...job.tasks().values()].filter((t) => t.status === 'RUNNING').map((t) => t.id);
  const output = (env: Record<string, string>): Promise<JobOutput> =>
    storedOutput(kit.stack, join(kit.dir, env.KAFKA_TOPIC!), env);

  async function expectUninterrupted(env: Record<string, string>): Promise<void> {
    const want = await uninterruptedOutput(NAME, trades, SENTINEL_WINDOWS);
    let got = await output(env);
    await waitFor('the whole output', async () => {
      got = await output(env);
      return got.alerts.length >= want.alerts.length && rowCount(got) >= rowCount(want);
    });
    expect(rowCount(want)).toBeGreaterThan(0);
    expect(got.alerts).toEqual(want.alerts);
    for (const [table, rows] of want.rows) expect(sorted(got.rows.get(table) ?? []), table).toEqual(sorted(rows));
    expect(await kit.dlqKeys(env, 'late')).toEqual([]);
  }

  it('shares the partitions with a worker that joins mid-run and takes them back when it leaves', async () => {
    const env = await kit.setUp('rebalance', 3_000);
    const half = Math.floor(trades.length / 2);
    await kit.publish(env.KAFKA_TOPIC!, trades.slice(0, half));
    const partitions = await kit.cluster.partitions(kit.cluster.kafka('meta'), env.KAFKA_TOPIC!);
    const a = worker(env, 'worker-a');
    let b: JobClient | undefined;
    try {
      await waitFor('worker a to read every partition', () => running(a).length === partitions);
      const joined = (b = worker(env, 'worker-b'));
      // Each partition read by exactly one worker once the group has settled. On a machine busy
      // with other test files a join can wait out a request timeout (30 s) before kafkajs retries it.
      await waitFor(
        'the group to split the partitions',
        () => {
          const [ra, rb] = [running(a), running(joined)];
          return rb.length > 0 && ra.length + rb.length === partitions && ra.every((t) => !rb.includes(t));
        },
        100_000,
      );
      await kit.publish(env.KAFKA_TOPIC!, trades.slice(half));
      await new Promise((r) => setTimeout(r, 1_000));
      b = undefined;
      await joined.stop();
      await waitFor('worker a to take every partition back', () => running(a).length === partitions);
      await expectUninterrupted(env);
    } finally {
      await b?.stop();
      await a.stop();
    }
  }, 210_000);

  it('keeps going when a broker goes away mid-run and comes back', async () => {
    const env = await kit.setUp('broker-away', 3_000);
    const half = Math.floor(trades.length / 2);
    await kit.publish(env.KAFKA_TOPIC!, trades.slice(0, half));
    const job = worker(env, 'worker');
    try {
      await waitFor('some output', async () => rowCount(await output(env)) > 0);
      // The worker's connections to broker 2 drop and reconnecting is refused for a while.
      await kit.cluster.stopBroker(2);
      await new Promise((r) => setTimeout(r, 3_000));
      await kit.cluster.startBroker(2);
      await kit.publish(env.KAFKA_TOPIC!, trades.slice(half));
      await expectUninterrupted(env);
    } finally {
      await job.stop();
    }
  }, 150_000);
});

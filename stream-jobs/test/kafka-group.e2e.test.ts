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
    await waitFor('worker a to read every partition', () => running(a).length === partitions);
    const b = worker(env, 'worker-b');
    await waitFor('the group to split the partitions', () => running(b).length > 0 && running(a).length < partitions);
    expect(running(a).length + running(b).length).toBe(partitions);
    await kit.publish(env.KAFKA_TOPIC!, trades.slice(half));
    await new Promise((r) => setTimeout(r, 1_000));
    await b.stop();
    await waitFor('worker a to take every partition back', () => running(a).length === partitions);
    await expectUninterrupted(env);
    await a.stop();
  }, 150_000);

  it('keeps going when a broker goes away mid-run and comes back', async () => {
    const env = await kit.setUp('broker-away', 3_000);
    const half = Math.floor(trades.length / 2);
    await kit.publish(env.KAFKA_TOPIC!, trades.slice(0, half));
    const job = worker(env, 'worker');
    await waitFor('some output', async () => rowCount(await output(env)) > 0);
    await kit.cluster.stopBroker(2);
    // Published while broker 2 is away: its partitions' records wait in the writer's retries.
    const publishing = kit.publish(env.KAFKA_TOPIC!, trades.slice(half));
    await new Promise((r) => setTimeout(r, 3_000));
    await kit.cluster.startBroker(2);
    await publishing;
    await expectUninterrupted(env);
    await job.stop();
  }, 150_000);
});

import { MockKafkaCluster } from '@coattail/local-stack';
import { silentLogger, type Logger } from '@coattail/runtime';
import { KafkaJSNonRetriableError, type Consumer, type EachBatchHandler } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnMockCluster, SESSION, waitFor } from './mock-cluster.test-support.js';
import { CrashRejoin } from './crash-rejoin.js';

/**
 * A consumer that kafkajs leaves disconnected after a crash it does not restart from joins its
 * group again, and reads on; a closed source's consumer does not. On librdkafka's mock cluster;
 * runs wherever kcat is installed, and always in CI.
 */
let cluster: MockKafkaCluster;

/** A consumer whose first batch fails with an error kafkajs does not restart from; what it saw. */
async function crashingConsumer(topic: string, closed: () => boolean) {
  const producer = cluster.kafka(`produce-${topic}`).producer();
  await producer.connect();
  await producer.send({ topic, messages: Array.from({ length: 8 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
  await producer.disconnect();
  const consumer: Consumer = cluster
    .kafka(`consume-${topic}`)
    .consumer({ groupId: `g-${topic}`, maxWaitTimeInMs: 250, ...SESSION });
  const seen = new Set<string>();
  const crashes: boolean[] = [];
  let joins = 0;
  let failed = false;
  consumer.on(consumer.events.CRASH, ({ payload }) => void crashes.push(payload.restart));
  consumer.on(consumer.events.GROUP_JOIN, () => void joins++);
  const eachBatch: EachBatchHandler = ({ batch }) => {
    if (!failed) {
      failed = true;
      return Promise.reject(new KafkaJSNonRetriableError('a batch this consumer cannot take'));
    }
    for (const m of batch.messages) seen.add(m.value!.toString());
    return Promise.resolve();
  };
  const errors: string[] = [];
  const log: Logger = { ...silentLogger, error: (_obj, msg) => void errors.push(String(msg)) };
  new CrashRejoin({
    consumer,
    log,
    closed,
    run: () => consumer.run({ autoCommit: false, eachBatch }),
    initialDelayMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ autoCommit: false, eachBatch });
  return { consumer, seen, crashes, joins: () => joins, errors };
}

describe.skipIf(!runOnMockCluster)(
  'joining the group again after a crash kafkajs does not restart from (mock cluster)',
  () => {
    beforeAll(async () => {
      cluster = await MockKafkaCluster.start(3);
    }, 60_000);
    afterAll(() => cluster?.stop());

    it('joins again after a back-off and reads every record', async () => {
      const c = await crashingConsumer('crash-rejoin', () => false);
      try {
        await waitFor('every record read after the crash', () => c.seen.size === 8);
        expect(c.crashes).toEqual([false]); // kafkajs itself would not have restarted it
        expect(c.joins()).toBe(2);
        expect(c.errors[0]).toMatch(/crashed with an error kafkajs does not restart from/);
      } finally {
        await c.consumer.disconnect();
      }
    }, 60_000);

    it('stays out of the group once its source is closed', async () => {
      const c = await crashingConsumer('crash-closed', () => true);
      try {
        await waitFor('the crash', () => c.crashes.length === 1);
        // Batches of other partitions fetched with the failing one may still be taken; nothing after.
        await new Promise((r) => setTimeout(r, 200));
        const atCrash = c.seen.size;
        await new Promise((r) => setTimeout(r, 1_500));
        expect(c.joins()).toBe(1);
        expect(c.seen.size).toBe(atCrash);
        expect(atCrash).toBeLessThan(8);
      } finally {
        await c.consumer.disconnect();
      }
    }, 60_000);
  },
);

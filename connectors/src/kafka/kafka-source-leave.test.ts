import { MockKafkaCluster } from '@coattail/local-stack';
import type { Consumer, ConsumerConfig, Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnMockCluster, SESSION, waitFor } from './mock-cluster.test-support.js';
import { KafkaSource } from './kafka-source.js';

/**
 * A worker stopped while its consumer joins the group must leave it: else kafkajs completes that
 * join after the disconnect and keeps fetching and heartbeating, and the partitions the group
 * gives it are read by no worker while its process lives. On librdkafka's mock cluster (4
 * partitions a topic); runs wherever kcat is installed, and always in CI.
 */
let cluster: MockKafkaCluster;

/** A plain kafkajs member of `groupId` and the partitions of `topic` it holds now. */
async function member(groupId: string, topic: string): Promise<{ consumer: Consumer; held: () => number[] }> {
  const consumer = cluster.kafka(`member-${groupId}`).consumer({ groupId, maxWaitTimeInMs: 250, ...SESSION });
  let held: number[] = [];
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    held = [...(e.payload.memberAssignment[topic] ?? [])].sort((a, b) => a - b);
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ autoCommit: false, eachBatch: () => Promise.resolve() });
  return { consumer, held: () => held };
}

describe.skipIf(!runOnMockCluster)('a Kafka source closed while its consumer joins the group (mock cluster)', () => {
  beforeAll(async () => {
    cluster = await MockKafkaCluster.start(3);
  }, 60_000);
  afterAll(() => cluster?.stop());

  it('leaves the group once the join ends, so the other worker gets every partition back', async () => {
    const topic = 'leave-while-joining';
    expect(await cluster.partitions(cluster.kafka('meta'), topic)).toBe(4);
    const other = await member('g-leave', topic);
    try {
      await waitFor('the first member to hold every partition', () => other.held().length === 4);
      // kafkajs announces a connect for `consumer.connect()` and again as `run()` starts joining,
      // before it has asked for the group coordinator: the source closes right then.
      const kafka = cluster.kafka('leaving');
      let closing: Promise<void> | undefined;
      const source = new KafkaSource({
        kafka: Object.assign(Object.create(kafka) as Kafka, {
          consumer: (config: ConsumerConfig) => {
            const consumer = kafka.consumer(config);
            let connects = 0;
            consumer.on(consumer.events.CONNECT, () => {
              if (++connects === 2) closing = source.close();
            });
            return consumer;
          },
        }),
        topic,
        groupId: 'g-leave',
        consumer: SESSION,
      });
      void source.listSplits();
      await waitFor('the source to start joining', () => closing !== undefined);
      await closing;
      // Longer than a rebalance of the two members and a session timeout: a member left behind
      // would hold half the partitions by now, and for good.
      await new Promise((r) => setTimeout(r, 8_000));
      expect(other.held()).toEqual([0, 1, 2, 3]);
    } finally {
      await other.consumer.disconnect();
    }
  }, 60_000);
});

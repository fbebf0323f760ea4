import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockKafkaCluster } from '@coattail/local-stack';
import { runMockClusterTests, startMockCluster } from './mock-cluster.js';

let cluster: MockKafkaCluster;

// Skipped only outside CI on a machine without kcat; in CI a missing kcat fails in beforeAll.
describe.skipIf(!runMockClusterTests)('librdkafka mock cluster behind the metadata proxy', () => {
  beforeAll(async () => {
    cluster = await startMockCluster();
  });
  afterAll(() => cluster?.stop());

  it('gives kafkajs a real controller, so an idempotent producer can send and a consumer read back', async () => {
    const kafka = cluster.kafka('mock-smoke');
    const admin = kafka.admin();
    await admin.connect();
    const { brokers, controller } = await admin.describeCluster();
    await admin.disconnect();
    expect(brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
    expect(brokers.map((b) => b.nodeId)).toContain(controller);

    const partitions = await cluster.partitions(kafka, 'smoke');
    expect(partitions).toBeGreaterThan(1);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({
      topic: 'smoke',
      messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i % 5}`, value: String(i) })),
    });
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: 'smoke-group', maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'smoke', fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: ({ message }) => {
          seen.push(message.value!.toString());
          if (seen.length === 20) resolve();
          return Promise.resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(seen.map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('names the brokers it has when asked to stop one it does not', async () => {
    await expect(cluster.stopBroker(9)).rejects.toThrow('the mock cluster has no broker 9 (brokers 1..3)');
  });
});

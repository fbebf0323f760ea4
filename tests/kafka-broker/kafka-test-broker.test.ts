import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaTestBroker } from './kafka-test-broker.js';

// The broker under test is a protocol fixture for the connector tests, not a Kafka to deploy.
let broker: KafkaTestBroker;
beforeAll(async () => {
  broker = await new KafkaTestBroker().start();
});
afterAll(() => broker.stop());

describe('Kafka wire-protocol test fixture', () => {
  it('lets kafkajs create a topic, produce, and consume in a group from the beginning', async () => {
    const kafka = new Kafka({ clientId: 'fixture-test', brokers: broker.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'trades', numPartitions: 2 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'trades',
      messages: Array.from({ length: 20 }, (_, i) => ({ key: `k${i % 4}`, value: String(i) })),
    });
    await producer.disconnect();
    expect(broker.endOffsets('trades').reduce((a, b) => a + b, 0n)).toBe(20n);

    const consumer = kafka.consumer({ groupId: 'g1', maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic: 'trades', fromBeginning: true });
    const seen: string[] = [];
    await consumer.run({ eachMessage: ({ message }) => Promise.resolve(void seen.push(message.value!.toString())) });
    for (let i = 0; i < 100 && seen.length < 20; i++) await new Promise((r) => setTimeout(r, 50));
    await consumer.disconnect();
    expect(seen.map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});

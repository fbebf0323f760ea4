import { Kafka, logLevel } from 'kafkajs';
import { KafkaSource, KafkaWriter } from '@coattail/connectors';
import { afterAll, beforeAll } from 'vitest';
import { KafkaTestBroker } from './kafka-test-broker.js';

/**
 * Starts the protocol fixture for the test file (before its tests, stopped after them) and returns
 * getters for it and for a quiet kafkajs client of it with short retries.
 */
export function useFixtureBroker(clientId: string): { broker: () => KafkaTestBroker; kafka: () => Kafka } {
  let broker: KafkaTestBroker | undefined;
  let kafka: Kafka | undefined;
  beforeAll(async () => {
    broker = await new KafkaTestBroker().start();
    kafka = new Kafka({
      clientId,
      brokers: broker.brokers,
      logLevel: logLevel.NOTHING,
      retry: { retries: 5, initialRetryTime: 50 },
    });
  });
  afterAll(() => broker?.stop());
  const started = <T>(value: T | undefined): T => {
    if (value === undefined)
      throw new Error('the Kafka fixture is not started: call useFixtureBroker at the top of the file');
    return value;
  };
  return { broker: () => started(broker), kafka: () => started(kafka) };
}

/** Polls `ok` every 20 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(what: string, ok: () => boolean, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A record as the rebalance tests read it: its partition, offset and the number it carries. */
// A type alias, not an interface: the transactional sink takes JSON values only.
export type Read = { p: number; o: string; i: number };

/** A worker's source of `topic` in `groupId`, reading {@link Read}s, with short fetch waits and heartbeats. */
export function readSource(kafka: Kafka, topic: string, groupId: string): KafkaSource<Read> {
  return new KafkaSource<Read>({
    kafka,
    topic,
    groupId,
    deserialize: (r) => ({ p: r.partition, o: r.offset, i: (JSON.parse(r.value!.toString()) as { i: number }).i }),
    consumer: { maxWaitTimeInMs: 50, heartbeatInterval: 100, sessionTimeout: 10_000, rebalanceTimeout: 5_000 },
  });
}

/**
 * A writer of numbered records `{ i }` to `topic`, one key per number, counting on from where its
 * last call stopped; `written()` says how many so far, `close()` ends it.
 */
export function numberedWriter(
  kafka: Kafka,
  topic: string,
): { write: (count: number) => Promise<void>; written: () => number; close: () => Promise<void> } {
  const writer = new KafkaWriter({ kafka, topic });
  let written = 0;
  return {
    write: async (count) => {
      const batch = Array.from({ length: count }, (_, j) => written + j);
      written += count;
      await writer.write(batch.map((i) => ({ key: `k${i}`, value: JSON.stringify({ i }) })));
    },
    written: () => written,
    close: () => writer.close(),
  };
}

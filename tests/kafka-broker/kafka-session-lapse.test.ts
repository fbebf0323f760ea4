import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaSource, KafkaWriter, LocalObjectStore, type KafkaRecord } from '@coattail/connectors';
import { describe, expect, it } from 'vitest';
import { useFixtureBroker } from './fixture-kit.js';

// A worker whose process stood still for longer than its session timeout (paused, starved): the
// group coordinator may have evicted it and given its partitions to another worker, which it
// learns only from its next heartbeat. On the protocol fixture, for its short session timeouts.
const fixture = useFixtureBroker('session-lapse-test');

const TOPIC = 'trades-session-lapse';
const SESSION_MS = 1_000;

async function write(from: number, count: number): Promise<void> {
  const writer = new KafkaWriter({ kafka: fixture.kafka(), topic: TOPIC });
  const values = Array.from({ length: count }, (_, j) => from + j);
  await writer.write(values.map((i) => ({ key: 'k', value: String(i) })));
  await writer.close();
}

/** What a process paused by the operating system sees when it runs again: time went by, nothing else happened. */
function standStill(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until);
}

describe('a Kafka worker that stood still for longer than its session timeout', () => {
  it('hands out nothing and completes no checkpoint until the group confirms its partitions, then reads on', async () => {
    fixture.broker().createTopic(TOPIC, 1);
    const source = new KafkaSource<KafkaRecord>({
      kafka: fixture.kafka(),
      topic: TOPIC,
      groupId: 'session-lapse-group',
      consumer: { maxWaitTimeInMs: 50, heartbeatInterval: 100, sessionTimeout: SESSION_MS, rebalanceTimeout: 2_000 },
    });
    const store = source.fence(new LocalObjectStore(await mkdtemp(join(tmpdir(), 'kafka-session-lapse-'))));
    const manifest = `job/${TOPIC}-0/chk-1/_manifest.json`;
    const [split] = await source.listSplits();
    let reader = source.createReader(split!, undefined);
    const read: string[] = [];
    const readUntil = async (n: number): Promise<void> => {
      const until = Date.now() + 20_000;
      while (read.length < n && Date.now() < until) {
        // As the runtime does: a reader the source revoked (the group evicted this worker, which
        // joined again) is released, and a new one starts where the records handed out end.
        if (!source.owns(split!)) {
          await reader.close?.();
          reader = source.createReader(split!, { offset: String(read.length) });
        }
        const batch = await reader.poll(100);
        read.push(...batch.records.map((r) => r.value!.toString()));
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    try {
      await write(0, 10);
      await readUntil(10);
      await store.put(manifest, Buffer.from('{}'));
      await write(10, 10);
      await new Promise((r) => setTimeout(r, 500)); // fetched into the source's buffer meanwhile

      standStill(SESSION_MS * 1.5);
      const polled = await reader.poll(100);
      const refused = await store.put(manifest, Buffer.from('{}')).then(
        () => undefined,
        (error: unknown) => error as { code?: string; retryable?: boolean },
      );
      expect(polled.records).toEqual([]);
      expect(refused?.code).toBe('KAFKA_PARTITION_NOT_ASSIGNED');
      expect(refused?.retryable).toBe(true);

      // Its heartbeat goes through, or it joins the group again: the same records, once, in order.
      await readUntil(20);
      expect(read).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
      await store.put(manifest, Buffer.from('{}'));
    } finally {
      await reader.close?.();
      await source.close();
    }
  }, 30_000);
});

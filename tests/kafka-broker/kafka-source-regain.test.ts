import { KafkaSource, KafkaWriter, type KafkaRecord } from '@coattail/connectors';
import type { SplitReader } from '@coattail/runtime';
import { describe, expect, it } from 'vitest';
import { useFixtureBroker, waitFor } from './fixture-kit.js';

// Partitions taken away and given back by the group while their readers stay open (the runtime
// had not yet released their tasks), among them a partition paused because its buffer was full.
// On the protocol fixture, for its short session timeouts and exact partition counts.
const fixture = useFixtureBroker('regain-test');

const TOPIC = 'trades-regain';
const GROUP = 'regain-group';
const CONSUMER = { maxWaitTimeInMs: 50, heartbeatInterval: 100, sessionTimeout: 5_000, rebalanceTimeout: 2_000 };

async function write(values: readonly string[]): Promise<void> {
  const writer = new KafkaWriter({ kafka: fixture.kafka(), topic: TOPIC });
  // One key per partition of the two: the producer's default partitioner spreads k0..k9.
  await writer.write(values.map((v, i) => ({ key: `k${i % 10}`, value: v })));
  await writer.close();
}

describe('a Kafka source whose partitions the group takes away and gives back while their readers are open', () => {
  it('revokes the old reader of a partition it got back, and a new reader from that position reads every record once, in order', async () => {
    fixture.broker().createTopic(TOPIC, 2);
    const source = new KafkaSource<KafkaRecord>({
      kafka: fixture.kafka(),
      topic: TOPIC,
      groupId: GROUP,
      maxBufferedPerPartition: 5,
      consumer: CONSUMER,
    });
    const splits = await source.listSplits();
    expect(splits).toHaveLength(2);
    const readers = new Map<number, SplitReader<KafkaRecord>>(
      splits.map((s) => [(s.meta as { partition: number }).partition, source.createReader(s, undefined)]),
    );
    const read = new Map<number, string[]>([
      [0, []],
      [1, []],
    ]);
    const poll = async (partition: number, max: number): Promise<void> => {
      const batch = await readers.get(partition)!.poll(max);
      read.get(partition)!.push(...batch.records.map((r) => r.offset));
    };
    const other = fixture.kafka().consumer({ groupId: GROUP, ...CONSUMER });
    try {
      await write(Array.from({ length: 40 }, (_, i) => `first-${i}`));
      // Each partition is read a little, then left alone: its buffer fills and it is paused, so the
      // one the group takes away is paused when it goes, and when it comes back.
      while (read.get(0)!.length === 0 || read.get(1)!.length === 0) {
        for (const p of [0, 1]) if (read.get(p)!.length === 0) await poll(p, 2);
        await new Promise((r) => setTimeout(r, 20));
      }
      await new Promise((r) => setTimeout(r, 500));

      // Another member joins: each holds one partition. Then it leaves and the source has both again.
      let otherHolds: number[] = [];
      other.on(other.events.GROUP_JOIN, (e) => {
        otherHolds = e.payload.memberAssignment[TOPIC] ?? [];
      });
      await other.connect();
      await other.subscribe({ topic: TOPIC, fromBeginning: true });
      await other.run({ autoCommit: false, eachBatch: () => Promise.resolve() });
      await waitFor(
        'the group to split the partitions',
        () => otherHolds.length === 1 && source.assignment.length === 1,
      );
      const lost = otherHolds[0]!;
      const lostSplit = splits.find((s) => (s.meta as { partition: number }).partition === lost)!;
      await other.disconnect();
      await waitFor('the source to hold both partitions again', () => source.assignment.length === 2);

      // The other member may have read and checkpointed the partition meanwhile: its old reader
      // gets nothing and the runtime is told to release its task (the kept partition reads on).
      expect(source.owns(lostSplit)).toBe(false);
      expect((await readers.get(lost)!.poll(100)).records).toEqual([]);
      expect(source.owns(splits.find((s) => s !== lostSplit)!)).toBe(true);
      // Released; the new task starts from the partition's checkpoint, here where the old reader stood.
      await readers.get(lost)!.close?.();
      expect(source.owns(lostSplit)).toBe(true);
      const position = { offset: String(read.get(lost)!.length) };
      readers.set(lost, source.createReader(lostSplit, position));

      await write(Array.from({ length: 40 }, (_, i) => `second-${i}`));
      const ends = fixture.broker().endOffsets(TOPIC);
      expect(ends.every((end) => end > 0n)).toBe(true);
      const until = Date.now() + 30_000;
      while ([0, 1].some((p) => read.get(p)!.length < Number(ends[p]!)) && Date.now() < until) {
        for (const p of [0, 1]) await poll(p, 3);
        await new Promise((r) => setTimeout(r, 20));
      }
      for (const p of [0, 1])
        expect(read.get(p)).toEqual(Array.from({ length: Number(ends[p]!) }, (_, o) => String(o)));
    } finally {
      for (const r of readers.values()) await r.close?.();
      await source.close();
    }
  }, 60_000);
});

describe('a Kafka source whose last open reader is of a partition it lost and got back', () => {
  it('stays in the group when that reader closes (its task was released, the job goes on)', async () => {
    const topic = `${TOPIC}-release`;
    const group = `${GROUP}-release`;
    fixture.broker().createTopic(topic, 2);
    const source = new KafkaSource<KafkaRecord>({ kafka: fixture.kafka(), topic, groupId: group, consumer: CONSUMER });
    const splits = await source.listSplits();
    const readers = new Map(
      splits.map((s) => [(s.meta as { partition: number }).partition, source.createReader(s, undefined)]),
    );
    const other = fixture.kafka().consumer({ groupId: group, ...CONSUMER });
    try {
      let otherHolds: number[] = [];
      other.on(other.events.GROUP_JOIN, (e) => {
        otherHolds = e.payload.memberAssignment[topic] ?? [];
      });
      await other.connect();
      await other.subscribe({ topic, fromBeginning: true });
      await other.run({ autoCommit: false, eachBatch: () => Promise.resolve() });
      await waitFor(
        'the group to split the partitions',
        () => otherHolds.length === 1 && source.assignment.length === 1,
      );
      const [kept] = source.assignment;
      const lost = otherHolds[0]!;
      // The task of the kept partition ends; the runtime released the lost one's task, which is
      // still closing when the other member leaves and the group gives the partition back.
      await readers.get(kept!)!.close?.();
      await other.disconnect();
      await waitFor('the source to hold both partitions again', () => source.assignment.length === 2);
      await readers.get(lost)!.close?.();

      await new Promise((r) => setTimeout(r, 500));
      expect(source.assignment).toEqual([0, 1]);
      expect((await source.listSplits()).map((s) => s.id)).toEqual([`${topic}-0`, `${topic}-1`]);
    } finally {
      await source.close();
    }
  }, 60_000);
});

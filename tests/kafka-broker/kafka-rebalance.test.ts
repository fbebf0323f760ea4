import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamEnvironment, TransactionalCollectSink, WatermarkStrategy, type JobClient } from '@coattail/runtime';
import { type KafkaSource, LocalObjectStore } from '@coattail/connectors';
import { describe, expect, it } from 'vitest';
import { numberedWriter, readSource, useFixtureBroker, waitFor, type Read } from './fixture-kit.js';

// kafkajs talks to a Kafka wire-protocol test fixture here (no Kafka broker can be installed on
// these machines): its group coordinator rebalances on join and leave, answers heartbeats with
// REBALANCE_IN_PROGRESS and hands out generations as Kafka's does. Production points the same
// source at Kafka, MSK or Redpanda.
const fixture = useFixtureBroker('rebalance-test');

const TOPIC = 'trades-rebalance';
const PARTITIONS = [0, 1, 2, 3];
const ids = (partitions: readonly number[]): string[] => partitions.map((p) => `${TOPIC}-${p}`);

interface Consumed {
  worker: string;
  p: number;
}

interface Worker {
  source: KafkaSource<Read>;
  job: JobClient;
  /** Ids of the tasks reading now. */
  running(): string[];
  status(taskId: string): string | undefined;
}

/** One worker: its own runtime job (same job id, one checkpoint store) and consumer in group `g`. */
function startWorker(
  name: string,
  store: LocalObjectStore,
  sink: TransactionalCollectSink<Read>,
  consumed: Consumed[],
): Worker {
  const source = readSource(fixture.kafka(), TOPIC, 'rebalance-group');
  const env = StreamEnvironment.create();
  env
    .fromSource(source, WatermarkStrategy.noWatermarks())
    .map((r) => {
      consumed.push({ worker: name, p: r.p });
      return r;
    })
    .sinkTo(sink);
  const job = env.executeAsync({
    jobId: 'kafka-rebalance',
    checkpointStore: source.fence(store),
    splitFilter: source.owns,
    splitDiscoveryIntervalMs: 100,
    checkpointIntervalMs: 150,
    idlePollDelayMs: 5,
    maxIdlePollDelayMs: 50,
  });
  const tasks = (): { id: string; status: string }[] =>
    [...job.tasks().values()].map((t) => ({ id: t.id, status: t.status }));
  return {
    source,
    job,
    running: () =>
      tasks()
        .filter((t) => t.status === 'RUNNING')
        .map((t) => t.id)
        .sort(),
    status: (id) => tasks().find((t) => t.id === id)?.status,
  };
}

describe('Kafka source following consumer-group rebalances (kafkajs against the protocol fixture)', () => {
  it('splits partitions with a worker that joins, takes them back when it leaves, and commits every record exactly once', async () => {
    fixture.broker().createTopic(TOPIC, PARTITIONS.length);
    const store = new LocalObjectStore(await mkdtemp(join(tmpdir(), 'kafka-rebalance-')));
    // One transactional sink behind both workers, as one external table would be: a record counts
    // once its checkpoint completes, so what a worker read after its last checkpoint and then lost
    // must be read again by the new owner, and nothing may be committed twice.
    const sink = new TransactionalCollectSink<Read>();
    const consumed: Consumed[] = [];
    const writer = numberedWriter(fixture.kafka(), TOPIC);
    const { write } = writer;
    await write(200);
    let producing = true;
    const producer = (async () => {
      while (producing) {
        await write(10);
        await new Promise((r) => setTimeout(r, 15));
      }
    })();

    const a = startWorker('a', store, sink, consumed);
    await waitFor('worker a to read all four partitions', () => a.running().join() === ids(PARTITIONS).join());
    await waitFor('worker a to read records', () => consumed.length >= 200);

    // A second worker joins: the group rebalances and each gets two partitions.
    const b = startWorker('b', store, sink, consumed);
    await waitFor('the partitions to be split between the workers', () => {
      const [pa, pb] = [a.source.assignment, b.source.assignment];
      return (
        pa.length === 2 &&
        pb.length === 2 &&
        pa.every((p) => !pb.includes(p)) &&
        a.running().join() === ids(pa).join() &&
        b.running().join() === ids(pb).join()
      );
    });
    const moved = b.source.assignment;
    for (const id of ids(moved)) expect(a.status(id)).toBe('RELEASED');

    // Settled: from here on, no partition is read by both workers.
    const settled = consumed.length;
    await waitFor(
      'both workers to read new records',
      () => new Set(consumed.slice(settled).map((c) => c.worker)).size === 2,
    );
    await new Promise((r) => setTimeout(r, 300));
    const readers = new Map<number, Set<string>>();
    for (const c of consumed.slice(settled)) readers.set(c.p, (readers.get(c.p) ?? new Set()).add(c.worker));
    for (const [p, workers] of readers) expect([p, [...workers]]).toEqual([p, [moved.includes(p) ? 'b' : 'a']]);

    // The second worker leaves (stopping checkpoints its partitions first): the first takes them back.
    await b.job.stop();
    await b.source.close();
    await waitFor(
      'worker a to read all four partitions again',
      () => a.source.assignment.length === 4 && a.running().join() === ids(PARTITIONS).join(),
    );
    const back = consumed.length;
    await waitFor('worker a to read the partitions it took back', () =>
      consumed.slice(back).some((c) => moved.includes(c.p)),
    );
    expect(new Set(consumed.slice(back).map((c) => c.worker))).toEqual(new Set(['a']));

    producing = false;
    await producer;
    await writer.close();
    const ends = fixture.broker().endOffsets(TOPIC);
    expect(ends.reduce((x, y) => x + y, 0n)).toBe(BigInt(writer.written()));
    await waitFor('every record to be committed', () => sink.committed.length >= writer.written());
    await a.job.stop();
    await a.source.close();

    expect(sink.committed).toHaveLength(writer.written());
    expect(sink.committed.map((r) => r.i).sort((x, y) => x - y)).toEqual(
      Array.from({ length: writer.written() }, (_, i) => i),
    );
    // Every partition's offsets, each once: nothing skipped on a handover, nothing committed twice.
    for (const p of PARTITIONS) {
      const offsets = sink.committed
        .filter((r) => r.p === p)
        .map((r) => BigInt(r.o))
        .sort((x, y) => (x < y ? -1 : 1));
      expect(offsets).toEqual(Array.from({ length: Number(ends[p]!) }, (_, o) => BigInt(o)));
    }
  });
});

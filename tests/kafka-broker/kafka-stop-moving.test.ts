import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamEnvironment, TransactionalCollectSink, WatermarkStrategy } from '@coattail/runtime';
import { LocalObjectStore } from '@coattail/connectors';
import { describe, expect, it } from 'vitest';
import { numberedWriter, readSource, useFixtureBroker, waitFor, type Read } from './fixture-kit.js';

// A worker stopped right after the group moved some of its partitions to another worker, before
// it released their tasks: those tasks' final checkpoints are refused by the fence, for good.
// On the protocol fixture for its short session timeouts (see README.md).
const fixture = useFixtureBroker('stop-moving-test');

const TOPIC = 'trades-stop-moving';

/** A worker of the job: it notices partitions it lost only every `discoveryMs`. */
function startWorker(store: LocalObjectStore, sink: TransactionalCollectSink<Read>, discoveryMs: number) {
  const source = readSource(fixture.kafka(), TOPIC, 'stop-moving-group');
  const env = StreamEnvironment.create();
  env.fromSource(source, WatermarkStrategy.noWatermarks()).sinkTo(sink);
  const job = env.executeAsync({
    jobId: 'kafka-stop-moving',
    checkpointStore: source.fence(store),
    splitFilter: source.owns,
    splitDiscoveryIntervalMs: discoveryMs,
    checkpointIntervalMs: 150,
    idlePollDelayMs: 5,
    maxIdlePollDelayMs: 50,
  });
  const running = (): number => [...job.tasks().values()].filter((t) => t.status === 'RUNNING').length;
  return { source, job, running };
}

const codes = (error: unknown): unknown[] => {
  const chain: unknown[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) chain.push((e as { code?: unknown }).code);
  return chain;
};

describe('a Kafka worker stopped while the group moves its partitions away', () => {
  it('stops at once, without retrying checkpoints it can never complete, and loses or repeats nothing', async () => {
    fixture.broker().createTopic(TOPIC, 4);
    const store = new LocalObjectStore(await mkdtemp(join(tmpdir(), 'kafka-stop-moving-')));
    const sink = new TransactionalCollectSink<Read>();
    const writer = numberedWriter(fixture.kafka(), TOPIC);
    const { write } = writer;
    await write(200);

    const a = startWorker(store, sink, 60_000);
    await waitFor('worker a to read all four partitions', () => a.running() === 4);
    await waitFor("worker a's first records to be committed", () => sink.committed.length > 0);
    await write(100);
    const b = startWorker(store, sink, 100);
    await waitFor(
      'the group to split the partitions',
      () => a.source.assignment.length === 2 && b.source.assignment.length === 2,
    );
    // Worker a still runs the tasks of the two partitions it lost: its next discovery is a minute away.
    expect(a.running()).toBe(4);

    const started = Date.now();
    const outcome = await a.job
      .stop()
      .then(
        () => a.job.done,
        () => a.job.done,
      )
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    const tookMs = Date.now() - started;
    await a.source.close();
    // Ten attempts with back-off took about 26 s; the kept partitions' checkpoints are all that is left.
    expect(tookMs).toBeLessThan(5_000);
    expect(codes(outcome)).toContain('KAFKA_PARTITION_NOT_ASSIGNED');

    // Worker b takes every partition and resumes each from its last completed checkpoint.
    await waitFor('worker b to read all four partitions', () => b.source.assignment.length === 4 && b.running() === 4);
    await write(100);
    await writer.close();
    await waitFor('every record to be committed', () => sink.committed.length >= writer.written());
    await b.job.stop();
    await b.source.close();
    const ends = fixture.broker().endOffsets(TOPIC);
    for (const p of [0, 1, 2, 3]) {
      const offsets = sink.committed
        .filter((r) => r.p === p)
        .map((r) => BigInt(r.o))
        .sort((x, y) => (x < y ? -1 : 1));
      expect(offsets).toEqual(Array.from({ length: Number(ends[p]!) }, (_, o) => BigInt(o)));
    }
    expect(sink.committed).toHaveLength(writer.written());
  }, 60_000);
});

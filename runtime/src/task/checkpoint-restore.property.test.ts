import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AggregateFunction } from '../api/functions.js';
import { OutputTag } from '../api/output-tag.js';
import { StreamEnvironment } from '../api/stream-environment.js';
import { LocalCheckpointStore } from '../checkpoint/local-checkpoint-store.js';
import { ValueStateDescriptor, type ValueState } from '../state/state-descriptors.js';
import { TransactionalCollectSink } from '../sink/collect-sink.js';
import { InMemorySource } from '../source/in-memory-source.js';
import { WatermarkStrategy } from '../watermarks/watermark-strategy.js';
import { SlidingEventTimeWindows, TumblingEventTimeWindows } from '../windows/window-assigners.js';
import { runToEnd, taskFor } from './task-test-kit.js';

interface Ev {
  key: string;
  t: number;
  v: number;
}

const sum: AggregateFunction<Ev, [number, number], [number, number]> = {
  createAccumulator: () => [0, 0],
  add: (e, acc) => [acc[0] + 1, acc[1] + e.v],
  getResult: (acc) => acc,
};

type Sinks = Record<'tumble' | 'late' | 'slide' | 'total', TransactionalCollectSink<string>>;
const sinks = (): Sinks => ({
  tumble: new TransactionalCollectSink(),
  late: new TransactionalCollectSink(),
  slide: new TransactionalCollectSink(),
  total: new TransactionalCollectSink(),
});
const committed = (s: Sinks) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.committed]));

/**
 * Windows with lateness and a late side output, sliding windows, and keyed state with timers:
 * everything a checkpoint must carry. Each output goes to its own exactly-once sink: the
 * interleaving across sinks depends on where checkpoints fall, the sequence within one must not.
 */
function build(splits: Ev[][], sink: Sinks) {
  const env = StreamEnvironment.create();
  const late = new OutputTag<Ev>('late');
  const source = new InMemorySource(splits.map((records, i) => ({ id: `s${i}`, records })));
  const events = env.fromSource(
    source,
    WatermarkStrategy.forBoundedOutOfOrderness<Ev>(300).withTimestampAssigner((e) => e.t),
  );
  const windows = events
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(1_000))
    .allowedLateness(200)
    .sideOutputLateData(late)
    .aggregate(sum, (key, ctx, [r], out) => out.collect(`tumble ${key} ${ctx.window.start} n=${r![0]} v=${r![1]}`))
    .uid('tumble');
  windows.sinkTo(sink.tumble).uid('sink-tumble');
  windows
    .getSideOutput(late)
    .map((e) => `late ${e.key} ${e.t}`)
    .sinkTo(sink.late)
    .uid('sink-late');
  events
    .keyBy((e) => e.key)
    .window(SlidingEventTimeWindows.of(2_000, 500))
    .aggregate(sum, (key, ctx, [r], out) => out.collect(`slide ${key} ${ctx.window.start} n=${r![0]}`))
    .uid('slide')
    .sinkTo(sink.slide)
    .uid('sink-slide');
  let total: ValueState<number>;
  events
    .keyBy((e) => e.key)
    .process<string>({
      open: (ctx) => void (total = ctx.getState(new ValueStateDescriptor<number>('total', 0))),
      processElement: (e, ctx) => {
        total.update(total.value()! + e.v);
        ctx.timerService().registerEventTimeTimer(e.t + 2_000);
      },
      onTimer: (ts, ctx, out) => out.collect(`timer ${ctx.getCurrentKey()} ${ts} total=${total.value()}`),
    })
    .uid('running-total')
    .sinkTo(sink.total)
    .uid('sink-total');
  return env.getJobGraph();
}

const eventArb = fc.record({
  key: fc.constantFrom('A', 'B', 'C'),
  t: fc.integer({ min: 0, max: 8_000 }),
  v: fc.integer({ min: 1, max: 9 }),
});
// Mostly increasing timestamps with jitter, so some records are out of order and some are late.
const splitArb = fc
  .array(eventArb, { minLength: 0, maxLength: 40 })
  .map((events) => events.map((e, i) => ({ ...e, t: Math.max(0, i * 150 + (e.t % 900) - 450) })));

describe('checkpoint and restore', () => {
  it('produce exactly the output of an uninterrupted run, whatever the event order and crash point', async () => {
    let total = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(splitArb, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 8 }),
        async (splits, every, crashPoint, batch) => {
          const dir = await mkdtemp(join(tmpdir(), 'prop-'));
          try {
            const reference = sinks();
            const plain = await taskFor(build(splits, reference), { maxBatchSize: batch });
            await plain.task.open();
            const steps = await runToEnd(plain.task);
            const crashAt = Math.floor(crashPoint * steps); // always before the end: a real crash mid-stream

            const store = new LocalCheckpointStore(dir);
            const output = sinks();
            const crashing = await taskFor(build(splits, output), { store, maxBatchSize: batch });
            await crashing.task.open();
            for (let step = 1; step <= crashAt; step++) {
              if ((await crashing.task.step()) === 'done') break;
              if (step % every === 0) await crashing.task.checkpoint();
            }
            // Crash: the task object is dropped with whatever it staged; a new one restores from the store.
            const restored = await taskFor(build(splits, output), { store, maxBatchSize: batch });
            await restored.task.open();
            if (!restored.task.done) await runToEnd(restored.task);

            expect(committed(output)).toEqual(committed(reference));
            total += reference.total.committed.length;
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 100 },
    );
    expect(total).toBeGreaterThan(0); // the property saw timers fire, so it can tell lost ones
  });
});

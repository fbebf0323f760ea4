import type { DataStream } from '../api/data-stream.js';
import { describe, expect, it } from 'vitest';
import type { AggregateFunction } from '../api/functions.js';
import { OutputTag } from '../api/output-tag.js';
import { StreamEnvironment } from '../api/stream-environment.js';
import { OperatorHarness } from '../testing/operator-harness.js';
import { EventTimeSessionWindows } from './window-assigners.js';

const count: AggregateFunction<string, number, number> = {
  createAccumulator: () => 0,
  add: (_v, acc) => acc + 1,
  getResult: (acc) => acc,
  merge: (a, b) => a + b,
};

function sessions(gap: number, lateness = 0, late?: OutputTag<string>) {
  return OperatorHarness.of<string, [string, number, number, number]>(
    (s) => {
      let w = s
        .keyBy((k) => k)
        .window(EventTimeSessionWindows.withGap(gap))
        .allowedLateness(lateness);
      if (late) w = w.sideOutputLateData(late);
      return w.aggregate(count, (key, ctx, [n], out) => out.collect([key, ctx.window.start, ctx.window.end, n!]));
    },
    late ? { sideOutputs: [late] } : {},
  );
}

describe('event-time session windows', () => {
  it('closes a session after the gap and starts a new one', () => {
    const h = sessions(1_000);
    h.processElement('a', 0).processElement('a', 500).processElement('a', 3_000);
    h.processWatermark(10_000);
    expect(h.outputValues()).toEqual([
      ['a', 0, 1_500, 2],
      ['a', 3_000, 4_000, 1],
    ]);
  });

  it('merges two sessions bridged by a record that arrives out of order', () => {
    const h = sessions(1_000);
    h.processElement('a', 0).processElement('a', 1_800);
    h.processWatermark(500);
    h.processElement('a', 900); // touches both: one session 0..2_800
    h.processWatermark(10_000);
    expect(h.outputValues()).toEqual([['a', 0, 2_800, 3]]);
  });

  it('fires an extended session only at its new end', () => {
    const h = sessions(1_000);
    h.processElement('a', 0);
    h.processElement('a', 900);
    h.processWatermark(999);
    expect(h.output()).toEqual([]);
    h.processWatermark(1_899);
    expect(h.outputValues()).toEqual([['a', 0, 1_900, 2]]);
  });

  it('re-fires within allowed lateness and side-outputs records past it', () => {
    const late = new OutputTag<string>('late');
    const h = sessions(1_000, 2_000, late);
    h.processElement('a', 0).processWatermark(1_500);
    expect(h.takeOutput().map((o) => o.value)).toEqual([['a', 0, 1_000, 1]]);
    h.processElement('a', 200);
    expect(h.takeOutput().map((o) => o.value)).toEqual([['a', 0, 1_200, 2]]);
    h.processWatermark(10_000);
    h.processElement('a', 300);
    expect(h.sideOutput(late).map((r) => r.value)).toEqual(['a']);
  });

  it('survives a snapshot and restore', () => {
    const build = (s: DataStream<string>): DataStream<number> =>
      s
        .keyBy((k) => k)
        .window(EventTimeSessionWindows.withGap(1_000))
        .aggregate(count);
    const h = OperatorHarness.of<string, number>(build);
    h.processElement('a', 0).processElement('a', 100).processWatermark(50);
    const restored = OperatorHarness.restore<string, number>(build, h.snapshot(), 50);
    restored.processElement('a', 600).processWatermark(5_000);
    expect(restored.outputValues()).toEqual([3]);
  });

  it('refuses an aggregate function without merge', () => {
    const env = StreamEnvironment.create();
    const noMerge: AggregateFunction<string, number, number> = {
      createAccumulator: () => 0,
      add: (_v, a) => a + 1,
      getResult: (a) => a,
    };
    expect(() =>
      OperatorHarness.of<string, number>((s) =>
        s
          .keyBy((k) => k)
          .window(EventTimeSessionWindows.withGap(10))
          .aggregate(noMerge),
      ),
    ).toThrow(/needs a merge/);
    void env;
  });
});

import type { DataStream } from '../api/data-stream.js';
import { describe, expect, it } from 'vitest';
import { OutputTag } from '../api/output-tag.js';
import type { AggregateFunction } from '../api/functions.js';
import type { Collector } from '../types.js';
import { OperatorHarness } from '../testing/operator-harness.js';
import { SlidingEventTimeWindows, TumblingEventTimeWindows } from './window-assigners.js';

interface Trade {
  symbol: string;
  price: number;
  qty: number;
}

const sum: AggregateFunction<Trade, { n: number; qty: number }, { n: number; qty: number }> = {
  createAccumulator: () => ({ n: 0, qty: 0 }),
  add: (t, acc) => ({ n: acc.n + 1, qty: acc.qty + t.qty }),
  getResult: (acc) => acc,
  merge: (a, b) => ({ n: a.n + b.n, qty: a.qty + b.qty }),
};

const t = (symbol: string, qty = 1): Trade => ({ symbol, price: 100, qty });

function tumbling(size: number, options: { lateness?: number; late?: OutputTag<Trade> } = {}) {
  return OperatorHarness.of<Trade, { key: string; start: number; end: number; n: number; qty: number }>(
    (s) => {
      let w = s.keyBy((x) => x.symbol).window(TumblingEventTimeWindows.of(size));
      if (options.lateness !== undefined) w = w.allowedLateness(options.lateness);
      if (options.late !== undefined) w = w.sideOutputLateData(options.late);
      return w.aggregate(sum, (key, ctx, [r], out) =>
        out.collect({ key, start: ctx.window.start, end: ctx.window.end, ...r! }),
      );
    },
    options.late ? { sideOutputs: [options.late] } : {},
  );
}

describe('tumbling event-time windows', () => {
  it('fires the window when the watermark reaches its last timestamp, not before', () => {
    const h = tumbling(60_000);
    h.processElement(t('BTC'), 1_000).processElement(t('BTC'), 59_999);
    h.processWatermark(59_998);
    expect(h.output()).toEqual([]);
    h.processWatermark(59_999);
    expect(h.takeOutput()).toEqual([{ value: { key: 'BTC', start: 0, end: 60_000, n: 2, qty: 2 }, timestamp: 59_999 }]);
  });

  it('puts a record at the boundary into the next window (start inclusive, end exclusive)', () => {
    const h = tumbling(60_000);
    h.processElement(t('BTC'), 0).processElement(t('BTC'), 60_000).processElement(t('BTC'), 119_999);
    h.processWatermark(200_000);
    expect(h.outputValues().map((v) => [v.start, v.n])).toEqual([
      [0, 1],
      [60_000, 2],
    ]);
  });

  it('aggregates each key separately and emits nothing for windows without records', () => {
    const h = tumbling(10_000);
    h.processElement(t('BTC', 2), 5_000).processElement(t('ETH', 3), 6_000).processElement(t('BTC', 4), 35_000);
    h.processWatermark(100_000);
    expect(h.outputValues()).toEqual([
      { key: 'BTC', start: 0, end: 10_000, n: 1, qty: 2 },
      { key: 'ETH', start: 0, end: 10_000, n: 1, qty: 3 },
      { key: 'BTC', start: 30_000, end: 40_000, n: 1, qty: 4 },
    ]);
  });

  it('accepts out-of-order records while the watermark has not passed their window', () => {
    const h = tumbling(10_000);
    h.processElement(t('BTC'), 9_000).processElement(t('BTC'), 12_000);
    h.processWatermark(8_000);
    h.processElement(t('BTC'), 1_000); // out of order, still on time
    h.processWatermark(20_000);
    expect(h.outputValues().map((v) => [v.start, v.n])).toEqual([
      [0, 2],
      [10_000, 1],
    ]);
  });

  it('routes records later than the allowed lateness to the late side output and counts them', () => {
    const late = new OutputTag<Trade>('late');
    const h = tumbling(10_000, { late });
    h.processElement(t('BTC'), 1_000);
    h.processWatermark(15_000);
    h.processElement(t('BTC', 7), 2_000);
    expect(h.outputValues()).toHaveLength(1);
    expect(h.sideOutput(late)).toEqual([{ value: t('BTC', 7), timestamp: 2_000 }]);
    expect(h.metrics.total('lateRecords')).toBe(1);
    expect(h.metrics.total('lateRecordsDropped')).toBe(0);
  });

  it('counts late records as dropped when no side output is set', () => {
    const h = tumbling(10_000);
    h.processWatermark(15_000);
    h.processElement(t('BTC'), 2_000);
    expect(h.output()).toEqual([]);
    expect(h.metrics.total('lateRecordsDropped')).toBe(1);
  });

  it('re-fires a window with the updated result for records within the allowed lateness', () => {
    const late = new OutputTag<Trade>('late');
    const h = tumbling(10_000, { lateness: 5_000, late });
    h.processElement(t('BTC', 1), 1_000);
    h.processWatermark(9_999);
    expect(h.takeOutput().map((o) => o.value.qty)).toEqual([1]);
    h.processElement(t('BTC', 2), 3_000); // watermark 9_999 < 9_999 + 5_000: allowed
    expect(h.takeOutput().map((o) => o.value.qty)).toEqual([3]);
    h.processWatermark(14_999); // cleanup time: the window is gone
    h.processElement(t('BTC', 4), 4_000);
    expect(h.output()).toEqual([]);
    expect(h.sideOutput(late).map((r) => r.value.qty)).toEqual([4]);
  });

  it('fires a window late-created within the allowed lateness once, immediately', () => {
    const h = tumbling(10_000, { lateness: 10_000 });
    h.processWatermark(12_000);
    h.processElement(t('ETH', 5), 500);
    expect(h.takeOutput().map((o) => [o.value.key, o.value.qty])).toEqual([['ETH', 5]]);
    h.processWatermark(30_000);
    expect(h.output()).toEqual([]);
  });

  it('supports an offset and negative timestamps', () => {
    const h = OperatorHarness.of<Trade, number>((s) =>
      s
        .keyBy((x) => x.symbol)
        .window(TumblingEventTimeWindows.of(1_000, 250))
        .aggregate(sum, (_k, ctx, _r, out) => out.collect(ctx.window.start)),
    );
    h.processElement(t('A'), -1).processElement(t('A'), 249).processElement(t('A'), 250);
    h.processWatermark(5_000);
    expect(h.outputValues()).toEqual([-750, 250]);
  });

  it('keeps window contents in its snapshot and resumes from it', () => {
    const build = (s: DataStream<Trade>): DataStream<number> =>
      s
        .keyBy((x) => x.symbol)
        .window(TumblingEventTimeWindows.of(10_000))
        .aggregate(sum, (_k, _c, [r], out) => out.collect(r!.qty));
    const first = OperatorHarness.of<Trade, number>(build);
    first.processElement(t('A', 2), 1_000).processWatermark(500);
    const restored = OperatorHarness.restore<Trade, number>(build, first.snapshot(), first.watermark);
    restored.processElement(t('A', 3), 2_000).processWatermark(10_000);
    expect(restored.outputValues()).toEqual([5]);
  });

  it('still expires a restored window at its cleanup time, sending later records to the late output', () => {
    const late = new OutputTag<Trade>('late');
    const build = (s: DataStream<Trade>): DataStream<number> =>
      s
        .keyBy((x) => x.symbol)
        .window(TumblingEventTimeWindows.of(10_000))
        .allowedLateness(5_000)
        .sideOutputLateData(late)
        .aggregate(sum, (_k, _c, [r], out) => out.collect(r!.qty));
    const first = OperatorHarness.of<Trade, number>(build);
    first.processElement(t('A', 2), 1_000).processWatermark(9_999);
    const restored = OperatorHarness.restore<Trade, number>(build, first.snapshot(), 9_999, { sideOutputs: [late] });
    restored.processWatermark(14_999);
    restored.processElement(t('A', 3), 2_000);
    expect(restored.outputValues()).toEqual([]);
    expect(restored.sideOutput(late).map((r) => r.value.qty)).toEqual([3]);
    expect(restored.snapshot()).toEqual({
      [Object.keys(restored.snapshot())[0]!]: { v: 1, windows: [], fire: [], cleanup: [] },
    });
  });
});

describe('sliding event-time windows', () => {
  it('assigns each record to size / slide windows', () => {
    const h = OperatorHarness.of<Trade, [number, number]>((s) =>
      s
        .keyBy((x) => x.symbol)
        .window(SlidingEventTimeWindows.of(10_000, 5_000))
        .aggregate(sum, (_k, ctx, [r], out) => out.collect([ctx.window.start, r!.n])),
    );
    h.processElement(t('A'), 7_000).processElement(t('A'), 12_000);
    h.processWatermark(30_000);
    expect(h.outputValues()).toEqual([
      [0, 1],
      [5_000, 2],
      [10_000, 1],
    ]);
  });

  it('rejects a size that is not a multiple of the slide', () => {
    expect(() => SlidingEventTimeWindows.of(10_000, 3_000)).toThrow(/multiple of its slide/);
  });
});

describe('chained windows', () => {
  it('feeds one window’s results into a downstream window without making them late', () => {
    // Per-symbol counts per 10 s, then the total of those counts per 10 s.
    const h = OperatorHarness.of<Trade, number>((s) =>
      s
        .keyBy((x) => x.symbol)
        .window(TumblingEventTimeWindows.of(10_000))
        .aggregate(sum, (_k, _c, [r], out: Collector<number>) => out.collect(r!.n))
        .keyBy(() => 'all')
        .window(TumblingEventTimeWindows.of(10_000))
        .reduce((a, b) => a + b),
    );
    h.processElement(t('A'), 1_000)
      .processElement(t('B'), 2_000)
      .processElement(t('A'), 3_000)
      .processElement(t('B'), 12_000);
    h.processWatermark(9_999);
    expect(h.outputValues()).toEqual([3]);
    h.processWatermark(30_000);
    expect(h.outputValues()).toEqual([3, 1]);
    expect(h.metrics.total('lateRecords')).toBe(0);
  });
});

describe('window reduce and process', () => {
  it('reduces records of a window pairwise', () => {
    const h = OperatorHarness.of<number, number>((s) =>
      s
        .keyBy(() => 'k')
        .window(TumblingEventTimeWindows.of(100))
        .reduce((a, b) => Math.max(a, b)),
    );
    h.processElement(3, 1).processElement(9, 2).processElement(4, 3).processWatermark(99);
    expect(h.outputValues()).toEqual([9]);
  });

  it('hands a full-window function every record of the window', () => {
    const h = OperatorHarness.of<number, string>((s) =>
      s
        .keyBy((n) => n % 2)
        .window(TumblingEventTimeWindows.of(100))
        .process((key, _ctx, all, out) => out.collect(`${key}:${[...all].join(',')}`)),
    );
    h.processElement(1, 1).processElement(2, 2).processElement(3, 3).processWatermark(99);
    expect(h.outputValues()).toEqual(['1:1,3', '0:2']);
  });
});

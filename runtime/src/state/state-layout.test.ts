import { describe, expect, it } from 'vitest';
import type { DataStream } from '../api/data-stream.js';
import { StateRestoreError } from '../errors.js';
import { OperatorHarness } from '../testing/operator-harness.js';
import type { Json } from '../types.js';
import { EventTimeSessionWindows, TumblingEventTimeWindows } from '../windows/window-assigners.js';

interface Trade {
  symbol: string;
  qty: number;
}

const count = {
  createAccumulator: () => 0,
  add: (_t: Trade, acc: number) => acc + 1,
  getResult: (acc: number) => acc,
  merge: (a: number, b: number) => a + b,
};

type Build = (s: DataStream<Trade>) => DataStream<unknown>;
const anyOutput = (stream: DataStream<number> | DataStream<Trade>): DataStream<unknown> =>
  stream as unknown as DataStream<unknown>;

/** Three job versions that all call their stateful operator 'volume'. */
const builds: Record<'tumbling' | 'session' | 'reduce', Build> = {
  tumbling: (s) =>
    anyOutput(
      s
        .keyBy((t) => t.symbol)
        .window(TumblingEventTimeWindows.of(1_000))
        .aggregate(count)
        .uid('volume'),
    ),
  session: (s) =>
    anyOutput(
      s
        .keyBy((t) => t.symbol)
        .window(EventTimeSessionWindows.withGap(1_000))
        .aggregate(count)
        .uid('volume'),
    ),
  reduce: (s) =>
    anyOutput(
      s
        .keyBy((t) => t.symbol)
        .reduce((a, b) => ({ symbol: a.symbol, qty: a.qty + b.qty }))
        .uid('volume'),
    ),
};

function snapshotOf(build: (s: DataStream<Trade>) => DataStream<unknown>): Record<string, Json> {
  const h = OperatorHarness.of<Trade, unknown>(build);
  h.processElement({ symbol: 'BTC-USDT', qty: 1 }, 100).processElement({ symbol: 'ETH-USDT', qty: 2 }, 200);
  return h.snapshot();
}

function restoreError(build: (s: DataStream<Trade>) => DataStream<unknown>, snapshot: Record<string, Json>): unknown {
  try {
    OperatorHarness.restore<Trade, unknown>(build, snapshot, 0);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('restoring operator state from a checkpoint', () => {
  it.each([
    ['tumbling', 'session'],
    ['session', 'reduce'],
    ['reduce', 'tumbling'],
    ['tumbling', 'reduce'],
  ] as const)('refuses %s state under the uid of a %s operator, naming the uid and what differs', (from, to) => {
    const error = restoreError(builds[to], snapshotOf(builds[from]));
    expect(error).toBeInstanceOf(StateRestoreError);
    const e = error as StateRestoreError;
    expect(e.operatorId).toBe('volume');
    expect(e.code).toBe('STATE_INCOMPATIBLE');
    expect(e.retryable).toBe(false);
    expect(e.message).toMatch(/cannot restore operator 'volume'/);
    expect(e.message).toMatch(/is not (aligned-window|session-window|keyed-process) operator state \(.+: .+\)/);
  });

  it.each(Object.keys(builds) as (keyof typeof builds)[])(
    'refuses %s state written with another layout version',
    (kind) => {
      const snapshot = snapshotOf(builds[kind]);
      (snapshot['volume'] as Record<string, Json>)['v'] = 2;
      const error = restoreError(builds[kind], snapshot);
      expect(error).toBeInstanceOf(StateRestoreError);
      expect((error as Error).message).toMatch(/layout version 2 and this build reads version 1/);
    },
  );

  it.each(Object.keys(builds) as (keyof typeof builds)[])(
    'restores %s state written before layouts were versioned, and state of its own version',
    (kind) => {
      const snapshot = snapshotOf(builds[kind]);
      expect((snapshot['volume'] as Record<string, Json>)['v']).toBe(1);
      const legacy = structuredClone(snapshot);
      delete (legacy['volume'] as Record<string, Json>)['v'];
      for (const s of [snapshot, legacy]) {
        const h = OperatorHarness.restore<Trade, unknown>(builds[kind], s, 0);
        expect(h.snapshot()).toEqual(snapshot);
      }
    },
  );
});

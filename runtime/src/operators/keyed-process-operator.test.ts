import type { DataStream } from '../api/data-stream.js';
import { describe, expect, it } from 'vitest';
import type { KeyedProcessFunction } from '../api/functions.js';
import { OutputTag } from '../api/output-tag.js';
import {
  ListStateDescriptor,
  MapStateDescriptor,
  ValueStateDescriptor,
  type ListState,
  type MapState,
  type ValueState,
} from '../state/state-descriptors.js';
import { OperatorHarness } from '../testing/operator-harness.js';

interface Event {
  user: string;
  amount: number;
}

describe('KeyedProcessFunction', () => {
  it('keeps value state per key', () => {
    let total: ValueState<number>;
    const h = OperatorHarness.of<Event, string>((s) =>
      s
        .keyBy((e) => e.user)
        .process<string>({
          open: (ctx) => void (total = ctx.getState(new ValueStateDescriptor<number>('total', 0))),
          processElement: (e, ctx, out) => {
            total.update(total.value()! + e.amount);
            out.collect(`${ctx.getCurrentKey()}=${total.value()}`);
          },
        }),
    );
    h.processElement({ user: 'a', amount: 1 }, 1)
      .processElement({ user: 'b', amount: 5 }, 2)
      .processElement({ user: 'a', amount: 2 }, 3);
    expect(h.outputValues()).toEqual(['a=1', 'b=5', 'a=3']);
  });

  it('keeps list and map state per key, and clears them', () => {
    let list: ListState<number>;
    let map: MapState<string, number>;
    const h = OperatorHarness.of<Event, string>((s) =>
      s
        .keyBy((e) => e.user)
        .process<string>({
          open: (ctx) => {
            list = ctx.getListState(new ListStateDescriptor<number>('amounts'));
            map = ctx.getMapState(new MapStateDescriptor<string, number>('by-parity'));
          },
          processElement: (e, _ctx, out) => {
            if (e.amount < 0) {
              list.clear();
              map.clear();
              out.collect(`cleared:${list.get().length}:${map.size()}`);
              return;
            }
            list.add(e.amount);
            const parity = e.amount % 2 === 0 ? 'even' : 'odd';
            map.put(parity, (map.get(parity) ?? 0) + 1);
            out.collect(`${list.get().join('+')}|${[...map.entries()].map(([k, v]) => `${k}:${v}`).join(',')}`);
          },
        }),
    );
    h.processElement({ user: 'a', amount: 1 }, 1)
      .processElement({ user: 'a', amount: 2 }, 2)
      .processElement({ user: 'b', amount: 4 }, 3);
    h.processElement({ user: 'a', amount: -1 }, 4);
    expect(h.outputValues()).toEqual(['1|odd:1', '1+2|odd:1,even:1', '4|even:1', 'cleared:0:0']);
  });

  it('fires event-time timers in time order when the watermark passes them, with the key set', () => {
    const fn: KeyedProcessFunction<string, Event, string> = {
      processElement: (e, ctx) => ctx.timerService().registerEventTimeTimer(ctx.timestamp + e.amount),
      onTimer: (ts, ctx, out) => out.collect(`${ctx.getCurrentKey()}@${ts}:${ctx.timeDomain}`),
    };
    const h = OperatorHarness.of<Event, string>((s) => s.keyBy((e) => e.user).process(fn));
    h.processElement({ user: 'a', amount: 100 }, 1_000).processElement({ user: 'b', amount: 50 }, 1_000);
    h.processElement({ user: 'a', amount: 100 }, 1_000); // same key and time: one timer
    h.processWatermark(1_060);
    expect(h.takeOutput()).toEqual([{ value: 'b@1050:EVENT_TIME', timestamp: 1_050 }]);
    h.processWatermark(2_000);
    expect(h.outputValues()).toEqual(['a@1100:EVENT_TIME']);
  });

  it('fires processing-time timers as the clock advances, and honours deletes', () => {
    const h = OperatorHarness.of<Event, string>((s) =>
      s
        .keyBy((e) => e.user)
        .process<string>({
          processElement: (e, ctx) => {
            const at = ctx.timerService().currentProcessingTime() + 1_000;
            if (e.amount < 0) ctx.timerService().deleteProcessingTimeTimer(at);
            else ctx.timerService().registerProcessingTimeTimer(at);
          },
          onTimer: (ts, ctx, out) => out.collect(`${ctx.getCurrentKey()}@${ts}:${ctx.timeDomain}`),
        }),
    );
    h.processElement({ user: 'a', amount: 1 }, 0)
      .processElement({ user: 'b', amount: 1 }, 0)
      .processElement({ user: 'b', amount: -1 }, 0);
    h.setProcessingTime(999);
    expect(h.output()).toEqual([]);
    h.setProcessingTime(1_000);
    expect(h.outputValues()).toEqual(['a@1000:PROCESSING_TIME']);
  });

  it('emits side outputs and carries state and timers through a snapshot', () => {
    const alerts = new OutputTag<string>('alerts');
    const build = (s: DataStream<Event>): DataStream<number> => {
      let sum: ValueState<number>;
      return s
        .keyBy((e) => e.user)
        .process<number>({
          open: (ctx) => void (sum = ctx.getState(new ValueStateDescriptor<number>('sum'))),
          processElement: (e, ctx) => {
            sum.update((sum.value() ?? 0) + e.amount);
            if (e.amount > 100) ctx.output(alerts, `big ${e.user}`);
            ctx.timerService().registerEventTimeTimer(10_000);
          },
          onTimer: (_ts, _ctx, out) => out.collect(sum.value()!),
        });
    };
    const h = OperatorHarness.of<Event, number>(build, { sideOutputs: [alerts] });
    h.processElement({ user: 'a', amount: 500 }, 1);
    expect(h.sideOutput(alerts).map((r) => r.value)).toEqual(['big a']);
    const restored = OperatorHarness.restore<Event, number>(build, h.snapshot(), 1);
    restored.processElement({ user: 'a', amount: 7 }, 2).processWatermark(10_000);
    expect(restored.outputValues()).toEqual([507]);
  });

  it('rolls a reduce per key', () => {
    const h = OperatorHarness.of<number, number>((s) => s.keyBy((n) => n % 2).reduce((a, b) => a + b));
    h.processElement(1, 1).processElement(2, 2).processElement(3, 3);
    expect(h.outputValues()).toEqual([1, 2, 4]);
  });
});

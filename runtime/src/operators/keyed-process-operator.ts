import type {
  KeyedProcessContext,
  KeyedProcessFunction,
  KeySelector,
  OnTimerContext,
  TimeDomain,
  TimerService,
} from '../api/functions.js';
import type { OutputTag } from '../api/output-tag.js';
import { KeyedStateBackend, type KeyedStateSnapshot } from '../state/keyed-state-backend.js';
import { createRuntimeContext } from '../state/runtime-context.js';
import { TimerQueue, type TimerEntry } from '../state/timer-queue.js';
import type { Collector, Json, KeyValue, Timestamp } from '../types.js';
import { parseOperatorState, STATE_LAYOUT_VERSION } from '../state/state-layout.js';
import type { OperatorInit, StreamOperator } from './operator.js';

interface KeyedProcessSnapshot {
  v: number;
  state: KeyedStateSnapshot;
  eventTimers: TimerEntry[];
  processingTimers: TimerEntry[];
}

/**
 * Runs a {@link KeyedProcessFunction}: sets the current key before each call so state handles
 * and timers address that key; fires event-time timers as the watermark passes them and
 * processing-time timers as the clock does.
 */
export function keyedProcessOperator<K extends KeyValue, IN, OUT>(
  keySelector: KeySelector<IN, K>,
  fn: KeyedProcessFunction<K, IN, OUT>,
  init: OperatorInit,
): StreamOperator {
  const backend = new KeyedStateBackend();
  const eventTimers = new TimerQueue();
  const processingTimers = new TimerQueue();
  let key: K = undefined as unknown as K;
  let ts: Timestamp = 0;
  let domain: TimeDomain = 'EVENT_TIME';

  const out: Collector<OUT> = { collect: (value) => init.output.emit(value, ts) };
  const timers: TimerService = {
    currentWatermark: () => init.currentWatermark(),
    currentProcessingTime: () => init.clock.now(),
    registerEventTimeTimer: (time) => eventTimers.register(time, key),
    registerProcessingTimeTimer: (time) => processingTimers.register(time, key),
    deleteEventTimeTimer: (time) => eventTimers.delete(time, key),
    deleteProcessingTimeTimer: (time) => processingTimers.delete(time, key),
  };
  const context: OnTimerContext<K> = {
    get timestamp() {
      return ts;
    },
    get timeDomain() {
      return domain;
    },
    currentWatermark: () => init.currentWatermark(),
    output: <X>(tag: OutputTag<X>, value: X) => init.output.emitSide(tag, value, ts),
    getCurrentKey: () => key,
    timerService: () => timers,
  };
  const elementContext: KeyedProcessContext<K> = context;

  fn.open?.(createRuntimeContext(init, backend));

  function fire(queue: TimerQueue, time: number, timeDomain: TimeDomain): void {
    if (fn.onTimer === undefined) {
      while (queue.pollDue(time) !== undefined);
      return;
    }
    domain = timeDomain;
    for (let timer = queue.pollDue(time); timer !== undefined; timer = queue.pollDue(time)) {
      key = timer[1] as K;
      ts = timer[0];
      backend.setCurrentKey(key);
      fn.onTimer(timer[0], context, out);
    }
  }

  return {
    processBatch(values, timestamps) {
      for (let i = 0; i < values.length; i++) {
        const value = values[i] as IN;
        key = keySelector(value);
        ts = timestamps[i]!;
        backend.setCurrentKey(key);
        fn.processElement(value, elementContext, out);
      }
    },
    processWatermark: (watermark) => fire(eventTimers, watermark, 'EVENT_TIME'),
    onProcessingTime: (now) => fire(processingTimers, now, 'PROCESSING_TIME'),
    snapshotState(): Json {
      const snapshot: KeyedProcessSnapshot = {
        v: STATE_LAYOUT_VERSION,
        state: backend.snapshot(),
        eventTimers: eventTimers.snapshot(),
        processingTimers: processingTimers.snapshot(),
      };
      return snapshot as unknown as Json;
    },
    restoreState(snapshots, keep) {
      const parsed = snapshots.map((s) => parseOperatorState(init.operatorId, 'keyed-process', s));
      backend.restore(
        parsed.map((s) => s.state),
        keep,
      );
      for (const s of parsed) {
        eventTimers.restore(s.eventTimers, keep);
        processingTimers.restore(s.processingTimers, keep);
      }
    },
  };
}

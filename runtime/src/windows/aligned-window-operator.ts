import type { AggregateFunction, KeySelector, ProcessWindowFunction, WindowContext } from '../api/functions.js';
import type { OutputTag } from '../api/output-tag.js';
import type { OperatorInit, StreamOperator } from '../operators/operator.js';
import type { Collector, Json, KeyValue, Timestamp } from '../types.js';
import { parseOperatorState, STATE_LAYOUT_VERSION } from '../state/state-layout.js';
import { FireQueue, type PendingWindow } from './fire-queue.js';
import type { AlignedWindowAssigner } from './window-assigners.js';

export interface WindowOperatorSpec<IN, ACC, AGG, OUT, K extends KeyValue> {
  keySelector: KeySelector<IN, K>;
  assigner: AlignedWindowAssigner;
  aggregate: AggregateFunction<IN, ACC, AGG>;
  windowFunction?: ProcessWindowFunction<AGG, OUT, K>;
  allowedLatenessMs: number;
  lateDataTag?: OutputTag<IN>;
}

interface WindowSnapshot {
  v: number;
  windows: [KeyValue, [Timestamp, Json][]][];
  fire: [Timestamp, PendingWindow[]][];
  cleanup: [Timestamp, PendingWindow[]][];
}

/**
 * Tumbling and sliding event-time windows with incremental aggregation.
 *
 * A window `[start, end)` fires once the watermark reaches `end - 1`, emitting at timestamp
 * `end - 1`. With allowed lateness its contents are kept until the watermark passes
 * `end - 1 + allowedLateness`; a record arriving in that time is added and the window fires again
 * with the updated result. A record whose every window is past that point is late: it goes to the
 * late-data side output when one is set, and is counted either way. Windows are created by their
 * first record, so an empty window never emits.
 */
export function alignedWindowOperator<IN, ACC, AGG, OUT, K extends KeyValue>(
  spec: WindowOperatorSpec<IN, ACC, AGG, OUT, K>,
  init: OperatorInit,
): StreamOperator {
  const { keySelector, assigner, aggregate: agg, windowFunction, allowedLatenessMs: lateness, lateDataTag } = spec;
  const { size, slide, windowsPerElement } = assigner;
  const state = new Map<KeyValue, Map<Timestamp, ACC>>();
  const fire = new FireQueue();
  const cleanup = new FireQueue();
  const tags = { operator: init.operatorId, task: init.taskId };
  const lateRecords = init.metrics.counter('lateRecords', tags);
  const lateDropped = init.metrics.counter('lateRecordsDropped', tags);
  let watermark = init.currentWatermark();
  let emitTs = 0;
  let window = { start: 0, end: 0 };

  const out: Collector<OUT> = { collect: (value) => init.output.emit(value, emitTs) };
  const context: WindowContext = {
    get window() {
      return window;
    },
    get currentWatermark() {
      return watermark;
    },
    output: <X>(tag: OutputTag<X>, value: X) => init.output.emitSide(tag, value, emitTs),
  };

  function emit(key: KeyValue, start: Timestamp, acc: ACC): void {
    emitTs = start + size - 1;
    const result = agg.getResult(acc);
    if (windowFunction === undefined) {
      init.output.emit(result, emitTs);
      return;
    }
    window = { start, end: start + size };
    windowFunction(key as K, context, [result], out);
  }

  function drop(key: KeyValue, start: Timestamp): void {
    const windows = state.get(key);
    if (windows === undefined) return;
    windows.delete(start);
    if (windows.size === 0) state.delete(key);
  }

  function late(value: IN, ts: Timestamp): void {
    lateRecords.inc();
    if (lateDataTag !== undefined) init.output.emitSide(lateDataTag, value, ts);
    else lateDropped.inc();
  }

  return {
    processBatch(values, timestamps) {
      watermark = init.currentWatermark();
      const n = values.length;
      for (let i = 0; i < n; i++) {
        const value = values[i] as IN;
        const ts = timestamps[i]!;
        const key = keySelector(value);
        let start = assigner.lastStart(ts);
        // The key's windows, looked up once per record rather than once per window it falls in,
        // and created only when the record has a live window.
        let windows: Map<Timestamp, ACC> | undefined;
        for (let w = 0; w < windowsPerElement; w++, start -= slide) {
          const fireAt = start + size - 1;
          if (fireAt + lateness <= watermark) continue; // this window is gone
          if (windows === undefined) {
            windows = state.get(key);
            if (windows === undefined) state.set(key, (windows = new Map<Timestamp, ACC>()));
          }
          const acc = windows.get(start);
          if (acc === undefined) {
            const created = agg.add(value, agg.createAccumulator());
            windows.set(start, created);
            if (fireAt > watermark) fire.add(fireAt, key, start);
            if (lateness > 0) cleanup.add(fireAt + lateness, key, start);
            if (fireAt <= watermark) emit(key, start, created); // late but allowed: fire again with the update
            continue;
          }
          const added = agg.add(value, acc);
          if (added !== acc) windows.set(start, added); // immutable accumulators (numbers) return a new value
          if (fireAt <= watermark) emit(key, start, added);
        }
        if (windows === undefined) late(value, ts);
      }
    },

    processWatermark(wm) {
      watermark = wm;
      for (let due = fire.pollDue(wm); due !== undefined; due = fire.pollDue(wm)) {
        for (const [key, start] of due.windows) {
          const windows = state.get(key);
          const acc = windows?.get(start);
          if (acc === undefined) continue;
          emit(key, start, acc);
          if (lateness === 0) {
            // As drop(), reusing the lookup: one map access per fired window instead of two.
            windows!.delete(start);
            if (windows!.size === 0) state.delete(key);
          }
        }
      }
      for (let due = cleanup.pollDue(wm); due !== undefined; due = cleanup.pollDue(wm)) {
        for (const [key, start] of due.windows) drop(key, start);
      }
    },

    snapshotState(): Json {
      const windows: WindowSnapshot['windows'] = [];
      for (const [key, byStart] of state) windows.push([key, [...byStart].map(([s, acc]) => [s, acc as Json])]);
      const snapshot: WindowSnapshot = {
        v: STATE_LAYOUT_VERSION,
        windows,
        fire: fire.snapshot(),
        cleanup: cleanup.snapshot(),
      };
      return snapshot as unknown as Json;
    },

    restoreState(snapshots, keep = () => true) {
      for (const raw of snapshots.map((s) => parseOperatorState(init.operatorId, 'aligned-window', s))) {
        for (const [key, entries] of raw.windows) {
          if (!keep(key)) continue;
          let windows = state.get(key);
          if (windows === undefined) state.set(key, (windows = new Map<Timestamp, ACC>()));
          for (const [start, acc] of entries) {
            const existing = windows.get(start);
            windows.set(start, existing !== undefined && agg.merge ? agg.merge(existing, acc as ACC) : (acc as ACC));
          }
        }
        fire.restore(raw.fire, keep);
        cleanup.restore(raw.cleanup, keep);
      }
    },
  };
}

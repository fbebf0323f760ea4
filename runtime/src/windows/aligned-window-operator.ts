import type { OperatorInit, StreamOperator } from '../operators/operator.js';
import type { Json, KeyValue, Timestamp } from '../types.js';
import { parseOperatorState, STATE_LAYOUT_VERSION } from '../state/state-layout.js';
import type { AlignedWindowAssigner } from './window-assigners.js';
import { WindowOutput, type WindowFunctionSpec } from './window-output.js';
import { WindowTimers, type WindowTimersSnapshot } from './window-timers.js';

export interface WindowOperatorSpec<IN, ACC, AGG, OUT, K extends KeyValue> extends WindowFunctionSpec<
  IN,
  ACC,
  AGG,
  OUT,
  K
> {
  assigner: AlignedWindowAssigner;
}

interface WindowSnapshot extends WindowTimersSnapshot {
  v: number;
  windows: [KeyValue, [Timestamp, Json][]][];
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
  const { keySelector, assigner, aggregate: agg, allowedLatenessMs: lateness } = spec;
  const { size, slide, windowsPerElement } = assigner;
  const state = new Map<KeyValue, Map<Timestamp, ACC>>();
  const timers = new WindowTimers(lateness);
  const output = new WindowOutput(spec, init);

  const emit = (key: KeyValue, start: Timestamp, acc: ACC): void => output.emit(key, start, start + size, acc);

  function drop(key: KeyValue, start: Timestamp): void {
    const windows = state.get(key);
    if (windows === undefined) return;
    windows.delete(start);
    if (windows.size === 0) state.delete(key);
  }

  function fire(key: KeyValue, start: Timestamp): void {
    const windows = state.get(key);
    const acc = windows?.get(start);
    if (acc === undefined) return;
    emit(key, start, acc);
    if (lateness === 0) {
      // As drop(), reusing the lookup: one map access per fired window instead of two.
      windows!.delete(start);
      if (windows!.size === 0) state.delete(key);
    }
  }

  return {
    processBatch(values, timestamps) {
      const watermark = (output.watermark = init.currentWatermark());
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
            // Late but allowed: fire again with the update.
            if (timers.register(fireAt, key, start, watermark)) emit(key, start, created);
            continue;
          }
          const added = agg.add(value, acc);
          if (added !== acc) windows.set(start, added); // immutable accumulators (numbers) return a new value
          if (fireAt <= watermark) emit(key, start, added);
        }
        if (windows === undefined) output.late(value, ts);
      }
    },

    processWatermark(wm) {
      output.watermark = wm;
      timers.advance(wm, fire, drop);
    },

    snapshotState(): Json {
      const windows: WindowSnapshot['windows'] = [];
      for (const [key, byStart] of state) windows.push([key, [...byStart].map(([s, acc]) => [s, acc as Json])]);
      const snapshot: WindowSnapshot = { v: STATE_LAYOUT_VERSION, windows, ...timers.snapshot() };
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
        timers.restore(raw, keep);
      }
    },
  };
}

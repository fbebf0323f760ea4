import { JobDefinitionError } from '../errors.js';
import type { OperatorInit, StreamOperator } from '../operators/operator.js';
import type { Json, KeyValue, Timestamp } from '../types.js';
import { parseOperatorState, STATE_LAYOUT_VERSION } from '../state/state-layout.js';
import type { SessionWindowAssigner } from './window-assigners.js';
import { WindowOutput, type WindowFunctionSpec } from './window-output.js';
import { WindowTimers, type WindowTimersSnapshot } from './window-timers.js';

interface Session<ACC> {
  start: Timestamp;
  end: Timestamp;
  acc: ACC;
}

export interface SessionOperatorSpec<IN, ACC, AGG, OUT, K extends KeyValue> extends WindowFunctionSpec<
  IN,
  ACC,
  AGG,
  OUT,
  K
> {
  assigner: SessionWindowAssigner;
}

interface SessionSnapshot extends WindowTimersSnapshot {
  v: number;
  sessions: [KeyValue, [Timestamp, Timestamp, Json][]][];
}

/**
 * Event-time session windows: each record opens `[ts, ts + gap)`, which merges with every
 * session of its key it touches (accumulators combined with `merge`). Queue entries of merged-away
 * sessions go stale and are skipped when due: the due time must still be the session's end - 1.
 */
export function sessionWindowOperator<IN, ACC, AGG, OUT, K extends KeyValue>(
  spec: SessionOperatorSpec<IN, ACC, AGG, OUT, K>,
  init: OperatorInit,
): StreamOperator {
  const { keySelector, aggregate: agg, allowedLatenessMs: lateness } = spec;
  const gap = spec.assigner.gap;
  if (agg.merge === undefined) {
    throw new JobDefinitionError(
      'session windows merge accumulators: the AggregateFunction needs a merge(a, b) method',
    );
  }
  const sessions = new Map<KeyValue, Session<ACC>[]>();
  const timers = new WindowTimers(lateness);
  const output = new WindowOutput(spec, init);

  const emit = (key: KeyValue, s: Session<ACC>): void => output.emit(key, s.start, s.end, s.acc);

  function find(key: KeyValue, start: Timestamp, due: Timestamp): Session<ACC> | undefined {
    return sessions.get(key)?.find((s) => s.start === start && s.end - 1 === due);
  }

  function remove(key: KeyValue, session: Session<ACC>): void {
    const list = sessions.get(key);
    if (list === undefined) return;
    const rest = list.filter((s) => s !== session);
    if (rest.length === 0) sessions.delete(key);
    else sessions.set(key, rest);
  }

  function fire(key: KeyValue, start: Timestamp, due: Timestamp): void {
    const session = find(key, start, due);
    if (session === undefined) return; // merged into a longer session since it was queued
    emit(key, session);
    if (lateness === 0) remove(key, session);
  }

  function expire(key: KeyValue, start: Timestamp, cleanupAt: Timestamp): void {
    const session = find(key, start, cleanupAt - lateness);
    if (session !== undefined) remove(key, session);
  }

  return {
    processBatch(values, timestamps) {
      const watermark = (output.watermark = init.currentWatermark());
      for (let i = 0; i < values.length; i++) {
        const value = values[i] as IN;
        const ts = timestamps[i]!;
        const key = keySelector(value);
        const list = sessions.get(key) ?? [];
        let merged: Session<ACC> = { start: ts, end: ts + gap, acc: agg.add(value, agg.createAccumulator()) };
        const rest: Session<ACC>[] = [];
        for (const s of list) {
          if (s.start <= merged.end && merged.start <= s.end) {
            merged = {
              start: Math.min(s.start, merged.start),
              end: Math.max(s.end, merged.end),
              acc: agg.merge!(s.acc, merged.acc),
            };
          } else rest.push(s);
        }
        const due = merged.end - 1;
        if (due + lateness <= watermark) {
          output.late(value, ts);
          continue;
        }
        rest.push(merged);
        sessions.set(key, rest);
        // Late within allowed lateness: fire again with the update.
        if (timers.register(due, key, merged.start, watermark)) emit(key, merged);
      }
    },

    processWatermark(wm) {
      output.watermark = wm;
      timers.advance(wm, fire, expire);
    },

    snapshotState(): Json {
      const snapshot: SessionSnapshot = {
        v: STATE_LAYOUT_VERSION,
        sessions: [...sessions].map(([key, list]) => [key, list.map((s) => [s.start, s.end, s.acc as Json])]),
        ...timers.snapshot(),
      };
      return snapshot as unknown as Json;
    },

    restoreState(snapshots, keep = () => true) {
      for (const raw of snapshots.map((s) => parseOperatorState(init.operatorId, 'session-window', s))) {
        for (const [key, list] of raw.sessions) {
          if (!keep(key)) continue;
          const restored = list.map(([start, end, acc]) => ({ start, end, acc: acc as ACC }));
          sessions.set(key, [...(sessions.get(key) ?? []), ...restored]);
        }
        timers.restore(raw, keep);
      }
    },
  };
}

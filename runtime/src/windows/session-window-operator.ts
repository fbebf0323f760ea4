import type { AggregateFunction, KeySelector, ProcessWindowFunction, WindowContext } from '../api/functions.js';
import type { OutputTag } from '../api/output-tag.js';
import { JobDefinitionError } from '../errors.js';
import type { OperatorInit, StreamOperator } from '../operators/operator.js';
import type { Collector, Json, KeyValue, Timestamp } from '../types.js';
import { parseOperatorState, STATE_LAYOUT_VERSION } from '../state/state-layout.js';
import { FireQueue, type PendingWindow } from './fire-queue.js';
import type { SessionWindowAssigner } from './window-assigners.js';

interface Session<ACC> {
  start: Timestamp;
  end: Timestamp;
  acc: ACC;
}

export interface SessionOperatorSpec<IN, ACC, AGG, OUT, K extends KeyValue> {
  keySelector: KeySelector<IN, K>;
  assigner: SessionWindowAssigner;
  aggregate: AggregateFunction<IN, ACC, AGG>;
  windowFunction?: ProcessWindowFunction<AGG, OUT, K>;
  allowedLatenessMs: number;
  lateDataTag?: OutputTag<IN>;
}

interface SessionSnapshot {
  v: number;
  sessions: [KeyValue, [Timestamp, Timestamp, Json][]][];
  fire: [Timestamp, PendingWindow[]][];
  cleanup: [Timestamp, PendingWindow[]][];
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
  const { keySelector, aggregate: agg, windowFunction, allowedLatenessMs: lateness, lateDataTag } = spec;
  const gap = spec.assigner.gap;
  if (agg.merge === undefined) {
    throw new JobDefinitionError(
      'session windows merge accumulators: the AggregateFunction needs a merge(a, b) method',
    );
  }
  const sessions = new Map<KeyValue, Session<ACC>[]>();
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

  function emit(key: KeyValue, session: Session<ACC>): void {
    emitTs = session.end - 1;
    const result = agg.getResult(session.acc);
    if (windowFunction === undefined) return init.output.emit(result, emitTs);
    window = { start: session.start, end: session.end };
    windowFunction(key as K, context, [result], out);
  }

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

  return {
    processBatch(values, timestamps) {
      watermark = init.currentWatermark();
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
          lateRecords.inc();
          if (lateDataTag !== undefined) init.output.emitSide(lateDataTag, value, ts);
          else lateDropped.inc();
          continue;
        }
        rest.push(merged);
        sessions.set(key, rest);
        if (due > watermark) fire.add(due, key, merged.start);
        else emit(key, merged); // late within allowed lateness: fire again with the update
        if (lateness > 0) cleanup.add(due + lateness, key, merged.start);
      }
    },

    processWatermark(wm) {
      watermark = wm;
      for (let due = fire.pollDue(wm); due !== undefined; due = fire.pollDue(wm)) {
        for (const [key, start] of due.windows) {
          const session = find(key, start, due.time);
          if (session === undefined) continue; // merged into a longer session since it was queued
          emit(key, session);
          if (lateness === 0) remove(key, session);
        }
      }
      for (let due = cleanup.pollDue(wm); due !== undefined; due = cleanup.pollDue(wm)) {
        for (const [key, start] of due.windows) {
          const session = find(key, start, due.time - lateness);
          if (session !== undefined) remove(key, session);
        }
      }
    },

    snapshotState(): Json {
      const snapshot: SessionSnapshot = {
        v: STATE_LAYOUT_VERSION,
        sessions: [...sessions].map(([key, list]) => [key, list.map((s) => [s.start, s.end, s.acc as Json])]),
        fire: fire.snapshot(),
        cleanup: cleanup.snapshot(),
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
        fire.restore(raw.fire, keep);
        cleanup.restore(raw.cleanup, keep);
      }
    },
  };
}

import type { Collector, KeyValue, Timestamp } from '../types.js';
import type { TimeWindow } from '../windows/time-window.js';
import type { OutputTag } from './output-tag.js';
import type { RuntimeContext } from '../state/runtime-context.js';

/**
 * Incremental aggregation, as in Flink: one accumulator per key and window, updated per record.
 * Accumulators are checkpointed as JSON, so keep them plain data (numbers, strings, arrays, objects).
 */
export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  /** Adds a record; may mutate and return `acc`. */
  add(value: IN, acc: ACC): ACC;
  getResult(acc: ACC): OUT;
  /** Needed by merging (session) windows and by state seeding when two parents hold the same key. */
  merge?(a: ACC, b: ACC): ACC;
}

export type ReduceFunction<T> = (a: T, b: T) => T;

/** Context of a window firing. */
export interface WindowContext {
  readonly window: TimeWindow;
  readonly currentWatermark: Timestamp;
  output<X>(tag: OutputTag<X>, value: X): void;
}

/**
 * Called when a window fires, with the aggregate's result (a one-element iterable) and the
 * window's metadata, to shape the output: add the key, the window bounds, enrich.
 */
export type ProcessWindowFunction<IN, OUT, K extends KeyValue = KeyValue> = (
  key: K,
  context: WindowContext,
  elements: Iterable<IN>,
  out: Collector<OUT>,
) => void;

export type TimeDomain = 'EVENT_TIME' | 'PROCESSING_TIME';

export interface TimerService {
  currentWatermark(): Timestamp;
  currentProcessingTime(): number;
  registerEventTimeTimer(time: Timestamp): void;
  registerProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: Timestamp): void;
  deleteProcessingTimeTimer(time: number): void;
}

export interface ProcessContext {
  /** Event time of the record being processed. */
  readonly timestamp: Timestamp;
  currentWatermark(): Timestamp;
  output<X>(tag: OutputTag<X>, value: X): void;
}

export interface KeyedProcessContext<K extends KeyValue> extends ProcessContext {
  getCurrentKey(): K;
  timerService(): TimerService;
}

export interface OnTimerContext<K extends KeyValue> extends KeyedProcessContext<K> {
  readonly timeDomain: TimeDomain;
}

/**
 * Per-record logic with keyed state and timers. `open` runs once per task before any record and
 * is where state handles are obtained.
 */
export interface KeyedProcessFunction<K extends KeyValue, IN, OUT> {
  open?(context: RuntimeContext): void;
  processElement(value: IN, context: KeyedProcessContext<K>, out: Collector<OUT>): void;
  onTimer?(timestamp: Timestamp, context: OnTimerContext<K>, out: Collector<OUT>): void;
}

/** Per-record logic on a non-keyed stream (no state, no timers), with side outputs. */
export interface ProcessFunction<IN, OUT> {
  processElement(value: IN, context: ProcessContext, out: Collector<OUT>): void;
}

export type MapFunction<IN, OUT> = (value: IN) => OUT;
export type FilterFunction<T> = (value: T) => boolean;
export type FlatMapFunction<IN, OUT> = (value: IN, out: Collector<OUT>) => void;
export type KeySelector<T, K extends KeyValue> = (value: T) => K;

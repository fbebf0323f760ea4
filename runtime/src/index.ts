/**
 * @coattail/runtime — a Flink-style DataStream runtime in TypeScript.
 *
 * Tasks per source split, per-split watermarks with idleness, tumbling/sliding/session windows
 * with allowed lateness and late-data side outputs, keyed state and timers, checkpoints written
 * manifest-last, and two-phase sinks for exactly-once output.
 *
 * @example
 * import { StreamEnvironment, WatermarkStrategy, TumblingEventTimeWindows, CollectSink } from '@coattail/runtime';
 *
 * const env = StreamEnvironment.create();
 * const sink = new CollectSink<{ key: string; count: number }>();
 * env
 *   .fromCollection(trades, WatermarkStrategy.forBoundedOutOfOrderness<Trade>(5_000).withTimestampAssigner((t) => t.time))
 *   .keyBy((t) => t.symbol)
 *   .window(TumblingEventTimeWindows.of(60_000))
 *   .aggregate(countTrades, (key, ctx, [count], out) => out.collect({ key, count: count! }))
 *   .sinkTo(sink);
 * await env.execute({ jobId: 'count-trades' });
 */
export { StreamEnvironment } from './api/stream-environment.js';
export { DataStream, DataStreamSink, KeyedStream, WindowedStream, type KeyByOptions } from './api/data-stream.js';
export { OutputTag } from './api/output-tag.js';
export type {
  AggregateFunction,
  FilterFunction,
  FlatMapFunction,
  KeyedProcessContext,
  KeyedProcessFunction,
  KeySelector,
  MapFunction,
  OnTimerContext,
  ProcessContext,
  ProcessFunction,
  ProcessWindowFunction,
  ReduceFunction,
  TimeDomain,
  TimerService,
  WindowContext,
} from './api/functions.js';
export type { GraphNode, JobGraph } from './api/graph.js';

export { WatermarkStrategy, type TimestampAssigner, type WatermarkGenerator } from './watermarks/watermark-strategy.js';
export { SplitWatermarks } from './watermarks/split-watermarks.js';
export {
  TumblingEventTimeWindows,
  SlidingEventTimeWindows,
  EventTimeSessionWindows,
  type WindowAssigner,
} from './windows/window-assigners.js';
export { type TimeWindow, maxTimestamp } from './windows/time-window.js';

export {
  ValueStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  type ValueState,
  type ListState,
  type MapState,
} from './state/state-descriptors.js';
export type { RuntimeContext } from './state/runtime-context.js';

export type { Source, SplitReader, SplitBatch, SplitDescriptor, SplitPosition } from './source/source.js';
export { InMemorySource, type InMemorySplit } from './source/in-memory-source.js';
export { DataGeneratorSource, type DataGeneratorOptions } from './source/data-generator-source.js';
export { seededRandom } from './source/seeded-random.js';
export type { Sink, SinkWriter, SinkContext } from './sink/sink.js';
export { CollectSink, TransactionalCollectSink, CountingSink, type CollectedRecord } from './sink/collect-sink.js';

export type { CheckpointStore } from './checkpoint/checkpoint-store.js';
export { LocalCheckpointStore } from './checkpoint/local-checkpoint-store.js';
export { TaskCheckpoints } from './checkpoint/checkpoint-storage.js';
export type {
  TaskCheckpoint,
  CheckpointManifest,
  SplitCheckpoint,
  AssignedSplit,
} from './checkpoint/task-checkpoint.js';

export { Task, type TaskStatus, type TaskOptions } from './task/task.js';
export { assertDistributable, planStages, type Stage, type ExchangeEdge } from './exchange/exchange-plan.js';
export { DEFAULT_MAX_PARALLELISM, keyGroupOf, murmur3, taskOfKey, taskOfKeyGroup } from './exchange/key-groups.js';
export { runJob, type JobClient, type JobResult } from './task/job-runner.js';
export type { JobOptions } from './task/job-options.js';

export { type Clock, systemClock, ManualClock } from './clock.js';
export { processAlive } from './process-alive.js';
export { backoffDelay, isRetryable, sleep, withRetry, type RetryOptions } from './retry/retry.js';
export { type Logger, silentLogger } from './observability/logger.js';
export {
  emfDocument,
  stdoutEmfWriter,
  type EmfDocumentInput,
  type EmfMetric,
  type EmfUnit,
  type EmfWriter,
} from './observability/emf.js';
export {
  type Metrics,
  type Counter,
  type Gauge,
  type MetricTags,
  InMemoryMetrics,
  noopMetrics,
} from './observability/metrics.js';
export {
  RuntimeError,
  IllegalStateError,
  JobDefinitionError,
  StateRestoreError,
  PlatformError,
  SinkWriteError,
  CheckpointError,
  UserFunctionError,
  PartitioningError,
  type ErrorDomain,
} from './errors.js';
export { listIssues } from './zod-issues.js';
export { type Collector, type Json, type KeyValue, type Timestamp, MIN_WATERMARK, MAX_WATERMARK } from './types.js';

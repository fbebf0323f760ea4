import type { DataStream } from '../api/data-stream.js';
import type { OutputTag } from '../api/output-tag.js';
import { StreamEnvironment } from '../api/stream-environment.js';
import { ManualClock } from '../clock.js';
import { silentLogger } from '../observability/logger.js';
import { InMemoryMetrics } from '../observability/metrics.js';
import { InFlightTracker } from '../operators/in-flight-tracker.js';
import { CollectSink } from '../sink/collect-sink.js';
import { InMemorySource } from '../source/in-memory-source.js';
import { Pipeline } from '../task/pipeline.js';
import { MIN_WATERMARK, type Json, type Timestamp } from '../types.js';
import { WatermarkStrategy } from '../watermarks/watermark-strategy.js';

export interface HarnessRecord<T> {
  value: T;
  timestamp: Timestamp;
}

export interface HarnessOptions {
  /** Side outputs to capture, readable with `sideOutput(tag)`. */
  sideOutputs?: OutputTag<unknown>[];
  /** Processing time at start. @default 0 */
  startTime?: number;
}

/**
 * Drives a piece of pipeline by hand, like Flink's operator test harnesses: push records with
 * timestamps, push watermarks, move processing time, then read the output, side outputs and
 * operator state. The pipeline under test is built with the real DataStream API.
 *
 * @example
 * const h = OperatorHarness.of<Trade, Agg>((s) => s.keyBy((t) => t.symbol).window(TumblingEventTimeWindows.of(60_000)).aggregate(sum));
 * h.processElement(trade, 1_000);
 * h.processWatermark(59_999);
 * expect(h.takeOutput()).toEqual([{ value: ..., timestamp: 59_999 }]);
 */
export class OperatorHarness<IN, OUT> {
  readonly clock: ManualClock;
  readonly metrics = new InMemoryMetrics();
  #watermark: Timestamp = MIN_WATERMARK;
  readonly #pipeline: Pipeline;
  readonly #sourceId: string;
  readonly #main = new CollectSink<OUT>();
  readonly #side = new Map<OutputTag<unknown>, CollectSink<unknown>>();

  private constructor(build: (input: DataStream<IN>) => DataStream<OUT>, options: HarnessOptions) {
    this.clock = new ManualClock(options.startTime ?? 0);
    const env = StreamEnvironment.create();
    const input = env.fromSource(new InMemorySource<IN>([], 'harness'), WatermarkStrategy.noWatermarks<IN>());
    const output = build(input);
    output.sinkTo(this.#main);
    for (const tag of options.sideOutputs ?? []) {
      const sink = new CollectSink<unknown>();
      this.#side.set(tag, sink);
      output.getSideOutput(tag).sinkTo(sink);
    }
    this.#sourceId = input.node.id;
    this.#pipeline = new Pipeline(env.getJobGraph(), {
      jobId: 'harness',
      taskId: 'task-0',
      clock: this.clock,
      metrics: this.metrics,
      logger: silentLogger,
      inFlight: new InFlightTracker(),
    });
  }

  static of<IN, OUT>(
    build: (input: DataStream<IN>) => DataStream<OUT>,
    options: HarnessOptions = {},
  ): OperatorHarness<IN, OUT> {
    return new OperatorHarness(build, options);
  }

  get watermark(): Timestamp {
    return this.#watermark;
  }

  processElement(value: IN, timestamp: Timestamp): this {
    this.#pipeline.push(this.#sourceId, [value], [timestamp]);
    return this;
  }

  processElements(records: readonly HarnessRecord<IN>[]): this {
    this.#pipeline.push(
      this.#sourceId,
      records.map((r) => r.value),
      records.map((r) => r.timestamp),
    );
    return this;
  }

  /** Advances the watermark; like the runtime, a lower value than the current one is ignored. */
  processWatermark(watermark: Timestamp): this {
    if (watermark <= this.#watermark) return this;
    this.#watermark = watermark;
    this.#pipeline.advanceWatermark(watermark);
    return this;
  }

  /** Moves processing time forward and fires due processing-time timers. */
  setProcessingTime(time: number): this {
    this.clock.set(time);
    this.#pipeline.advanceProcessingTime(time);
    return this;
  }

  output(): HarnessRecord<OUT>[] {
    return this.#main.records.map(({ value, timestamp }) => ({ value, timestamp }));
  }

  /** The output so far, clearing it. */
  takeOutput(): HarnessRecord<OUT>[] {
    const out = this.output();
    this.#main.records.length = 0;
    return out;
  }

  outputValues(): OUT[] {
    return this.#main.values;
  }

  sideOutput<X>(tag: OutputTag<X>): HarnessRecord<X>[] {
    const sink = this.#side.get(tag);
    if (sink === undefined)
      throw new RangeError(`side output '${tag.id}' is not captured: pass it in options.sideOutputs`);
    return sink.records.map(({ value, timestamp }) => ({ value: value as X, timestamp }));
  }

  /** Operator states by operator id, as they would go into a checkpoint (a deep copy). */
  snapshot(): Record<string, Json> {
    return JSON.parse(JSON.stringify(this.#pipeline.snapshot())) as Record<string, Json>;
  }

  /** A fresh harness over the same pipeline definition, restored from `snapshot` at `watermark`. */
  static restore<IN, OUT>(
    build: (input: DataStream<IN>) => DataStream<OUT>,
    snapshot: Record<string, Json>,
    watermark: Timestamp,
    options: HarnessOptions = {},
  ): OperatorHarness<IN, OUT> {
    const harness = new OperatorHarness(build, options);
    harness.#pipeline.restore([snapshot]);
    harness.#watermark = watermark;
    return harness;
  }
}

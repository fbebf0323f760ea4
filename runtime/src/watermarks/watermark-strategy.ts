import { MIN_WATERMARK, type Timestamp } from '../types.js';

/** Extracts the event time of a record; `sourceTimestamp` is what the source attached, if anything. */
export type TimestampAssigner<T> = (record: T, sourceTimestamp: Timestamp | undefined) => Timestamp;

/**
 * Produces watermarks for one split, in Flink's shape: it sees every event, and is asked for the
 * current watermark after each batch. Returning a lower value than before is harmless: the
 * runtime never lets a watermark move backwards.
 */
export interface WatermarkGenerator {
  onEvent(timestamp: Timestamp): void;
  currentWatermark(): Timestamp;
  /** Resumes from a checkpointed watermark. Without it the runtime replays the watermark as an event (conservative). */
  restore?(watermark: Timestamp): void;
}

class BoundedOutOfOrdernessGenerator implements WatermarkGenerator {
  #maxTimestamp = MIN_WATERMARK;

  constructor(private readonly boundMs: number) {}

  onEvent(timestamp: Timestamp): void {
    if (timestamp > this.#maxTimestamp) this.#maxTimestamp = timestamp;
  }

  restore(watermark: Timestamp): void {
    if (watermark > MIN_WATERMARK) this.#maxTimestamp = Math.max(this.#maxTimestamp, watermark + this.boundMs + 1);
  }

  currentWatermark(): Timestamp {
    // Flink's convention: a watermark W promises no more records with timestamp <= W, so the
    // newest record seen at t allows W = t - bound - 1.
    return this.#maxTimestamp === MIN_WATERMARK ? MIN_WATERMARK : this.#maxTimestamp - this.boundMs - 1;
  }
}

class NoWatermarksGenerator implements WatermarkGenerator {
  onEvent(): void {}
  currentWatermark(): Timestamp {
    return MIN_WATERMARK;
  }
}

/**
 * How a source's records get event times and watermarks, and when a silent split stops holding
 * the watermark back. Immutable: each `with*` returns a new strategy.
 *
 * @example
 * WatermarkStrategy.forBoundedOutOfOrderness<Trade>(5_000)
 *   .withTimestampAssigner((t) => t.event_time)
 *   .withIdleness(30_000)
 */
export class WatermarkStrategy<T> {
  private constructor(
    readonly createGenerator: () => WatermarkGenerator,
    readonly timestampAssigner: TimestampAssigner<T> | undefined,
    /** Milliseconds of silence after which a split is idle; undefined never marks a split idle. */
    readonly idleTimeoutMs: number | undefined,
  ) {}

  /** Watermarks trail the highest timestamp seen by `boundMs`. */
  static forBoundedOutOfOrderness<T>(boundMs: number): WatermarkStrategy<T> {
    if (!Number.isFinite(boundMs) || boundMs < 0) {
      throw new RangeError(`out-of-orderness bound must be a finite number >= 0, got ${boundMs}`);
    }
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessGenerator(boundMs), undefined, undefined);
  }

  /** Alias of {@link WatermarkStrategy.forBoundedOutOfOrderness}. */
  static boundedOutOfOrderness<T>(boundMs: number): WatermarkStrategy<T> {
    return WatermarkStrategy.forBoundedOutOfOrderness<T>(boundMs);
  }

  /** For sources whose timestamps never decrease within a split. */
  static forMonotonousTimestamps<T>(): WatermarkStrategy<T> {
    return WatermarkStrategy.forBoundedOutOfOrderness<T>(0);
  }

  /** No event time: windows never fire until end of input. */
  static noWatermarks<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new NoWatermarksGenerator(), undefined, undefined);
  }

  /** A custom generator per split. */
  static forGenerator<T>(createGenerator: () => WatermarkGenerator): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(createGenerator, undefined, undefined);
  }

  withTimestampAssigner(assigner: TimestampAssigner<T>): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(this.createGenerator, assigner, this.idleTimeoutMs);
  }

  /** A split that has delivered nothing for `timeoutMs` of processing time stops holding the watermark back. */
  withIdleness(timeoutMs: number): WatermarkStrategy<T> {
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new RangeError(`idleness timeout must be a finite number > 0, got ${timeoutMs}`);
    }
    return new WatermarkStrategy<T>(this.createGenerator, this.timestampAssigner, timeoutMs);
  }
}

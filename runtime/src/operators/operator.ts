import type { Clock } from '../clock.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Json, KeyValue, Timestamp } from '../types.js';
import type { BatchOutput } from './batch-output.js';
import type { InFlightTracker } from './in-flight-tracker.js';

/**
 * A stage of a task's pipeline, in Arroyo's shape: only `processBatch` is required, every other
 * hook defaults to a no-op. Records arrive as parallel arrays of values and event times.
 */
export interface StreamOperator {
  processBatch(values: readonly unknown[], timestamps: readonly Timestamp[]): void;
  /** Called with each new task watermark, before it reaches downstream operators. */
  processWatermark?(watermark: Timestamp): void;
  onProcessingTime?(now: number): void;
  /** JSON state for a checkpoint; undefined for stateless operators. */
  snapshotState?(): Json | undefined;
  /**
   * Loads one snapshot on restore, or several (a child split's parents) filtered by `keep`.
   */
  restoreState?(snapshots: readonly Json[], keep?: (key: KeyValue) => boolean): void;
  /** End of bounded input, after the final watermark. */
  endInput?(): void;
}

/** Everything an operator factory gets when a task instantiates its pipeline. */
export interface OperatorInit {
  readonly jobId: string;
  readonly taskId: string;
  readonly operatorId: string;
  readonly output: BatchOutput;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly inFlight: InFlightTracker;
  currentWatermark(): Timestamp;
}

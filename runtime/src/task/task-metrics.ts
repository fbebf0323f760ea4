import type { Counter, Gauge, Metrics, MetricTags } from '../observability/metrics.js';

/** A task's own metrics; operators report records in/out and late records themselves. */
export interface TaskMetrics {
  /** Processing time minus the task watermark: how far event time trails the wall clock. */
  lag: Gauge;
  duration: Gauge;
  bytes: Gauge;
  completed: Counter;
  failed: Counter;
}

export function taskMetrics(metrics: Metrics, tags: MetricTags): TaskMetrics {
  return {
    lag: metrics.gauge('watermarkLagMs', tags),
    duration: metrics.gauge('checkpointDurationMs', tags),
    bytes: metrics.gauge('checkpointBytes', tags),
    completed: metrics.counter('checkpointsCompleted', tags),
    failed: metrics.counter('checkpointsFailed', tags),
  };
}

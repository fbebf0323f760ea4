import type { JobGraph } from '../api/graph.js';
import type { TaskCheckpoints } from '../checkpoint/checkpoint-storage.js';
import type { AssignedSplit, TaskCheckpoint } from '../checkpoint/task-checkpoint.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { KeyValue } from '../types.js';
import type { PartitionCheck } from './partition-check.js';

/**
 * A task's lifecycle. Done states: FINISHED (input exhausted), HANDED_OFF (splits passed to
 * children), STOPPED (checkpointed on request), RELEASED (its split went to another worker: no checkpoint).
 */
export type TaskStatus = 'CREATED' | 'RUNNING' | 'FINISHED' | 'HANDED_OFF' | 'STOPPED' | 'RELEASED' | 'FAILED';

/** What a {@link Task} runs, where it checkpoints, and its limits. */
export interface TaskOptions {
  jobId: string;
  taskId: string;
  graph: JobGraph;
  splits: readonly AssignedSplit[];
  checkpoints?: TaskCheckpoints;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** Most records taken from one split per poll. */
  maxBatchSize: number;
  /** Records in flight to asynchronous sinks above which sources stop polling. */
  inFlightBudget: number;
  /** Children of ended splits are read by this task (true) or handed to the runner for tasks of their own. */
  adoptChildren: boolean;
  /** Longest wait for a sink commit running behind the task (see `JobOptions.commitTimeoutMs`). @default 60_000 */
  commitTimeoutMs?: number;
  /** Shared by the job's tasks in this worker: which split each key of a `sourcePartitioned` keyBy came from. */
  partitionCheck?: PartitionCheck;
  /** For a child split's first start: its parents' final checkpoints and which keys to take. */
  seed?: { parents: readonly TaskCheckpoint[]; keep: (key: KeyValue) => boolean };
}

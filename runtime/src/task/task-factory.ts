import type { JobGraph } from '../api/graph.js';
import { TaskCheckpoints } from '../checkpoint/checkpoint-storage.js';
import type { AssignedSplit, TaskCheckpoint } from '../checkpoint/task-checkpoint.js';
import type { Clock } from '../clock.js';
import { JobDefinitionError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { JobOptions } from './job-options.js';
import { PartitionCheck } from './partition-check.js';
import { parentUids } from './split-runner.js';
import { Task } from './task.js';

/**
 * Builds the tasks of one job: every incarnation of a task (first start or restart) gets the
 * same options, checkpoint storage and the job-wide partition check.
 */
export class TaskFactory {
  readonly #partitionCheck = new PartitionCheck();

  constructor(
    private readonly graph: JobGraph,
    private readonly options: JobOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    /** How many children a parent split ended with (0 when not known to have ended). */
    private readonly siblingCount: (parentUid: string) => number,
  ) {}

  /** The task's checkpoints, when the job has a checkpoint store. */
  storage(taskId: string): TaskCheckpoints | undefined {
    const { checkpointStore, jobId, retainCheckpoints } = this.options;
    return checkpointStore ? new TaskCheckpoints(checkpointStore, jobId, taskId, retainCheckpoints ?? 3) : undefined;
  }

  /** A task over `splits`; `seed` holds the final checkpoints of a child split's parents. */
  create(taskId: string, splits: AssignedSplit[], seed?: TaskCheckpoint[]): Task {
    const { options } = this;
    const child = splits[0]?.descriptor;
    const keep = options.stateKeyFilter;
    if (
      seed !== undefined &&
      child !== undefined &&
      keep === undefined &&
      parentUids(splits[0]!).some((p) => this.siblingCount(p) > 1)
    ) {
      throw new JobDefinitionError(
        `split '${child.id}' has siblings, so its parents' state must be divided by key. Did you forget to set the stateKeyFilter job option?`,
      );
    }
    const checkpoints = this.storage(taskId);
    return new Task({
      jobId: options.jobId,
      taskId,
      graph: this.graph,
      splits,
      ...(checkpoints ? { checkpoints } : {}),
      clock: this.clock,
      logger: this.logger,
      metrics: this.metrics,
      maxBatchSize: options.maxBatchSize ?? 1000,
      inFlightBudget: options.inFlightBudget ?? 10_000,
      adoptChildren: options.tasks === 'single',
      ...(options.commitTimeoutMs !== undefined ? { commitTimeoutMs: options.commitTimeoutMs } : {}),
      partitionCheck: this.#partitionCheck,
      ...(seed !== undefined && child !== undefined
        ? { seed: { parents: seed, keep: keep ? (k) => keep(k, child) : () => true } }
        : {}),
    });
  }
}

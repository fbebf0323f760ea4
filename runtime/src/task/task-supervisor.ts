import type { AssignedSplit } from '../checkpoint/task-checkpoint.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../observability/logger.js';
import { backoffDelay, isRetryable } from '../retry/retry.js';
import { IdlePacer } from './idle-pacer.js';
import type { JobOptions } from './job-options.js';
import type { Task } from './task.js';

/** One task slot of the job: the current incarnation of its task and what ends it early. */
export interface SupervisedTask {
  task: Task;
  /** The split, when the task reads exactly one (only those can be released on a lease move). */
  split: AssignedSplit | undefined;
  /** Aborted when this worker no longer owns the split: the task is released without a checkpoint. */
  release: AbortController;
}

/**
 * Runs a task to its end: steps it, takes periodic checkpoints, backs off when its input is idle,
 * and restarts it from its last checkpoint after a retryable failure, up to `restartAttempts`
 * times with a jittered back-off. A failure that is not retryable fails at once.
 */
export class TaskSupervisor {
  readonly #interval: number;

  constructor(
    private readonly options: JobOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly stopping: AbortSignal,
    /** Told of each new incarnation, so the job's task map shows the latest one. */
    private readonly onRestart: (task: Task) => void,
  ) {
    this.#interval = options.checkpointIntervalMs ?? 10_000;
  }

  /** Resolves once the slot's task has finished, stopped or been released; rejects when it fails for good. */
  async drive(run: SupervisedTask, make: () => Task): Promise<void> {
    const { options, clock, logger } = this;
    const maxRestarts = options.restartAttempts ?? 3;
    let restarts = 0;
    const leaving = (): boolean => this.stopping.aborted || run.release.signal.aborted;
    for (;;) {
      const task = run.task;
      try {
        await task.open();
        await this.#pump(task, leaving);
        if (run.release.signal.aborted) await task.release();
        else if (!task.done) await task.stop();
        return;
      } catch (error) {
        if (run.release.signal.aborted) return void (await task.release());
        // A commit still running behind the failed task ends (or is given up) before its successor
        // opens and commits the same checkpoint again, and before the job reports it stopped.
        await task.quiesce();
        if (!isRetryable(error)) {
          logger.error(
            { task: task.id, err: error },
            'task failed with an error that is not retryable; not restarting',
          );
          throw error;
        }
        if (restarts >= maxRestarts || options.checkpointStore === undefined) throw error;
        const delayMs = backoffDelay(
          restarts++,
          options.restartBackoffMs ?? 1_000,
          options.maxRestartBackoffMs ?? 30_000,
        );
        logger.error(
          { task: task.id, err: error, restart: restarts, of: maxRestarts, delayMs },
          'task failed; restarting from its last checkpoint after a back-off',
        );
        await clock.sleep(delayMs, this.stopping);
        // Released during the back-off (the split went to another worker): the failed task is
        // released, so the job knows the split is free and starts it again once this worker owns
        // it again. Returning without it left the failed task in the job as running, and the split
        // never read here again.
        if (run.release.signal.aborted) return void (await task.release());
        if (leaving()) return;
        run.task = make();
        this.onRestart(run.task);
      }
    }
  }

  /** Steps an open task until its input ends or it is asked to leave. */
  async #pump(task: Task, leaving: () => boolean): Promise<void> {
    const { options, clock } = this;
    const interval = this.#interval;
    const pacer = new IdlePacer(clock, options);
    let lastCheckpoint = clock.now();
    while (!task.done && !leaving()) {
      const result = await task.step();
      if (result === 'done') break;
      if (interval > 0 && clock.now() - lastCheckpoint >= interval) {
        // Sinks commit behind the task, so records read meanwhile are not held up by the commit.
        await task.checkpoint('running', options.commitBehind === true ? 'behind' : 'await');
        lastCheckpoint = clock.now();
      }
      if (result === 'idle') await pacer.idle(this.stopping);
      else await pacer.busy();
    }
  }
}

import type { TaskCheckpoints } from '../checkpoint/checkpoint-storage.js';
import type { TaskCheckpoint } from '../checkpoint/task-checkpoint.js';
import type { Clock } from '../clock.js';
import { IllegalStateError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { InFlightTracker } from '../operators/in-flight-tracker.js';
import { backoffDelay } from '../retry/retry.js';
import type { SinkCommitter } from './sink-committer.js';
import type { TaskMetrics } from './task-metrics.js';

/** What a task's checkpoint holds of the task itself: everything but ids, sink committables and status. */
export type TaskState = Pick<
  TaskCheckpoint,
  'watermark' | 'splits' | 'endedSplits' | 'pendingSplits' | 'handedOff' | 'operators'
>;

/** A task's identity, storage and collaborators, as its checkpointer needs them. */
export interface TaskCheckpointerOptions {
  jobId: string;
  taskId: string;
  clock: Clock;
  checkpoints: TaskCheckpoints | undefined;
  logger: Logger;
  metrics: TaskMetrics;
  inFlight: InFlightTracker;
  committer: SinkCommitter;
  /** The task's state, read once in-flight writes settled and sinks pre-committed. */
  state: () => TaskState;
}

/**
 * Takes one task's checkpoints, in order: waits for the previous checkpoint's commit and for
 * in-flight writes, pre-commits sinks, writes state then manifest, then has the sinks commit —
 * awaited, or behind the task (`commit: 'behind'`), which reads on meanwhile.
 */
export class TaskCheckpointer {
  #next = 1;
  #last: TaskCheckpoint | undefined;
  /** Why the last checkpoint could not be written, if it could not. */
  #writeFailure: unknown;

  constructor(private readonly o: TaskCheckpointerOptions) {}

  /** The last checkpoint taken or restored (in memory, whether or not a store is configured). */
  get last(): TaskCheckpoint | undefined {
    return this.#last;
  }

  /** Numbers the next checkpoint after a restored one. */
  restored(checkpoint: TaskCheckpoint): void {
    this.#next = checkpoint.checkpointId + 1;
    this.#last = checkpoint;
  }

  /** One checkpoint; false (pre-commits kept for the next one) when the store cannot be written. */
  async take(status: TaskCheckpoint['status'], commit: 'await' | 'behind'): Promise<boolean> {
    const { clock, checkpoints, jobId, taskId, committer, metrics: m } = this.o;
    const started = clock.now();
    await committer.settle(taskId);
    const checkpointId = this.#next++;
    await this.o.inFlight.drain();
    await committer.prepare(checkpointId);
    const checkpoint: TaskCheckpoint = {
      version: 1,
      jobId,
      taskId,
      checkpointId,
      createdAt: started,
      ...this.o.state(),
      committables: committer.snapshot(),
      status,
    };
    if (checkpoints !== undefined) {
      try {
        m.bytes.set(await checkpoints.write(checkpoint));
      } catch (error) {
        m.failed.inc();
        this.#writeFailure = error;
        this.o.logger.warn({ checkpointId, err: error }, 'checkpoint failed; pre-commits are kept for the next one');
        return false;
      }
    }
    this.#last = checkpoint;
    if (commit === 'await') await committer.commitAll();
    m.completed.inc();
    // With the commit behind, this is how long the task was held up, not the checkpoint's end to end.
    m.duration.set(clock.now() - started);
    if (commit === 'behind') committer.commitBehind(checkpointId, () => this.#prune());
    else await this.#prune();
    return true;
  }

  /**
   * A final checkpoint (stop, end of input, hand-off), committed before it returns; retried with
   * back-off while the store's refusal is retryable. A refusal that is not (the split belongs to
   * another worker now) fails at once: no retry could ever complete it.
   */
  async untilDurable(status: TaskCheckpoint['status']): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      if (await this.take(status, 'await')) return;
      const final = refusedForGood(this.#writeFailure);
      if (attempt >= 10 || final)
        // The store's last refusal is the cause (a Kafka partition the group moved away, say).
        throw new IllegalStateError(
          `task '${this.o.taskId}' could not write its final checkpoint after ${attempt} attempt${attempt === 1 ? '' : 's'}${final ? ' (the store refuses it for good)' : ''}`,
          this.#writeFailure,
        );
      await this.o.clock.sleep(backoffDelay(attempt, 200, 5_000));
    }
  }

  async #prune(): Promise<void> {
    await this.o.checkpoints
      ?.prune()
      .catch((error: unknown) => this.o.logger.warn({ err: error }, 'pruning old checkpoints failed'));
  }
}

/**
 * True when the store's refusal, or any cause under it, says it is not retryable. The checkpoint
 * storage wraps every store failure in a retryable error (most are passing); the store's own
 * verdict underneath decides (a fence refusing a split that another worker owns now).
 */
function refusedForGood(error: unknown): boolean {
  for (let e: unknown = error; typeof e === 'object' && e !== null; e = (e as { cause?: unknown }).cause)
    if ((e as { retryable?: unknown }).retryable === false) return true;
  return false;
}

import { CheckpointError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import type { SinkOperator } from '../operators/sink-operator.js';
import type { Json } from '../types.js';

/** A commit running behind the task: the checkpoint it commits, and how it ended. */
interface CommitInFlight {
  checkpointId: number;
  done: Promise<void>;
  settled: boolean;
  /** Waited for `commitTimeoutMs` once already: later waits give up at once. */
  overdue?: boolean;
  failure?: { error: unknown };
}

/**
 * The task's side of the two-phase sink protocol. Prepared committables stay here until their
 * checkpoint is durable and `commit` succeeded; a checkpoint that fails to write keeps them for
 * the next one, so nothing a sink staged is ever forgotten.
 *
 * A durable checkpoint's commit may run behind the task (`commitBehind`), as Flink's
 * `notifyCheckpointComplete` does: the task reads on while sinks commit. At most one commit runs
 * at a time and `settle` waits for it, so commits stay in checkpoint order and nothing is
 * prepared while one runs. A commit that fails leaves its committables here: the task fails and
 * restarts from the checkpoint, or the next checkpoint commits them again (commits are idempotent).
 */
export class SinkCommitter {
  readonly #pending = new Map<string, [number, Json][]>();
  #behind: CommitInFlight | undefined;

  constructor(
    private readonly sinks: readonly { id: string; operator: SinkOperator }[],
    private readonly logger: Logger,
    /** Longest wait for a commit running behind the task. @default 60_000 */
    private readonly commitTimeoutMs = 60_000,
  ) {}

  async prepare(checkpointId: number): Promise<void> {
    for (const { id, operator } of this.sinks) {
      if (operator.writer.prepareCommit === undefined) continue;
      const committable = await operator.writer.prepareCommit(checkpointId);
      const list = this.#pending.get(id) ?? [];
      list.push([checkpointId, committable]);
      this.#pending.set(id, list);
    }
  }

  /** What goes into the checkpoint. */
  snapshot(): Record<string, [number, Json][]> {
    return Object.fromEntries([...this.#pending].map(([id, list]) => [id, [...list]]));
  }

  /**
   * Commits everything prepared up to checkpoint `upTo` (all of it by default), in checkpoint
   * order. Safe to repeat: sinks' commits are idempotent by contract.
   */
  async commitAll(upTo = Infinity): Promise<void> {
    for (const { id, operator } of this.sinks) {
      const list = this.#pending.get(id);
      if (list === undefined) continue;
      while (list.length > 0 && list[0]![0] <= upTo) {
        const [checkpointId, committable] = list[0]!;
        await operator.writer.commit?.(committable, checkpointId);
        list.shift();
      }
      if (list.length === 0) this.#pending.delete(id);
    }
  }

  /**
   * Starts committing up to durable checkpoint `checkpointId` without waiting for it; `then` runs
   * after a successful commit (pruning old checkpoints). Call `settle` first: one commit at a time.
   */
  commitBehind(checkpointId: number, then: () => Promise<void>): void {
    if (this.#behind !== undefined && !this.#behind.settled)
      throw new CheckpointError(`a commit is still running behind checkpoint ${this.#behind.checkpointId}`, {
        retryable: false,
        domain: 'internal',
      });
    const behind: CommitInFlight = { checkpointId, done: Promise.resolve(), settled: false };
    behind.done = this.commitAll(checkpointId)
      .then(then)
      .catch((error: unknown) => {
        behind.failure = { error };
        this.logger.warn({ checkpointId, err: error }, 'committing a durable checkpoint failed; its commit is retried');
      })
      .finally(() => {
        behind.settled = true;
      });
    this.#behind = behind;
  }

  /** Throws the error of a commit that ran behind the task and failed (once). */
  throwIfCommitFailed(): void {
    const failure = this.#behind?.failure;
    if (failure === undefined) return;
    this.#behind = undefined;
    throw failure.error;
  }

  /**
   * Waits for the commit running behind the task before the next checkpoint (commits stay in
   * order). A commit that failed leaves its committables for this checkpoint to commit again; one
   * still running after `commitTimeoutMs` fails the task with a `CheckpointError`.
   */
  async settle(taskId: string): Promise<void> {
    const checkpointId = this.committing;
    if (await this.#wait()) return;
    throw new CheckpointError(
      `task '${taskId}': the commit of checkpoint ${checkpointId} did not finish within ${this.commitTimeoutMs} ms; the task restarts from that checkpoint and commits it again (raise commitTimeoutMs if the sinks commit this slowly)`,
    );
  }

  /** Waits for the commit running behind the task at most `commitTimeoutMs`; logs one left running. Never throws. */
  async quiesce(): Promise<void> {
    const checkpointId = this.committing;
    if (await this.#wait()) return;
    this.logger.warn(
      { checkpointId, timeoutMs: this.commitTimeoutMs },
      'a checkpoint commit is still running; leaving it (it lands, or a restore commits it again)',
    );
  }

  /** True once no commit runs behind the task (it succeeded or failed), false on timeout (wall time: it is I/O). */
  async #wait(): Promise<boolean> {
    const behind = this.#behind;
    if (behind === undefined || behind.settled) return true;
    if (behind.overdue === true) return false;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.commitTimeoutMs);
    });
    try {
      behind.overdue = (await Promise.race([behind.done, timedOut])) === 'timeout';
      return !behind.overdue;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The checkpoint whose commit is running behind the task, if one is. */
  get committing(): number | undefined {
    return this.#behind !== undefined && !this.#behind.settled ? this.#behind.checkpointId : undefined;
  }

  /** Takes over the committables of a restored checkpoint; `commitAll` then re-commits them. */
  restore(committables: Record<string, [number, Json][]>): void {
    const known = new Set(this.sinks.map((s) => s.id));
    for (const [id, list] of Object.entries(committables)) {
      if (!known.has(id)) {
        this.logger.warn(
          { sink: id, pending: list.length },
          'checkpoint holds committables of a sink this job no longer has; set stable uids on sinks',
        );
        continue;
      }
      this.#pending.set(id, [...list]);
    }
  }

  async close(): Promise<void> {
    for (const { operator } of this.sinks) await operator.writer.close?.();
  }
}

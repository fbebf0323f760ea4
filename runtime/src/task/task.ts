import type { AssignedSplit, TaskCheckpoint } from '../checkpoint/task-checkpoint.js';
import { IllegalStateError } from '../errors.js';
import type { Logger } from '../observability/logger.js';
import { InFlightTracker } from '../operators/in-flight-tracker.js';
import type { SplitPosition } from '../source/source.js';
import { MAX_WATERMARK, MIN_WATERMARK, type Timestamp } from '../types.js';
import { SplitWatermarks } from '../watermarks/split-watermarks.js';
import { PartitionCheck, type TaskPartitionCheck } from './partition-check.js';
import { Pipeline } from './pipeline.js';
import { SinkCommitter } from './sink-committer.js';
import { TaskCheckpointer, type TaskState } from './task-checkpointer.js';
import { assignTimestamps, isPromise, openSplit, parentUids, splitUid, type ActiveSplit } from './split-runner.js';
import type { TaskOptions, TaskStatus } from './task-options.js';
import { taskMetrics, type TaskMetrics } from './task-metrics.js';

export type { TaskOptions, TaskStatus } from './task-options.js';
const DONE = new Set<TaskStatus>(['FINISHED', 'HANDED_OFF', 'STOPPED', 'RELEASED']);

/**
 * Runs the job graph over a set of splits: polls them in a fixed order, assigns timestamps,
 * tracks per-split watermarks, fires timers, and checkpoints positions, state and sink
 * pre-commits together. Single-threaded; many tasks share one event loop.
 */
export class Task {
  #status: TaskStatus = 'CREATED';
  #pipeline!: Pipeline;
  #committer!: SinkCommitter;
  readonly #inFlight = new InFlightTracker();
  readonly #watermarks = new SplitWatermarks();
  readonly #partitions: TaskPartitionCheck;
  #emitted: Timestamp = MIN_WATERMARK;
  #active: ActiveSplit[] = [];
  #pending: AssignedSplit[] = [];
  #handedOff: AssignedSplit[] = [];
  readonly #ended = new Set<string>();
  #checkpointer!: TaskCheckpointer;
  readonly #log: Logger;
  readonly #m: TaskMetrics;
  constructor(private readonly options: TaskOptions) {
    this.#log = options.logger.child({ task: options.taskId });
    this.#m = taskMetrics(options.metrics, { job: options.jobId, task: options.taskId });
    this.#partitions = (options.partitionCheck ?? new PartitionCheck()).forTask();
  }

  get id(): string {
    return this.options.taskId;
  }
  get status(): TaskStatus {
    return this.#status;
  }
  get watermark(): Timestamp {
    return this.#emitted;
  }
  get done(): boolean {
    return DONE.has(this.#status);
  }
  /** Children of this task's ended splits, for the runner to start elsewhere. */
  get handedOff(): readonly AssignedSplit[] {
    return this.#handedOff;
  }
  /** The last checkpoint taken (in memory, whether or not a store is configured). */
  get lastCheckpoint(): TaskCheckpoint | undefined {
    return this.#pipeline === undefined ? undefined : this.#checkpointer.last;
  }

  /** Builds the pipeline and restores the newest checkpoint, or seeds a child from its parents. */
  async open(): Promise<void> {
    this.#expect('open', 'CREATED');
    const { graph, jobId, taskId, clock, metrics, seed } = this.options;
    this.#pipeline = new Pipeline(graph, {
      jobId,
      taskId,
      clock,
      metrics,
      logger: this.#log,
      inFlight: this.#inFlight,
      partitionCheck: this.#partitions,
    });
    this.#committer = new SinkCommitter(this.#pipeline.sinks(), this.#log, this.options.commitTimeoutMs);
    this.#checkpointer = new TaskCheckpointer({
      jobId,
      taskId,
      clock,
      checkpoints: this.options.checkpoints,
      logger: this.#log,
      metrics: this.#m,
      inFlight: this.#inFlight,
      committer: this.#committer,
      state: () => this.#state(),
    });
    const restored = await this.options.checkpoints?.latest();
    if (restored !== undefined) {
      this.#log.info({ checkpointId: restored.checkpointId, status: restored.status }, 'restoring from checkpoint');
      this.#committer.restore(restored.committables);
      await this.#committer.commitAll();
      this.#checkpointer.restored(restored);
      this.#handedOff = restored.handedOff;
      if (restored.status !== 'running') {
        this.#status = restored.status === 'finished' ? 'FINISHED' : 'HANDED_OFF';
        return;
      }
      this.#pipeline.restore([restored.operators]);
      this.#advanceTo(restored.watermark);
      restored.endedSplits.forEach((id) => this.#ended.add(id));
      this.#pending = restored.pendingSplits;
      for (const s of restored.splits) this.#start(s, s.position ?? undefined, s.watermark);
    } else {
      if (seed !== undefined && seed.parents.length > 0) {
        this.#pipeline.restore(
          seed.parents.map((p) => p.operators),
          seed.keep,
        );
        this.#advanceTo(Math.min(...seed.parents.map((p) => p.watermark)));
      }
      const ids = new Set(this.options.splits.map(splitUid));
      for (const split of this.options.splits) {
        if (parentUids(split).some((p) => ids.has(p))) this.#pending.push(split);
        else this.#start(split, undefined);
      }
    }
    this.#status = 'RUNNING';
    this.#log.debug({ splits: this.options.splits.length }, 'task running');
  }

  /** One round: poll every active split once, then advance the watermark and processing time. */
  async step(): Promise<'progress' | 'idle' | 'done'> {
    if (this.done) return 'done';
    this.#expect('step', 'RUNNING');
    this.#committer.throwIfCommitFailed();
    const { clock, maxBatchSize, inFlightBudget } = this.options;
    await this.#inFlight.waitBelow(inFlightBudget);
    let progressed = false;
    for (const split of [...this.#active]) {
      const polled = split.reader.poll(maxBatchSize);
      const batch = isPromise(polled) ? await polled : polled;
      const now = clock.now();
      if (batch.records.length > 0) {
        const generator = this.#watermarks.generator(splitUid(split))!;
        const timestamps = assignTimestamps(split, batch, generator, now);
        this.#watermarks.touch(splitUid(split), now);
        this.#partitions.reading(split.descriptor.id, split.descriptor.parents, split.position, batch.position ?? null);
        this.#pipeline.push(split.source, batch.records, timestamps);
        this.#partitions.done();
        progressed = true;
      }
      if (batch.position !== undefined) split.position = batch.position;
      if (batch.end !== undefined) {
        await this.#endSplit(split, batch.end.children);
        progressed = true;
      }
    }
    this.#startReadyChildren();
    const now = clock.now();
    const watermark = this.#watermarks.update(now);
    if (watermark > this.#emitted) this.#advanceTo(watermark);
    this.#pipeline.advanceProcessingTime(now);
    if (this.#emitted > MIN_WATERMARK) this.#m.lag.set(now - this.#emitted);
    if (this.#active.length === 0 && this.#pending.length === 0) {
      await this.#finish();
      return 'done';
    }
    return progressed ? 'progress' : 'idle';
  }

  /**
   * Takes a checkpoint: waits for the previous checkpoint's commit and in-flight writes,
   * pre-commits sinks, writes state then manifest, then commits sinks — awaited, or with `commit:
   * 'behind'` started without waiting (the task reads on; the next checkpoint, `stop` and `release`
   * wait for it, at most `commitTimeoutMs`). Returns false (and keeps the pre-commits for next
   * time) when the store cannot be written.
   */
  async checkpoint(
    status: TaskCheckpoint['status'] = 'running',
    commit: 'await' | 'behind' = 'await',
  ): Promise<boolean> {
    return this.#checkpointer.take(status, commit);
  }

  /** Waits (bounded) for a commit running behind this task; for a task given up (released, or failed and replaced). */
  async quiesce(): Promise<void> {
    await this.#committer?.quiesce();
  }

  /** Stops reading: takes a last checkpoint so a restart resumes here, and closes. */
  async stop(): Promise<void> {
    if (this.done || this.#status === 'CREATED') return;
    await this.#checkpointer.untilDurable('running');
    this.#status = 'STOPPED';
    await this.#close();
  }

  /**
   * Gives the task's splits up without a checkpoint: another worker owns them now (its lease was
   * taken), so a checkpoint would be refused or, worse, overwrite the new owner's progress.
   */
  async release(): Promise<void> {
    if (this.done) return;
    this.#status = 'RELEASED';
    if (this.#pipeline === undefined) return;
    await this.quiesce();
    await this.#close();
  }

  #state(): TaskState {
    return {
      watermark: this.#emitted,
      splits: this.#active.map((s) => ({
        source: s.source,
        descriptor: s.descriptor,
        position: s.position,
        watermark: this.#watermarks.splitWatermark(splitUid(s)),
      })),
      endedSplits: [...this.#ended],
      pendingSplits: this.#pending,
      handedOff: this.#handedOff,
      operators: this.#pipeline.snapshot(),
    };
  }

  #start(split: AssignedSplit, position: SplitPosition | undefined, watermark?: Timestamp): void {
    this.#active.push(
      openSplit(this.options.graph, split, position, this.#watermarks, this.options.clock.now(), watermark),
    );
  }

  async #endSplit(split: ActiveSplit, children: readonly AssignedSplit['descriptor'][]): Promise<void> {
    this.#active = this.#active.filter((s) => s !== split);
    this.#watermarks.remove(splitUid(split));
    this.#ended.add(splitUid(split));
    this.#partitions.ended(split.descriptor.id);
    await split.reader.close?.();
    this.#log.info({ split: split.descriptor.id, children: children.map((c) => c.id) }, 'split ended');
    for (const child of children) {
      const assigned = { source: split.source, descriptor: child };
      if (!this.options.adoptChildren) {
        if (!this.#handedOff.some((s) => splitUid(s) === splitUid(assigned))) this.#handedOff.push(assigned);
      } else if (!this.#knows(splitUid(assigned))) this.#pending.push(assigned);
    }
  }

  #knows(uid: string): boolean {
    return (
      this.#ended.has(uid) ||
      this.#active.some((s) => splitUid(s) === uid) ||
      this.#pending.some((s) => splitUid(s) === uid)
    );
  }

  #startReadyChildren(): void {
    if (this.#pending.length === 0) return;
    const ready = this.#pending.filter((s) => parentUids(s).every((p) => this.#ended.has(p) || !this.#knows(p)));
    if (ready.length === 0) return;
    this.#pending = this.#pending.filter((s) => !ready.includes(s));
    for (const split of ready) this.#start(split, undefined);
  }

  #advanceTo(watermark: Timestamp): void {
    this.#watermarks.advanceTo(watermark);
    if (watermark <= this.#emitted) return;
    this.#emitted = watermark;
    this.#pipeline.advanceWatermark(watermark);
  }

  async #finish(): Promise<void> {
    const handingOff = this.#handedOff.length > 0;
    if (!handingOff) {
      // End of input: like Flink, a final watermark fires every window and event-time timer.
      this.#advanceTo(MAX_WATERMARK);
      this.#pipeline.endInput();
    }
    await this.#checkpointer.untilDurable(handingOff ? 'handed-off' : 'finished');
    this.#status = handingOff ? 'HANDED_OFF' : 'FINISHED';
    await this.#close();
  }

  async #close(): Promise<void> {
    for (const split of this.#active) await split.reader.close?.();
    await this.#committer.close();
  }

  #expect(action: string, status: TaskStatus): void {
    if (this.#status !== status) {
      throw new IllegalStateError(
        `cannot ${action} task '${this.id}': it is ${this.#status}, expected ${status}${status === 'RUNNING' && this.#status === 'CREATED' ? ' (call open() first)' : ''}`,
      );
    }
  }
}

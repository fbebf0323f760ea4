import type { JobGraph } from '../api/graph.js';
import type { TaskCheckpoints } from '../checkpoint/checkpoint-storage.js';
import type { SplitCheckpoint, TaskCheckpoint, AssignedSplit } from '../checkpoint/task-checkpoint.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { InFlightTracker } from '../operators/in-flight-tracker.js';
import { Pipeline } from '../task/pipeline.js';
import { SinkCommitter } from '../task/sink-committer.js';
import { MIN_WATERMARK, type KeyValue, type Timestamp } from '../types.js';
import type { ExchangeOutput } from './channel.js';
import type { Stage } from './exchange-plan.js';

export interface StageTaskOptions {
  jobId: string;
  taskId: string;
  graph: JobGraph;
  stage: Stage;
  /** The channels to the next stage's tasks; absent in the last stage. */
  output?: ExchangeOutput;
  checkpoints?: TaskCheckpoints;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  maxBatchSize: number;
  inFlightBudget: number;
}

/** What a step did: `done` once the task's input ended and its last watermark went downstream. */
export type StepResult = 'progress' | 'idle' | 'done';

/**
 * What source and keyed tasks of an exchange job share: one stage's pipeline, its sinks' two
 * phases, the task watermark, and the outgoing side of the exchange. Checkpoints are written by
 * each task, but sinks commit only when the coordinator says every task has written the same
 * checkpoint (`commit`), so output is exactly once across the exchange.
 */
export abstract class StageTask {
  protected readonly pipeline: Pipeline;
  protected readonly committer: SinkCommitter;
  protected readonly inFlight = new InFlightTracker();
  protected readonly log: Logger;
  protected emitted: Timestamp = MIN_WATERMARK;
  protected idleSent = false;
  finished = false;

  constructor(protected readonly options: StageTaskOptions) {
    const { graph, stage, jobId, taskId, clock, metrics } = options;
    this.log = options.logger.child({ task: taskId });
    this.pipeline = new Pipeline(
      graph,
      { jobId, taskId, clock, metrics, logger: this.log, inFlight: this.inFlight },
      stage.nodes,
    );
    options.output?.attach(this.pipeline, stage.outputs);
    this.committer = new SinkCommitter(this.pipeline.sinks(), this.log);
  }

  get id(): string {
    return this.options.taskId;
  }
  get watermark(): Timestamp {
    return this.emitted;
  }

  abstract step(): Promise<StepResult>;

  /** A snapshot once every task of the job is done (no barrier: nothing is in flight any more). */
  abstract finalCheckpoint(checkpointId: number): Promise<number>;

  /** Restores operator state from one checkpoint, or from several filtered by key (a rescale). */
  protected restoreFrom(checkpoints: readonly TaskCheckpoint[], keep?: (key: KeyValue) => boolean): void {
    for (const c of checkpoints) this.committer.restore(c.committables);
    this.pipeline.restore(
      checkpoints.map((c) => c.operators),
      keep,
    );
    const watermark = Math.min(...checkpoints.map((c) => c.watermark));
    if (watermark > this.emitted) {
      this.emitted = watermark;
      this.pipeline.advanceWatermark(watermark);
    }
  }

  /** Moves the task watermark and sends it downstream after everything it made fire. */
  protected advance(watermark: Timestamp): void {
    if (watermark > this.emitted) {
      this.emitted = watermark;
      this.pipeline.advanceWatermark(watermark);
      this.options.output?.broadcast({ kind: 'watermark', watermark, idle: false });
      this.idleSent = false;
    }
  }

  /** Tells downstream this task has nothing to say for now: leave it out of their watermark minimum. */
  protected markIdle(): void {
    if (this.idleSent) return;
    this.idleSent = true;
    this.options.output?.broadcast({ kind: 'watermark', watermark: this.emitted, idle: true });
  }

  /** Counts again in downstream minimums once it has records after being idle. */
  protected markActive(): void {
    if (!this.idleSent) return;
    this.idleSent = false;
    this.options.output?.broadcast({ kind: 'watermark', watermark: this.emitted, idle: false });
  }

  protected finishInput(final: Timestamp): void {
    this.advance(final);
    this.pipeline.endInput();
    this.options.output?.broadcast({ kind: 'end' });
    this.finished = true;
  }

  /**
   * Snapshots this task for `checkpointId` and sends the barrier downstream before any record that
   * follows it, then writes the snapshot. Resolves with the bytes written (0 without a store).
   */
  protected async snapshot(
    checkpointId: number,
    splits: SplitCheckpoint[],
    endedSplits: string[],
    pendingSplits: AssignedSplit[],
  ): Promise<number> {
    await this.inFlight.drain();
    await this.committer.prepare(checkpointId);
    const checkpoint: TaskCheckpoint = {
      version: 1,
      jobId: this.options.jobId,
      taskId: this.id,
      checkpointId,
      createdAt: this.options.clock.now(),
      watermark: this.emitted,
      splits,
      endedSplits,
      pendingSplits,
      handedOff: [],
      operators: this.pipeline.snapshot(),
      committables: this.committer.snapshot(),
      status: this.finished ? 'finished' : 'running',
    };
    if (!this.finished) this.options.output?.broadcast({ kind: 'barrier', checkpointId });
    return (await this.options.checkpoints?.write(checkpoint)) ?? 0;
  }

  /** The checkpoint is complete in every task: sinks commit what they staged up to it. */
  async commit(): Promise<void> {
    await this.committer.commitAll();
  }

  /** Commits what a restored checkpoint staged (idempotent), before any new record. */
  async recommit(): Promise<void> {
    await this.committer.commitAll();
  }

  async close(): Promise<void> {
    await this.committer.close();
  }
}

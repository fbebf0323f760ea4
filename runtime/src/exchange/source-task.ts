import type { AssignedSplit, TaskCheckpoint } from '../checkpoint/task-checkpoint.js';
import type { SplitPosition } from '../source/source.js';
import {
  assignTimestamps,
  isPromise,
  openSplit,
  parentUids,
  splitUid,
  type ActiveSplit,
} from '../task/split-runner.js';
import { JobDefinitionError } from '../errors.js';
import { MAX_WATERMARK, type Timestamp } from '../types.js';
import { SplitWatermarks } from '../watermarks/split-watermarks.js';
import { StageTask, type StageTaskOptions, type StepResult } from './stage-task.js';

export interface SourceTaskOptions extends StageTaskOptions {
  splits: readonly AssignedSplit[];
  /**
   * Shared by the job's source tasks: splits ended anywhere (a child starts once all its parents
   * ended) and children already claimed (a merged child is read by one task only).
   */
  shared: { ended: Set<string>; claimed: Set<string> };
  /** Records a downstream task may have waiting from this one before this one stops polling. */
  channelCapacity: number;
  /**
   * Source tasks run on several threads (`ended` and `claimed` are this thread's only): a child
   * split with several parents (a merge) cannot be assigned, and fails the job instead of waiting.
   */
  threaded?: boolean;
}

/**
 * Stage 0 of an exchange job: reads its splits (and the children of those that end), assigns
 * timestamps, runs what comes before the first keyBy, and hashes the records into the channels.
 * Its watermark (minimum over its splits) follows the records into every channel.
 */
export class SourceTask extends StageTask {
  readonly #watermarks = new SplitWatermarks();
  #active: ActiveSplit[] = [];
  #pending: AssignedSplit[] = [];
  readonly #mine = new Set<string>();

  constructor(private readonly source: SourceTaskOptions) {
    super(source);
  }

  /** Opens the splits at their checkpointed positions, or at the source's start. */
  open(restored: TaskCheckpoint | undefined): void {
    if (restored === undefined) {
      for (const split of this.source.splits) this.#start(split, undefined);
      return;
    }
    this.restoreFrom([restored]);
    this.#watermarks.advanceTo(restored.watermark);
    for (const id of restored.endedSplits) {
      this.source.shared.ended.add(id);
      this.#mine.add(id);
    }
    this.#pending = [...restored.pendingSplits];
    for (const s of [...restored.pendingSplits, ...restored.splits]) this.source.shared.claimed.add(splitUid(s));
    for (const s of restored.splits) this.#start(s, s.position ?? undefined, s.watermark);
    if (restored.status === 'finished') {
      this.finished = true;
      this.options.output?.broadcast({ kind: 'end' });
    }
  }

  override async step(): Promise<StepResult> {
    if (this.finished) return 'done';
    const { clock, maxBatchSize, output, channelCapacity } = this.source;
    if (output?.congested(channelCapacity) === true) return 'idle';
    await this.inFlight.waitBelow(this.source.inFlightBudget);
    let progressed = false;
    for (const split of [...this.#active]) {
      const polled = split.reader.poll(maxBatchSize);
      const batch = isPromise(polled) ? await polled : polled;
      const now = clock.now();
      if (batch.records.length > 0) {
        const timestamps = assignTimestamps(split, batch, this.#watermarks.generator(splitUid(split))!, now);
        this.#watermarks.touch(splitUid(split), now);
        this.pipeline.push(split.source, batch.records, timestamps);
        progressed = true;
      }
      if (batch.position !== undefined) split.position = batch.position;
      if (batch.end !== undefined) {
        this.#end(split, batch.end.children);
        progressed = true;
      }
    }
    this.#startReady();
    const now = clock.now();
    this.advance(this.#watermarks.update(now));
    this.pipeline.advanceProcessingTime(now);
    if (this.#active.length > 0 && this.#active.every((s) => this.#watermarks.isIdle(splitUid(s)))) this.markIdle();
    else this.markActive();
    if (this.#active.length === 0 && this.#pending.length === 0) {
      this.#watermarks.advanceTo(MAX_WATERMARK);
      this.finishInput(MAX_WATERMARK);
      return 'done';
    }
    return progressed ? 'progress' : 'idle';
  }

  /** Snapshots positions and state, sends the barrier into every channel, writes the snapshot. */
  checkpoint(checkpointId: number): Promise<number> {
    return this.snapshot(
      checkpointId,
      this.#active.map((s) => ({
        source: s.source,
        descriptor: s.descriptor,
        position: s.position,
        watermark: this.#watermarks.splitWatermark(splitUid(s)),
      })),
      [...this.#mine],
      this.#pending,
    );
  }

  override finalCheckpoint(checkpointId: number): Promise<number> {
    return this.checkpoint(checkpointId);
  }

  override async close(): Promise<void> {
    for (const split of this.#active) await split.reader.close?.();
    await super.close();
  }

  #start(split: AssignedSplit, position: SplitPosition | undefined, watermark?: Timestamp): void {
    const { graph, clock } = this.source;
    this.#active.push(openSplit(graph, split, position, this.#watermarks, clock.now(), watermark));
  }

  #end(split: ActiveSplit, children: readonly AssignedSplit['descriptor'][]): void {
    this.#active = this.#active.filter((s) => s !== split);
    this.#watermarks.remove(splitUid(split));
    this.source.shared.ended.add(splitUid(split));
    this.#mine.add(splitUid(split));
    void split.reader.close?.();
    for (const child of children) {
      const assigned = { source: split.source, descriptor: child };
      if (this.source.threaded === true && parentUids(assigned).length > 1)
        throw new JobDefinitionError(
          `split '${splitUid(assigned)}' merges several splits (${parentUids(assigned).join(', ')}): the threads option ` +
            'cannot read merged splits yet (their parents may end on different threads). Run this job without threads.',
        );
      // A child with several parents is read by the task that ends the first of them.
      if (this.source.shared.claimed.has(splitUid(assigned))) continue;
      this.source.shared.claimed.add(splitUid(assigned));
      this.#pending.push(assigned);
    }
  }

  #startReady(): void {
    const ready = this.#pending.filter((s) => parentUids(s).every((p) => this.source.shared.ended.has(p)));
    if (ready.length === 0) return;
    this.#pending = this.#pending.filter((s) => !ready.includes(s));
    for (const split of ready) this.#start(split, undefined);
  }
}

import type { TaskCheckpoint } from '../checkpoint/task-checkpoint.js';
import { MAX_WATERMARK, MIN_WATERMARK, type KeyValue, type Timestamp } from '../types.js';
import type { Channel } from './channel.js';
import { StageTask, type StageTaskOptions, type StepResult } from './stage-task.js';

interface Input {
  readonly channel: Channel;
  watermark: Timestamp;
  idle: boolean;
  ended: boolean;
  /** The checkpoint whose barrier this channel delivered; the channel waits until all have. */
  barrier: number | undefined;
}

export interface KeyedTaskOptions extends StageTaskOptions {
  /** One channel from every task of the stage before. */
  inputs: readonly Channel[];
  /** Called once this task has written its snapshot of a checkpoint. */
  onCheckpointWritten: (checkpointId: number, bytes: number) => void;
}

/**
 * A task after a keyBy: receives, from every task of the stage before, the records whose keys
 * hash to its key groups. Its watermark is the minimum over its input channels (idle ones left
 * out); a checkpoint barrier blocks its channel until the same barrier came through every other
 * channel, then the task snapshots and forwards the barrier (aligned checkpoints, exactly once).
 */
export class KeyedTask extends StageTask {
  readonly #inputs: Input[];

  constructor(private readonly keyed: KeyedTaskOptions) {
    super(keyed);
    this.#inputs = keyed.inputs.map((channel) => ({
      channel,
      watermark: MIN_WATERMARK,
      idle: false,
      ended: false,
      barrier: undefined,
    }));
  }

  /** Restores its own checkpoint, or (after a parallelism change) the keys it now owns from all. */
  open(restored: readonly TaskCheckpoint[], keep?: (key: KeyValue) => boolean): void {
    if (restored.length > 0) this.restoreFrom(restored, keep);
  }

  override async step(): Promise<StepResult> {
    if (this.finished) return 'done';
    await this.inFlight.waitBelow(this.keyed.inFlightBudget);
    let progressed = false;
    const budget = this.keyed.maxBatchSize * 4;
    for (const input of this.#inputs) {
      let taken = 0;
      while (input.barrier === undefined && !input.ended && taken < budget) {
        const event = input.channel.take();
        if (event === undefined) break;
        progressed = true;
        if (event.kind === 'records') {
          taken += event.values.length;
          this.pipeline.push(event.edge, event.values, event.timestamps);
        } else if (event.kind === 'watermark') {
          input.watermark = Math.max(input.watermark, event.watermark);
          input.idle = event.idle;
          this.#updateWatermark();
        } else if (event.kind === 'barrier') {
          input.barrier = event.checkpointId;
          await this.#alignOn(event.checkpointId);
        } else {
          input.ended = true;
          input.watermark = MAX_WATERMARK;
          this.#updateWatermark();
          await this.#alignPending();
        }
      }
    }
    this.pipeline.advanceProcessingTime(this.keyed.clock.now());
    if (this.#inputs.every((i) => i.ended)) {
      this.finishInput(MAX_WATERMARK);
      return 'done';
    }
    return progressed ? 'progress' : 'idle';
  }

  override finalCheckpoint(checkpointId: number): Promise<number> {
    return this.snapshot(checkpointId, [], [], []);
  }

  #updateWatermark(): void {
    const live = this.#inputs.filter((i) => !i.ended);
    const counted = live.filter((i) => !i.idle);
    if (live.length > 0 && counted.length === 0) return this.markIdle();
    let min = MAX_WATERMARK;
    for (const i of counted) if (i.watermark < min) min = i.watermark;
    this.markActive();
    this.advance(min);
  }

  /** A channel that ended will send no barrier: the others may be waiting for it. */
  async #alignPending(): Promise<void> {
    const waiting = this.#inputs.find((i) => i.barrier !== undefined);
    if (waiting !== undefined) await this.#alignOn(waiting.barrier!);
  }

  async #alignOn(checkpointId: number): Promise<void> {
    if (!this.#inputs.every((i) => i.ended || i.barrier === checkpointId)) return;
    const bytes = await this.snapshot(checkpointId, [], [], []);
    for (const i of this.#inputs) i.barrier = undefined;
    this.keyed.onCheckpointWritten(checkpointId, bytes);
  }
}

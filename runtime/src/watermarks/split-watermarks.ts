import { MAX_WATERMARK, MIN_WATERMARK, type Timestamp } from '../types.js';
import type { WatermarkGenerator } from './watermark-strategy.js';

interface SplitClock {
  generator: WatermarkGenerator;
  idleTimeoutMs: number | undefined;
  lastActiveAt: number;
  idle: boolean;
}

/** Checkpointed form of a split's watermark: the generator is rebuilt from it on restore. */
export interface SplitWatermarkState {
  watermark: Timestamp;
}

/**
 * Watermarks of the splits one task reads. The task's watermark is the minimum over its active
 * splits; a split silent for longer than its idle timeout is left out so it cannot stall windows,
 * and counts again as soon as it delivers a record. The combined watermark never moves backwards,
 * so a split that returns from idleness behind the others makes its old records late rather than
 * rewinding time.
 */
export class SplitWatermarks {
  readonly #splits = new Map<string, SplitClock>();
  #combined: Timestamp;

  constructor(initial: Timestamp = MIN_WATERMARK) {
    this.#combined = initial;
  }

  add(
    splitId: string,
    generator: WatermarkGenerator,
    idleTimeoutMs: number | undefined,
    now: number,
    restored?: SplitWatermarkState,
  ): void {
    if (restored !== undefined && restored.watermark > MIN_WATERMARK) {
      // Seed the generator so the split starts where it left off rather than at -infinity.
      if (generator.restore) generator.restore(restored.watermark);
      else generator.onEvent(restored.watermark);
    }
    this.#splits.set(splitId, { generator, idleTimeoutMs, lastActiveAt: now, idle: false });
  }

  remove(splitId: string): void {
    this.#splits.delete(splitId);
  }

  /** Marks activity: the split delivered records at `now`. */
  touch(splitId: string, now: number): void {
    const split = this.#splits.get(splitId);
    if (split === undefined) return;
    split.lastActiveAt = now;
    split.idle = false;
  }

  generator(splitId: string): WatermarkGenerator | undefined {
    return this.#splits.get(splitId)?.generator;
  }

  isIdle(splitId: string): boolean {
    return this.#splits.get(splitId)?.idle ?? false;
  }

  splitWatermark(splitId: string): Timestamp {
    return this.#splits.get(splitId)?.generator.currentWatermark() ?? MIN_WATERMARK;
  }

  /** The task watermark now. Returns the (monotone) combined value. */
  update(now: number): Timestamp {
    let min = MAX_WATERMARK;
    let active = 0;
    for (const split of this.#splits.values()) {
      if (split.idleTimeoutMs !== undefined && now - split.lastActiveAt >= split.idleTimeoutMs) split.idle = true;
      if (split.idle) continue;
      active++;
      const wm = split.generator.currentWatermark();
      if (wm < min) min = wm;
    }
    // With every split idle (or none left) there is no evidence to advance on: hold.
    if (active > 0 && min > this.#combined) this.#combined = min;
    return this.#combined;
  }

  get combined(): Timestamp {
    return this.#combined;
  }

  /** Raises the combined watermark directly: end of input, or a restored value. */
  advanceTo(watermark: Timestamp): void {
    if (watermark > this.#combined) this.#combined = watermark;
  }

  get size(): number {
    return this.#splits.size;
  }
}

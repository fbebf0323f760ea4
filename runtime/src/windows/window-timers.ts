import type { KeyValue, Timestamp } from '../types.js';
import { FireQueue, type PendingWindow } from './fire-queue.js';

/** The timers of a window operator as they are checkpointed. */
export interface WindowTimersSnapshot {
  fire: [Timestamp, PendingWindow[]][];
  cleanup: [Timestamp, PendingWindow[]][];
}

/**
 * The two timers of every window: it fires when the watermark reaches its due time (end - 1),
 * and with allowed lateness its contents are dropped once the watermark passes due + lateness.
 */
export class WindowTimers {
  readonly #fire = new FireQueue();
  readonly #cleanup = new FireQueue();

  constructor(private readonly lateness: number) {}

  /**
   * Registers a new window of `key` starting at `start` and due at `due`. Returns true when the
   * watermark has already passed `due`: the window is late but allowed, and fires at once.
   */
  register(due: Timestamp, key: KeyValue, start: Timestamp, watermark: Timestamp): boolean {
    if (due > watermark) this.#fire.add(due, key, start);
    if (this.lateness > 0) this.#cleanup.add(due + this.lateness, key, start);
    return due <= watermark;
  }

  /**
   * Calls `fire` for every window due at or before `watermark`, in due order, then `expire` for
   * every window whose lateness has run out, with the due time it was queued under.
   */
  advance(
    watermark: Timestamp,
    fire: (key: KeyValue, start: Timestamp, due: Timestamp) => void,
    expire: (key: KeyValue, start: Timestamp, cleanupAt: Timestamp) => void,
  ): void {
    for (let due = this.#fire.pollDue(watermark); due !== undefined; due = this.#fire.pollDue(watermark)) {
      for (const [key, start] of due.windows) fire(key, start, due.time);
    }
    for (let due = this.#cleanup.pollDue(watermark); due !== undefined; due = this.#cleanup.pollDue(watermark)) {
      for (const [key, start] of due.windows) expire(key, start, due.time);
    }
  }

  snapshot(): WindowTimersSnapshot {
    return { fire: this.#fire.snapshot(), cleanup: this.#cleanup.snapshot() };
  }

  /** Adds the timers of a checkpoint, keeping only the keys this task reads. */
  restore(snapshot: WindowTimersSnapshot, keep: (key: KeyValue) => boolean): void {
    this.#fire.restore(snapshot.fire, keep);
    this.#cleanup.restore(snapshot.cleanup, keep);
  }
}

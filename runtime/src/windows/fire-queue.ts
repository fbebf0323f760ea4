import type { KeyValue, Timestamp } from '../types.js';

/** A window of one key waiting for a time: [key, window start]. */
export type PendingWindow = [key: KeyValue, start: Timestamp];

/**
 * Windows grouped by the time at which they are due, with the due times kept sorted. Aligned
 * windows share boundaries, so there are few distinct times and each holds many keys; times
 * arrive almost always in increasing order, which makes the sorted insert an append.
 */
export class FireQueue {
  readonly #byTime = new Map<Timestamp, PendingWindow[]>();
  #times: Timestamp[] = [];

  add(time: Timestamp, key: KeyValue, start: Timestamp): void {
    let list = this.#byTime.get(time);
    if (list === undefined) {
      list = [];
      this.#byTime.set(time, list);
      this.#insertTime(time);
    }
    list.push([key, start]);
  }

  /** Removes and returns the windows of the earliest time <= `time`, or undefined when none is due. */
  pollDue(time: Timestamp): { time: Timestamp; windows: PendingWindow[] } | undefined {
    const first = this.#times[0];
    if (first === undefined || first > time) return undefined;
    this.#times.shift();
    const windows = this.#byTime.get(first)!;
    this.#byTime.delete(first);
    return { time: first, windows };
  }

  get size(): number {
    let n = 0;
    for (const list of this.#byTime.values()) n += list.length;
    return n;
  }

  snapshot(): [Timestamp, PendingWindow[]][] {
    return this.#times.map((t) => [t, this.#byTime.get(t)!]);
  }

  restore(entries: readonly [Timestamp, PendingWindow[]][], keep: (key: KeyValue) => boolean): void {
    for (const [time, list] of entries) for (const [key, start] of list) if (keep(key)) this.add(time, key, start);
  }

  #insertTime(time: Timestamp): void {
    const times = this.#times;
    let i = times.length;
    while (i > 0 && times[i - 1]! > time) i--;
    times.splice(i, 0, time);
  }
}

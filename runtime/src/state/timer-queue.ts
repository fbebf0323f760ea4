import type { KeyValue, Timestamp } from '../types.js';

/** A timer as checkpointed: time, key, and insertion sequence (the tie-break that keeps firing order stable across restores). */
export type TimerEntry = [time: Timestamp, key: KeyValue, seq: number];

/**
 * Timers of one keyed operator in one time domain: a binary min-heap on (time, seq), with a
 * set for de-duplication (one timer per key and time, as in Flink) and lazy deletion.
 */
export class TimerQueue {
  #heap: TimerEntry[] = [];
  readonly #live = new Map<string, number>();
  #seq = 0;

  static #id(time: Timestamp, key: KeyValue): string {
    return `${time}\u0000${typeof key}\u0000${key}`;
  }

  register(time: Timestamp, key: KeyValue): void {
    const id = TimerQueue.#id(time, key);
    if (this.#live.has(id)) return;
    const seq = this.#seq++;
    this.#live.set(id, seq);
    this.#push([time, key, seq]);
  }

  delete(time: Timestamp, key: KeyValue): void {
    this.#live.delete(TimerQueue.#id(time, key));
  }

  get size(): number {
    return this.#live.size;
  }

  /** Removes and returns the earliest timer due at or before `time`, or undefined. */
  pollDue(time: Timestamp): TimerEntry | undefined {
    while (this.#heap.length > 0) {
      const top = this.#heap[0]!;
      if (top[0] > time) return undefined;
      this.#pop();
      const id = TimerQueue.#id(top[0], top[1]);
      if (this.#live.get(id) !== top[2]) continue; // deleted, or re-registered later
      this.#live.delete(id);
      return top;
    }
    return undefined;
  }

  snapshot(): TimerEntry[] {
    return this.#heap.filter(([t, k, s]) => this.#live.get(TimerQueue.#id(t, k)) === s).sort(compare);
  }

  restore(entries: readonly TimerEntry[], keep: (key: KeyValue) => boolean = () => true): void {
    for (const [time, key, seq] of entries) {
      if (!keep(key)) continue;
      const id = TimerQueue.#id(time, key);
      if (this.#live.has(id)) continue;
      this.#live.set(id, seq);
      this.#push([time, key, seq]);
      if (seq >= this.#seq) this.#seq = seq + 1;
    }
  }

  #push(entry: TimerEntry): void {
    const heap = this.#heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (compare(heap[parent]!, entry) <= 0) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && compare(heap[r]!, heap[l]!) < 0 ? r : l;
      if (compare(heap[c]!, last) >= 0) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = last;
  }
}

function compare(a: TimerEntry, b: TimerEntry): number {
  return a[0] - b[0] || a[2] - b[2];
}

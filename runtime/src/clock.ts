/** Processing time as the runtime sees it. Swap in {@link ManualClock} to control time in tests. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Wall-clock time. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted === true) return resolve();
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/**
 * A clock that moves only when told, in the manner of Temporal's time-skipping test environment:
 * `sleep(ms)` advances the clock by `ms` and resolves at once, so a loop that waits for idleness
 * or a processing-time timer runs in microseconds.
 */
export class ManualClock implements Clock {
  #now: number;

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }

  set(time: number): void {
    if (time < this.#now) throw new RangeError(`ManualClock cannot go back from ${this.#now} to ${time}`);
    this.#now = time;
  }

  async sleep(ms: number): Promise<void> {
    this.#now += ms;
    await Promise.resolve();
  }
}

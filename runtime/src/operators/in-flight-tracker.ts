/**
 * Counts records handed to asynchronous sinks and not yet acknowledged. The task stops polling
 * its sources while the count is over budget: backpressure without a queue per operator.
 */
export class InFlightTracker {
  #records = 0;
  readonly #pending = new Set<Promise<void>>();
  #failure: unknown;
  #failed = false;

  get records(): number {
    return this.#records;
  }

  track(write: Promise<void>, records: number): void {
    this.#records += records;
    const settled = write.then(
      () => {
        this.#records -= records;
        this.#pending.delete(settled);
      },
      (error: unknown) => {
        this.#records -= records;
        this.#pending.delete(settled);
        if (!this.#failed) {
          this.#failed = true;
          this.#failure = error;
        }
      },
    );
    this.#pending.add(settled);
  }

  /** Throws the first failed write, so the task fails and restarts from its checkpoint. */
  rethrow(): void {
    if (this.#failed) throw this.#failure;
  }

  /** Waits until at most `budget` records are in flight. */
  async waitBelow(budget: number): Promise<void> {
    while (this.#records > budget && this.#pending.size > 0) {
      await Promise.race(this.#pending);
    }
    this.rethrow();
  }

  /** Waits for every write; used before a checkpoint's pre-commit. */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
    this.rethrow();
  }
}

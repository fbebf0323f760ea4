import type { Clock } from '../clock.js';

/**
 * How a task loop paces itself: after an idle step it sleeps, doubling the sleep up to a ceiling;
 * after a busy step it resets the sleep and, every ~20 ms, yields to the event loop so timers and
 * signals get a turn (synchronous sources never yield on their own).
 */
export class IdlePacer {
  readonly #first: number;
  readonly #max: number;
  #delay: number;
  #sliceStart = Date.now();

  constructor(
    private readonly clock: Clock,
    options: { idlePollDelayMs?: number; maxIdlePollDelayMs?: number },
  ) {
    this.#first = options.idlePollDelayMs ?? 20;
    this.#max = options.maxIdlePollDelayMs ?? 1_000;
    this.#delay = this.#first;
  }

  /** Nothing was read: wait, longer each time in a row. */
  async idle(signal?: AbortSignal): Promise<void> {
    await this.clock.sleep(this.#delay, signal);
    this.#delay = Math.min(this.#delay * 2, this.#max);
  }

  /** Something was read: poll again at once, yielding now and then. */
  async busy(): Promise<void> {
    this.#delay = this.#first;
    if (Date.now() - this.#sliceStart > 20) {
      await new Promise((resolve) => setImmediate(resolve));
      this.#sliceStart = Date.now();
    }
  }
}

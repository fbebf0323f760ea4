/**
 * Arrivals per key, as totals and as a rate over the last few seconds. The rate is measured
 * between snapshots (a few per second), not per trade, so counting stays one addition.
 */
export class RateMeter {
  readonly #totals: Record<string, number> = {};
  readonly #samples: { at: number; totals: Record<string, number> }[] = [];
  readonly #windowMs: number;

  /** @param windowMs how far back a rate looks. @default 5000 */
  constructor(windowMs = 5_000) {
    this.#windowMs = windowMs;
  }

  add(key: string, n: number): void {
    this.#totals[key] = (this.#totals[key] ?? 0) + n;
  }

  /** Totals so far and the rate per second over the window (0 until two samples exist). */
  sample(now: number): { totals: Record<string, number>; perSecond: Record<string, number> } {
    const totals = { ...this.#totals };
    this.#samples.push({ at: now, totals });
    // Keep the newest sample at least windowMs old as the base.
    while (this.#samples.length > 2 && now - this.#samples[1]!.at >= this.#windowMs) this.#samples.shift();
    const base = this.#samples[0]!;
    const seconds = (now - base.at) / 1_000;
    const perSecond: Record<string, number> = {};
    for (const [key, n] of Object.entries(totals))
      perSecond[key] = seconds > 0 ? (n - (base.totals[key] ?? 0)) / seconds : 0;
    return { totals, perSecond };
  }
}

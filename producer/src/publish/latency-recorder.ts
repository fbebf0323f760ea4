const MAX_MS = 60_000;

/**
 * A millisecond histogram (0 … 60 s, one bucket per ms, beyond that in the last one): constant
 * memory, exact percentiles at 1 ms resolution, cheap enough to record every trade.
 */
export class LatencyRecorder {
  readonly #buckets = new Uint32Array(MAX_MS + 1);
  #count = 0;
  #max = 0;

  /** Records one latency in ms (negative values, from clock skew, count as 0). */
  record(ms: number): void {
    const b = ms <= 0 ? 0 : ms >= MAX_MS ? MAX_MS : Math.round(ms);
    this.#buckets[b]!++;
    this.#count++;
    if (ms > this.#max) this.#max = ms;
  }

  get count(): number {
    return this.#count;
  }

  get max(): number {
    return this.#max;
  }

  /** The latency at quantile `q` (0..1), in ms; 0 when nothing was recorded. */
  percentile(q: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let i = 0; i <= MAX_MS; i++) {
      seen += this.#buckets[i]!;
      if (seen >= rank) return i;
    }
    return MAX_MS;
  }

  reset(): void {
    this.#buckets.fill(0);
    this.#count = 0;
    this.#max = 0;
  }
}

/** What {@link GapDetector.observe} saw. */
export type GapObservation =
  { kind: 'in-order' } | { kind: 'first' } | { kind: 'gap'; missing: number; after: number } | { kind: 'out-of-order' };

/**
 * Watches per-symbol trade ids, which both exchanges number consecutively per market (Binance
 * `t`, Coinbase `trade_id`), and reports how many were skipped. Coinbase's `sequence` is not
 * used for gaps: on the `matches` channel it jumps over every order-book message of the product,
 * so jumps there are normal; `trade_id` is the dense counter.
 */
export class GapDetector {
  readonly #last = new Map<string, number>();

  /** Feeds the next id of `symbol`. */
  observe(symbol: string, id: number): GapObservation {
    const last = this.#last.get(symbol);
    if (last === undefined) {
      this.#last.set(symbol, id);
      return { kind: 'first' };
    }
    if (id === last + 1) {
      this.#last.set(symbol, id);
      return { kind: 'in-order' };
    }
    if (id <= last) return { kind: 'out-of-order' };
    this.#last.set(symbol, id);
    return { kind: 'gap', missing: id - last - 1, after: last };
  }

  /**
   * A heartbeat said the newest trade is `lastTradeId`: anything between our last id and it was
   * missed (quiet markets make this the only way to notice). Returns the ids missed, 0 if none.
   */
  heartbeat(symbol: string, lastTradeId: number): number {
    const last = this.#last.get(symbol);
    if (last === undefined || lastTradeId <= last) return 0;
    this.#last.set(symbol, lastTradeId);
    return lastTradeId - last;
  }
}

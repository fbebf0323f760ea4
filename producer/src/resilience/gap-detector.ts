/** What {@link GapDetector.observe} saw. */
export type GapObservation =
  | { kind: 'in-order' }
  | { kind: 'first' }
  | { kind: 'gap'; missing: number; after: number }
  /** An id reported missing earlier arrived after all (e.g. from the other socket of a hand-over). */
  | { kind: 'filled' }
  | { kind: 'out-of-order' };

/** Missing ranges remembered per symbol; beyond it the oldest are forgotten (and stay counted). */
const MAX_RANGES = 1_000;

interface SymbolState {
  last: number;
  /** Inclusive id ranges reported missing and not seen since, oldest first. */
  missing: [number, number][];
}

/**
 * Watches per-symbol trade ids, which both exchanges number consecutively per market (Binance
 * `t`, Coinbase `trade_id`), and reports how many were skipped. It remembers what it reported
 * missing, so an id that arrives late (during a hand-over overlap, or after a heartbeat that
 * announced it) is reported as `filled` and the missing count can be corrected. Coinbase's
 * `sequence` is not used for gaps: on the `matches` channel it jumps over every order-book
 * message of the product, so jumps there are normal; `trade_id` is the dense counter.
 */
export class GapDetector {
  readonly #bySymbol = new Map<string, SymbolState>();

  /** Feeds the next id of `symbol`. */
  observe(symbol: string, id: number): GapObservation {
    const s = this.#bySymbol.get(symbol);
    if (s === undefined) {
      this.#bySymbol.set(symbol, { last: id, missing: [] });
      return { kind: 'first' };
    }
    if (id === s.last + 1) {
      s.last = id;
      return { kind: 'in-order' };
    }
    if (id <= s.last) return this.#fill(s, id) ? { kind: 'filled' } : { kind: 'out-of-order' };
    const after = s.last;
    this.#remember(s, after + 1, id - 1);
    s.last = id;
    return { kind: 'gap', missing: id - after - 1, after };
  }

  /**
   * A heartbeat said the newest trade is `lastTradeId`: anything between our last id and it was
   * missed (quiet markets make this the only way to notice). Returns the ids missed, 0 if none;
   * they count as filled if their trades still arrive.
   */
  heartbeat(symbol: string, lastTradeId: number): number {
    const s = this.#bySymbol.get(symbol);
    if (s === undefined || lastTradeId <= s.last) return 0;
    const missed = lastTradeId - s.last;
    this.#remember(s, s.last + 1, lastTradeId);
    s.last = lastTradeId;
    return missed;
  }

  /** Ids of `symbol` still missing (for tests and diagnostics). */
  missing(symbol: string): number {
    return (this.#bySymbol.get(symbol)?.missing ?? []).reduce((n, [a, b]) => n + b - a + 1, 0);
  }

  #remember(s: SymbolState, from: number, to: number): void {
    s.missing.push([from, to]);
    if (s.missing.length > MAX_RANGES) s.missing.shift();
  }

  #fill(s: SymbolState, id: number): boolean {
    // Late ids are usually recent: search from the newest range.
    for (let i = s.missing.length - 1; i >= 0; i--) {
      const [from, to] = s.missing[i]!;
      if (id < from || id > to) continue;
      const parts: [number, number][] = [];
      if (from < id) parts.push([from, id - 1]);
      if (id < to) parts.push([id + 1, to]);
      s.missing.splice(i, 1, ...parts);
      return true;
    }
    return false;
  }
}

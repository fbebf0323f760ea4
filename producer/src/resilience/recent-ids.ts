/**
 * The last `capacity` trade ids seen per symbol: after a reconnect (or the overlap of Binance's
 * 24 h hand-over) an exchange may send trades we already have, and this is how we drop them.
 * Bounded: a set plus a ring per symbol, oldest id evicted first.
 *
 * @example
 * const seen = new RecentIds(10_000);
 * if (!seen.add('BTC-USDT', trade.trade_id)) duplicates.inc();
 */
export class RecentIds {
  readonly #capacity: number;
  readonly #bySymbol = new Map<string, { ids: Set<number>; ring: number[]; next: number }>();

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.#capacity = capacity;
  }

  /** Records the id; false when it was already among the recent ids of the symbol. */
  add(symbol: string, id: number): boolean {
    let s = this.#bySymbol.get(symbol);
    if (s === undefined) {
      s = { ids: new Set(), ring: [], next: 0 };
      this.#bySymbol.set(symbol, s);
    }
    if (s.ids.has(id)) return false;
    if (s.ring.length < this.#capacity) s.ring.push(id);
    else {
      s.ids.delete(s.ring[s.next]!);
      s.ring[s.next] = id;
      s.next = (s.next + 1) % this.#capacity;
    }
    s.ids.add(id);
    return true;
  }
}

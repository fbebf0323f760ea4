import { ConsoleConfigError } from '../errors.js';
import type { MarketSnapshot, SymbolView } from '../model/snapshot.js';
import { RateMeter } from './rate-meter.js';
import { spreadWindows, zScoreWindows, type Bucket } from './windows.js';

/** The fields of a trade the console reads (the producer's unified trade has them). */
export interface ConsoleTrade {
  readonly exchange: string;
  readonly symbol: string;
  readonly price: number;
  readonly quantity: number;
  readonly quote_volume: number;
  /** Exchange trade time, epoch ms. */
  readonly event_time: number;
}

/** Options of {@link TradeAggregator}; every field has a default. */
export interface TradeAggregatorOptions {
  /** Width of one chart bucket. @default 1000 (ms) */
  bucketMs?: number;
  /** How far back the charts reach. @default 180_000 (ms) */
  horizonMs?: number;
  /** Trailing window of the VWAP line. @default 60_000 (ms) */
  vwapWindowMs?: number;
  /** The spread job's window (SPREAD_WINDOW_MS); a multiple of bucketMs. @default 30_000 (ms) */
  spreadWindowMs?: number;
  /** The spread job's flag threshold, percent. @default 0.5 */
  spreadThresholdPct?: number;
  /** The anomaly job's window (ANOMALY_WINDOW_MS); a multiple of bucketMs. @default 60_000 (ms) */
  zWindowMs?: number;
  /** Windows of history a z-score is computed over (ANOMALY_HISTORY_WINDOWS). @default 60 */
  zHistory?: number;
  /** Windows of history before a window is scored (ANOMALY_MIN_HISTORY). @default 10 */
  zMinHistory?: number;
  /** The anomaly job's |z| threshold. @default 2.5 */
  zThreshold?: number;
  /** Time a window stays open for trades arriving late, before it is shown as complete. @default 2000 (ms) */
  graceMs?: number;
}

type Settings = Required<TradeAggregatorOptions>;

/**
 * Folds trades into per-symbol, per-second buckets as they arrive, so that a snapshot costs the
 * same at 20 trades/s as at 20 000: the browser receives charts of a bounded number of points
 * (price and VWAP per bucket, spread per spread window, z-score per volume window), never trades.
 * Windows are the stream jobs' own (same width, same VWAP and z-score arithmetic), so the page
 * and the alerts agree on what a window was.
 *
 * @example
 * const market = new TradeAggregator({ spreadWindowMs: 5_000, zWindowMs: 2_000 });
 * sink.onPublished((trades) => market.ingest(trades));
 * const view = market.snapshot(Date.now());
 */
export class TradeAggregator {
  readonly #o: Settings;
  /** symbol → bucket index → bucket. */
  readonly #buckets = new Map<string, Map<number, Bucket>>();
  readonly #rates = new RateMeter();
  readonly #retainMs: number;

  constructor(options: TradeAggregatorOptions = {}) {
    this.#o = {
      bucketMs: options.bucketMs ?? 1_000,
      horizonMs: options.horizonMs ?? 180_000,
      vwapWindowMs: options.vwapWindowMs ?? 60_000,
      spreadWindowMs: options.spreadWindowMs ?? 30_000,
      spreadThresholdPct: options.spreadThresholdPct ?? 0.5,
      zWindowMs: options.zWindowMs ?? 60_000,
      zHistory: options.zHistory ?? 60,
      zMinHistory: options.zMinHistory ?? 10,
      zThreshold: options.zThreshold ?? 2.5,
      graceMs: options.graceMs ?? 2_000,
    };
    for (const name of ['spreadWindowMs', 'zWindowMs', 'vwapWindowMs', 'horizonMs'] as const) {
      if (this.#o[name] <= 0 || this.#o[name] % this.#o.bucketMs !== 0)
        throw new ConsoleConfigError(
          `${name} (${this.#o[name]} ms) must be a positive multiple of bucketMs (${this.#o.bucketMs} ms): set them so the console's windows line up with the jobs'`,
        );
    }
    // Enough buckets for the charts, the VWAP line, and a full z-score history.
    this.#retainMs =
      Math.max(this.#o.horizonMs + this.#o.vwapWindowMs, this.#o.zWindowMs * (this.#o.zHistory + 2)) + this.#o.graceMs;
  }

  /** Folds a batch of trades in: O(1) per trade, no allocation for a trade in an existing bucket. */
  ingest(trades: readonly ConsoleTrade[], now = Date.now()): void {
    const oldest = now - this.#retainMs;
    let symbol: string | undefined;
    let buckets: Map<number, Bucket> | undefined;
    for (const t of trades) {
      this.#rates.add(t.exchange, 1);
      if (!(t.event_time >= oldest) || !(t.quantity > 0) || !(t.price > 0)) continue;
      if (t.symbol !== symbol || buckets === undefined) {
        symbol = t.symbol;
        buckets = this.#buckets.get(symbol);
        if (buckets === undefined) this.#buckets.set(symbol, (buckets = new Map<number, Bucket>()));
      }
      const index = Math.floor(t.event_time / this.#o.bucketMs);
      let bucket = buckets.get(index);
      if (bucket === undefined) buckets.set(index, (bucket = { last: t.price, lastTime: t.event_time, ex: {} }));
      if (t.event_time >= bucket.lastTime) {
        bucket.last = t.price;
        bucket.lastTime = t.event_time;
      }
      const ex = (bucket.ex[t.exchange] ??= { n: 0, qty: 0, quote: 0 });
      ex.n++;
      ex.qty += t.quantity;
      ex.quote += t.quote_volume;
    }
  }

  /** Symbols seen so far, sorted. */
  symbols(): string[] {
    return [...this.#buckets.keys()].sort();
  }

  /** The charts and rates as of `now` (drops buckets past the retention as a side effect). */
  snapshot(now = Date.now()): MarketSnapshot {
    const { bucketMs } = this.#o;
    const first = Math.floor((now - this.#retainMs) / bucketMs);
    const symbols: SymbolView[] = [];
    for (const [symbol, buckets] of [...this.#buckets].sort(([a], [b]) => a.localeCompare(b))) {
      for (const index of buckets.keys()) if (index < first) buckets.delete(index);
      symbols.push(this.#symbolView(symbol, buckets, now));
    }
    const rates = this.#rates.sample(now);
    return {
      symbols,
      spreadThresholdPct: this.#o.spreadThresholdPct,
      zThreshold: this.#o.zThreshold,
      tradesPerSecond: rates.perSecond,
      tradesSeen: rates.totals,
    };
  }

  #symbolView(symbol: string, buckets: Map<number, Bucket>, now: number): SymbolView {
    const { bucketMs, horizonMs, vwapWindowMs } = this.#o;
    const chartFrom = Math.floor((now - horizonMs) / bucketMs);
    const last = Math.floor(now / bucketMs);
    const span = vwapWindowMs / bucketMs;
    const points: SymbolView['points'] = [];
    // Sliding sums over the trailing VWAP window.
    let qty = 0;
    let quote = 0;
    let lastPrice: number | undefined;
    const start = chartFrom - span + 1;
    for (let i = start; i <= last; i++) {
      const add = buckets.get(i);
      if (add !== undefined)
        for (const e of Object.values(add.ex)) {
          qty += e.qty;
          quote += e.quote;
        }
      const drop = i - span >= start ? buckets.get(i - span) : undefined;
      if (drop !== undefined)
        for (const e of Object.values(drop.ex)) {
          qty -= e.qty;
          quote -= e.quote;
        }
      if (i >= chartFrom && add !== undefined && qty > 0) {
        points.push({ t: i * bucketMs, price: add.last, vwap: quote / qty });
        lastPrice = add.last;
      }
    }
    const complete = now - this.#o.graceMs;
    return {
      symbol,
      lastPrice,
      points,
      spreads: spreadWindows(buckets, { ...this.#o, from: now - horizonMs, until: complete }),
      zscores: zScoreWindows(buckets, {
        ...this.#o,
        from: now - horizonMs,
        until: complete,
        historyFrom: now - this.#retainMs + this.#o.graceMs,
      }),
    };
  }
}

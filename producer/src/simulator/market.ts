import { seededRandom } from '@coattail/runtime';
import type { Exchange } from '../models.js';

/** One trade the simulated market produced, before it is encoded in an exchange's format. */
export interface SimTrade {
  exchange: Exchange;
  /** Canonical symbol. */
  symbol: string;
  tradeId: number;
  /** Coinbase-style feed sequence (jumps over simulated order-book messages). */
  sequence: number;
  price: string;
  size: string;
  takerSide: 'buy' | 'sell';
  /** Trade time, epoch ms. */
  time: number;
}

/** The synthetic market's knobs; every field has a default. */
export interface MarketOptions {
  /** Canonical symbols traded on both exchanges. @default ['BTC-USDT', 'ETH-USDT'] */
  symbols?: string[];
  /** Trades per second over all symbols and both exchanges. @default 100 */
  tradesPerSecond?: number;
  /** Seed of the deterministic random source. @default 42 */
  seed?: number;
  /** Chance per trade of a whale (notional 100 000 – 2 000 000). @default 0.002 */
  whaleProbability?: number;
  /** Chance per symbol per second that a volume burst (×8 for 10 s) starts. @default 0.005 */
  burstProbabilityPerSecond?: number;
  /** Chance per symbol per second that Coinbase dislocates from Binance by 0.6–1 % for 5 s. @default 0.005 */
  dislocationProbabilityPerSecond?: number;
}

const START_PRICES: Record<string, number> = { BTC: 65_000, ETH: 3_200, SOL: 150, BNB: 600, XRP: 0.6 };

interface SymbolState {
  mid: number;
  burstUntil: number;
  dislocationUntil: number;
  dislocation: number;
  ids: Record<Exchange, number>;
  sequence: number;
}

/**
 * A synthetic two-exchange market: a geometric random walk per symbol, Poisson arrivals, Pareto
 * (heavy-tailed) trade sizes with occasional whales, volume bursts that the anomaly job should
 * flag, and Coinbase dislocations above the spread job's 0.5 % threshold.
 */
export class Market {
  readonly symbols: readonly string[];
  readonly #o: Required<MarketOptions>;
  readonly #rand: () => number;
  readonly #state = new Map<string, SymbolState>();

  constructor(options: MarketOptions = {}) {
    this.#o = {
      symbols: options.symbols ?? ['BTC-USDT', 'ETH-USDT'],
      tradesPerSecond: options.tradesPerSecond ?? 100,
      seed: options.seed ?? 42,
      whaleProbability: options.whaleProbability ?? 0.002,
      burstProbabilityPerSecond: options.burstProbabilityPerSecond ?? 0.005,
      dislocationProbabilityPerSecond: options.dislocationProbabilityPerSecond ?? 0.005,
    };
    this.symbols = this.#o.symbols;
    this.#rand = seededRandom(this.#o.seed);
    for (const s of this.symbols) {
      const base = s.split('-')[0] ?? s;
      this.#state.set(s, {
        mid: START_PRICES[base] ?? 100,
        burstUntil: 0,
        dislocationUntil: 0,
        dislocation: 0,
        ids: { binance: 1_000_000, coinbase: 500_000 },
        sequence: 9_000_000,
      });
    }
  }

  /** Changes the arrival rate (trades per second over everything). */
  setRate(tradesPerSecond: number): void {
    this.#o.tradesPerSecond = tradesPerSecond;
  }

  /** Skips `n` trade ids of one market: the client should report a gap of `n`. */
  skipIds(exchange: Exchange, symbol: string, n: number): void {
    const s = this.#state.get(symbol);
    if (s !== undefined) s.ids[exchange] += n;
  }

  /** The latest trade id of a market. */
  lastTradeId(exchange: Exchange, symbol: string): number {
    return this.#state.get(symbol)?.ids[exchange] ?? 0;
  }

  /** The Coinbase feed sequence of a symbol. */
  sequence(symbol: string): number {
    return this.#state.get(symbol)?.sequence ?? 0;
  }

  /** Trades that happened in the `dtMs` before `now`. */
  tick(now: number, dtMs: number): SimTrade[] {
    const out: SimTrade[] = [];
    const perMarket = (this.#o.tradesPerSecond * dtMs) / 1_000 / (this.symbols.length * 2);
    const secs = dtMs / 1_000;
    for (const symbol of this.symbols) {
      const s = this.#state.get(symbol)!;
      s.mid *= Math.exp(0.0004 * Math.sqrt(secs) * this.#normal());
      if (now > s.burstUntil && this.#rand() < this.#o.burstProbabilityPerSecond * secs) s.burstUntil = now + 10_000;
      if (now > s.dislocationUntil && this.#rand() < this.#o.dislocationProbabilityPerSecond * secs) {
        s.dislocationUntil = now + 5_000;
        s.dislocation = (this.#rand() < 0.5 ? -1 : 1) * (0.006 + 0.004 * this.#rand());
      }
      const rate = now < s.burstUntil ? perMarket * 8 : perMarket;
      for (const exchange of ['binance', 'coinbase'] as const) {
        const n = this.#poisson(rate);
        const offset = exchange === 'coinbase' && now < s.dislocationUntil ? s.dislocation : 0;
        for (let i = 0; i < n; i++)
          out.push(this.#trade(exchange, symbol, s, offset, now - Math.floor(this.#rand() * dtMs)));
      }
    }
    // Ids and sequences follow time order, as on a real exchange.
    out.sort((a, b) => a.time - b.time);
    for (const t of out) {
      const s = this.#state.get(t.symbol)!;
      t.tradeId = ++s.ids[t.exchange];
      if (t.exchange === 'coinbase') t.sequence = s.sequence += 1 + Math.floor(this.#rand() * 6);
    }
    return out;
  }

  #trade(exchange: Exchange, symbol: string, s: SymbolState, offset: number, time: number): SimTrade {
    const price = s.mid * (1 + offset + 0.0002 * this.#normal());
    const notional =
      this.#rand() < this.#o.whaleProbability
        ? 100_000 + 1_900_000 * this.#rand()
        : Math.min(5_000_000, 20 * Math.pow(1 - this.#rand(), -1 / 1.3));
    const decimals = price >= 10 ? 2 : 6;
    return {
      exchange,
      symbol,
      tradeId: 0,
      sequence: 0,
      price: price.toFixed(decimals),
      size: Math.max(1e-8, notional / price).toFixed(8),
      takerSide: this.#rand() < 0.5 ? 'buy' : 'sell',
      time,
    };
  }

  #normal(): number {
    const u = 1 - this.#rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.#rand());
  }

  #poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.#normal()));
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.#rand();
    while (p > limit) {
      k++;
      p *= this.#rand();
    }
    return k;
  }
}

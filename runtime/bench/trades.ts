/**
 * Synthetic trades and the VWAP aggregate shared by the trades benchmark's three contenders
 * (runtime, hand-written loop, DuckDB), plus the check that they computed the same thing.
 */
import { seededRandom, type AggregateFunction } from '../src/index.js';

export interface Trade {
  symbol: string;
  exchange: string;
  price: number;
  quantity: number;
  eventTime: number;
  /** A numeric id of (symbol, exchange), as normalized feeds often carry: lets a job key by a number. */
  instrumentId: number;
}

/** One window of one (symbol, exchange): what all three contenders must agree on. */
export interface WindowResult {
  key: string;
  windowStart: number;
  count: number;
  volume: number;
  quoteVolume: number;
  vwap: number;
}

export interface VwapAcc {
  count: number;
  volume: number;
  quoteVolume: number;
}

export const WINDOW_MS = 30_000;
export const OUT_OF_ORDERNESS_MS = 5_000;
/** Event-time span of the data: a record every 0.5 ms, i.e. 2 000 trades per second of event time. */
export const EVENT_SPACING_MS = 0.5;
/** Records arrive up to this much behind their position: inside the watermark bound, so nothing is late. */
export const JITTER_MS = 2_000;
export const BASE_TIME = Date.UTC(2026, 0, 1);
export const EXCHANGES = ['binance', 'coinbase', 'kraken', 'okx'] as const;

/** Every run sees the same data. */
export const prng = seededRandom;

export function symbols(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `SYM${String(i).padStart(4, '0')}USDT`);
}

/** `n` trades over `symbolCount × 4 exchanges` keys, roughly in event-time order with bounded jitter. */
export function generateTrades(n: number, symbolCount = 50, seed = 42): Trade[] {
  const rand = prng(seed);
  const syms = symbols(symbolCount);
  const prices = syms.map((_, i) => 10 + i * 37.5);
  const trades = new Array<Trade>(n);
  for (let i = 0; i < n; i++) {
    const s = Math.floor(rand() * syms.length);
    const price = prices[s]! * (1 + (rand() - 0.5) * 0.002);
    prices[s] = price;
    const e = Math.floor(rand() * EXCHANGES.length);
    trades[i] = {
      symbol: syms[s]!,
      exchange: EXCHANGES[e]!,
      price,
      quantity: Math.round(-Math.log(1 - rand()) * 1000) / 1000 + 0.001,
      eventTime: BASE_TIME + Math.floor(i * EVENT_SPACING_MS) - Math.floor(rand() * JITTER_MS),
      instrumentId: s * EXCHANGES.length + e,
    };
  }
  return trades;
}

/** The composite key, written as a user would: the same function for the runtime and the loop. */
export const keyOf = (t: Trade): string => `${t.symbol}|${t.exchange}`;

export const vwapAggregate: AggregateFunction<Trade, VwapAcc, VwapAcc> = {
  createAccumulator: () => ({ count: 0, volume: 0, quoteVolume: 0 }),
  add: (t, acc) => {
    acc.count++;
    acc.volume += t.quantity;
    acc.quoteVolume += t.price * t.quantity;
    return acc;
  },
  getResult: (acc) => acc,
  merge: (a, b) => ({
    count: a.count + b.count,
    volume: a.volume + b.volume,
    quoteVolume: a.quoteVolume + b.quoteVolume,
  }),
};

export function toResult(key: string, windowStart: number, acc: VwapAcc): WindowResult {
  return { key, windowStart, ...acc, vwap: acc.volume > 0 ? acc.quoteVolume / acc.volume : 0 };
}

function close(a: number, b: number, relTol: number): boolean {
  return Math.abs(a - b) <= relTol * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * Compares two result sets window by window: same windows, same counts, sums equal within a
 * relative tolerance (floating-point sums depend on summation order). Returns the first
 * difference found, or undefined when they agree.
 */
export function diffResults(
  expected: readonly WindowResult[],
  actual: readonly WindowResult[],
  relTol = 1e-9,
): string | undefined {
  if (expected.length !== actual.length) return `window count differs: ${expected.length} vs ${actual.length}`;
  const byId = new Map(actual.map((r) => [`${r.key}@${r.windowStart}`, r]));
  for (const e of expected) {
    const a = byId.get(`${e.key}@${e.windowStart}`);
    if (a === undefined) return `window ${e.key}@${e.windowStart} missing`;
    if (a.count !== e.count) return `count of ${e.key}@${e.windowStart}: ${e.count} vs ${a.count}`;
    for (const field of ['volume', 'quoteVolume', 'vwap'] as const) {
      if (!close(e[field], a[field], relTol))
        return `${field} of ${e.key}@${e.windowStart}: ${e[field]} vs ${a[field]}`;
    }
  }
  return undefined;
}

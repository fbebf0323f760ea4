import type { AggregateFunction, ProcessWindowFunction } from '@coattail/runtime';
import type { JobTrade, VolumeAggregate } from '../model/records.js';

interface Acc {
  n: number;
  volume: number;
  quote: number;
  min: number;
  max: number;
}

/** Count, volume, quote volume, min and max price of a window's trades (VWAP = quote / volume). */
export const volumeStats: AggregateFunction<JobTrade, Acc, Acc> = {
  createAccumulator: () => ({ n: 0, volume: 0, quote: 0, min: Number.MAX_VALUE, max: -Number.MAX_VALUE }),
  add: (t, acc) => {
    acc.n++;
    acc.volume += t.quantity;
    acc.quote += t.quote_volume;
    if (t.price < acc.min) acc.min = t.price;
    if (t.price > acc.max) acc.max = t.price;
    return acc;
  },
  getResult: (acc) => acc,
  merge: (a, b) => ({
    n: a.n + b.n,
    volume: a.volume + b.volume,
    quote: a.quote + b.quote,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
  }),
};

/** Key of the per-exchange jobs: symbol and exchange. */
export const symbolExchangeKey = (t: { symbol: string; exchange: string }): string => `${t.symbol}|${t.exchange}`;

export function splitKey(key: string): { symbol: string; exchange: string } {
  const bar = key.indexOf('|');
  return { symbol: key.slice(0, bar), exchange: key.slice(bar + 1) };
}

/** Shapes a window's stats as a {@link VolumeAggregate}. */
export const toVolumeAggregate: ProcessWindowFunction<Acc, VolumeAggregate, string> = (key, ctx, results, out) => {
  const { symbol, exchange } = splitKey(key);
  for (const acc of results) {
    out.collect({
      symbol,
      exchange,
      window_start: ctx.window.start,
      window_end: ctx.window.end,
      trade_count: acc.n,
      total_volume: acc.volume,
      total_quote_volume: acc.quote,
      vwap: acc.quote / acc.volume,
      min_price: acc.min,
      max_price: acc.max,
    });
  }
};

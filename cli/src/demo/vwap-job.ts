import {
  StreamEnvironment,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type AggregateFunction,
  type Sink,
  type Source,
} from '@coattail/runtime';
import type { DemoTrade } from './simulated-trades.js';

export interface WindowSummary {
  symbol: string;
  exchange: string;
  windowStart: number;
  windowEnd: number;
  trades: number;
  volume: number;
  quoteVolume: number;
  vwap: number;
  minPrice: number;
  maxPrice: number;
}

interface Acc {
  trades: number;
  volume: number;
  quoteVolume: number;
  minPrice: number;
  maxPrice: number;
}

export const tradeStats: AggregateFunction<DemoTrade, Acc, Acc> = {
  createAccumulator: () => ({
    trades: 0,
    volume: 0,
    quoteVolume: 0,
    minPrice: Number.MAX_VALUE,
    maxPrice: -Number.MAX_VALUE,
  }),
  add: (t, acc) => {
    acc.trades++;
    acc.volume += t.quantity;
    acc.quoteVolume += t.price * t.quantity;
    if (t.price < acc.minPrice) acc.minPrice = t.price;
    if (t.price > acc.maxPrice) acc.maxPrice = t.price;
    return acc;
  },
  getResult: (acc) => acc,
  merge: (a, b) => ({
    trades: a.trades + b.trades,
    volume: a.volume + b.volume,
    quoteVolume: a.quoteVolume + b.quoteVolume,
    minPrice: Math.min(a.minPrice, b.minPrice),
    maxPrice: Math.max(a.maxPrice, b.maxPrice),
  }),
};

/** The runtime demo job: per symbol and exchange, tumbling-window trade count, volume and VWAP. */
export function buildVwapJob(
  source: Source<DemoTrade>,
  sink: Sink<WindowSummary>,
  windowMs: number,
  outOfOrdernessMs: number,
): StreamEnvironment {
  const env = StreamEnvironment.create();
  env
    .fromSource(
      source,
      WatermarkStrategy.forBoundedOutOfOrderness<DemoTrade>(outOfOrdernessMs)
        .withTimestampAssigner((t) => t.eventTime)
        .withIdleness(10_000),
    )
    .keyBy((t) => `${t.symbol}|${t.exchange}`)
    .window(TumblingEventTimeWindows.of(windowMs))
    .aggregate(tradeStats, (key, ctx, results, out) => {
      const [symbol = '', exchange = ''] = key.split('|');
      for (const acc of results) {
        out.collect({
          symbol,
          exchange,
          windowStart: ctx.window.start,
          windowEnd: ctx.window.end,
          ...acc,
          vwap: acc.volume > 0 ? acc.quoteVolume / acc.volume : 0,
        });
      }
    })
    .uid('vwap-window')
    .sinkTo(sink)
    .uid('console');
  return env;
}

import {
  TumblingEventTimeWindows,
  type AggregateFunction,
  type DataStream,
  type OutputTag,
  type ProcessWindowFunction,
} from '@coattail/runtime';
import type { JobTrade, SpreadAlert, SpreadRecord } from '../model/records.js';

export interface SpreadOptions {
  /** @default 30_000 */
  windowMs: number;
  /** Spreads above this percentage are flagged. @default 0.5 */
  thresholdPct: number;
  lateTag: OutputTag<JobTrade>;
}

/** Per exchange: [trade count, volume, quote volume]. */
type PerExchange = Record<string, [number, number, number]>;

export const vwapByExchange: AggregateFunction<JobTrade, PerExchange, PerExchange> = {
  createAccumulator: () => ({}),
  add: (t, acc) => {
    const e = (acc[t.exchange] ??= [0, 0, 0]);
    e[0]++;
    e[1] += t.quantity;
    e[2] += t.quote_volume;
    return acc;
  },
  getResult: (acc) => acc,
  merge: (a, b) => {
    const out: PerExchange = structuredClone(a);
    for (const [ex, [n, v, q]] of Object.entries(b)) {
      const e = (out[ex] ??= [0, 0, 0]);
      e[0] += n;
      e[1] += v;
      e[2] += q;
    }
    return out;
  },
};

/**
 * Spread of one symbol's window: VWAP per exchange, then the gap between the lowest and highest,
 * relative to the lowest. A window where fewer than two exchanges traded has no spread.
 */
export function toSpread(thresholdPct: number): ProcessWindowFunction<PerExchange, SpreadRecord, string> {
  return (symbol, ctx, results, out) => {
    for (const acc of results) {
      const vwaps = Object.entries(acc)
        .filter(([, [, volume]]) => volume > 0)
        .map(([exchange, [, volume, quote]]) => ({ exchange, vwap: quote / volume }))
        .sort((a, b) => a.vwap - b.vwap || a.exchange.localeCompare(b.exchange));
      if (vwaps.length < 2) continue;
      const low = vwaps[0]!;
      const high = vwaps[vwaps.length - 1]!;
      const spread = ((high.vwap - low.vwap) / low.vwap) * 100;
      out.collect({
        spread_id: `spread:${symbol}:${ctx.window.start}`,
        symbol,
        window_start: ctx.window.start,
        window_end: ctx.window.end,
        low_exchange: low.exchange,
        low_vwap: low.vwap,
        high_exchange: high.exchange,
        high_vwap: high.vwap,
        spread_pct: spread,
        threshold_pct: thresholdPct,
        flagged: spread > thresholdPct,
        trades: Object.fromEntries(Object.entries(acc).map(([ex, [n]]) => [ex, n])),
      });
    }
  };
}

/** Spread calculator job: 30 s windows per symbol across exchanges → every spread; flagged ones as alerts. */
export function spreadPipeline(
  trades: DataStream<JobTrade>,
  options: SpreadOptions,
): { spreads: DataStream<SpreadRecord>; alerts: DataStream<SpreadAlert>; late: DataStream<JobTrade> } {
  const spreads = trades
    .keyBy((t) => t.symbol, { sourcePartitioned: true }) // the producer's partition key
    .window(TumblingEventTimeWindows.of(options.windowMs))
    .sideOutputLateData(options.lateTag)
    .aggregate(vwapByExchange, toSpread(options.thresholdPct))
    .uid('spread-windows');
  const alerts = spreads
    .filter((s) => s.flagged)
    .map<SpreadAlert>(({ spread_id: id, ...s }) => ({
      ...s,
      alert_id: id,
      alert_type: 'SPREAD',
      event_time: s.window_end - 1,
    }));
  return { spreads, alerts, late: spreads.getSideOutput(options.lateTag) };
}

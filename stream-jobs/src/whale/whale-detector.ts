import { ValueStateDescriptor, type DataStream, type KeyedProcessFunction, type ValueState } from '@coattail/runtime';
import type { JobTrade, WhaleAlert } from '../model/records.js';
import { symbolExchangeKey } from '../volume-anomaly/volume-aggregate.js';

export interface WhaleOptions {
  /** A trade is a whale when its quote volume is strictly greater. @default 100_000 */
  threshold: number;
  /** Trades kept per symbol and exchange for the average size. @default 100 */
  recentTrades: number;
  /** Event time over which the pre-trade VWAP is taken. @default 60_000 */
  vwapWindowMs: number;
}

/** Recent trades of a key, as parallel arrays (plain JSON in checkpoints). */
interface Recent {
  time: number[];
  quantity: number[];
  quote: number[];
}

/**
 * Flags trades with quote volume strictly above the threshold and enriches them from state: the
 * trade's size relative to the key's recent average, and the VWAP of the minute before it.
 * Context is kept per symbol and exchange, so every trade (not only whales) updates it.
 */
export function whaleDetector(options: WhaleOptions): KeyedProcessFunction<string, JobTrade, WhaleAlert> {
  let recent: ValueState<Recent>;
  return {
    open: (ctx) => void (recent = ctx.getState(new ValueStateDescriptor<Recent>('recent-trades'))),
    processElement: (trade, _ctx, out) => {
      const state = recent.value() ?? { time: [], quantity: [], quote: [] };
      if (trade.quote_volume > options.threshold) {
        let quoteSum = 0;
        for (const q of state.quote) quoteSum += q;
        let vwapQuote = 0;
        let vwapQty = 0;
        const since = trade.event_time - options.vwapWindowMs;
        for (let i = 0; i < state.time.length; i++) {
          const t = state.time[i]!;
          if (t >= since && t <= trade.event_time) {
            vwapQuote += state.quote[i]!;
            vwapQty += state.quantity[i]!;
          }
        }
        const vwap = vwapQty > 0 ? vwapQuote / vwapQty : null;
        out.collect({
          alert_id: `whale:${trade.event_id}`,
          alert_type: 'WHALE',
          event_id: trade.event_id,
          trade_id: trade.trade_id ?? null,
          symbol: trade.symbol,
          exchange: trade.exchange,
          side: trade.side ?? null,
          price: trade.price,
          quantity: trade.quantity,
          quote_volume: trade.quote_volume,
          event_time: trade.event_time,
          threshold: options.threshold,
          size_vs_avg: state.quote.length > 0 ? trade.quote_volume / (quoteSum / state.quote.length) : null,
          vwap_1m: vwap,
          price_vs_vwap_pct: vwap === null ? null : ((trade.price - vwap) / vwap) * 100,
        });
      }
      state.time.push(trade.event_time);
      state.quantity.push(trade.quantity);
      state.quote.push(trade.quote_volume);
      if (state.time.length > options.recentTrades) {
        state.time.shift();
        state.quantity.shift();
        state.quote.shift();
      }
      recent.update(state);
    },
  };
}

/** Whale detector job: every trade through the keyed detector, whale alerts out. */
export function whalePipeline(trades: DataStream<JobTrade>, options: WhaleOptions): { alerts: DataStream<WhaleAlert> } {
  return {
    alerts: trades
      .keyBy(symbolExchangeKey, { sourcePartitioned: true }) // trades are partitioned by symbol
      .process(() => whaleDetector(options))
      .uid('whale-detector'),
  };
}

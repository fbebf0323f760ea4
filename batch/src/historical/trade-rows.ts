import type { Row } from '@coattail/iceberg';
import { normalizeTrade, type UnifiedTrade } from '@coattail/producer';
import type { FetchedTrade } from './trade-pages.js';

/** Namespace of the `event_id` of aggregate rows: `binance-agg:BTC-USDT:<aggregate id>`. */
export const AGGREGATE_ID_PREFIX = 'binance-agg';

/**
 * The `event_id` of an aggTrades row. An aggregate of several fills is not any one trade of the
 * live `@trade` stream: giving it the first fill's trade id (as `f`) would make it collide with
 * that live trade's row while carrying the whole aggregate's quantity, so aggregates get ids of
 * their own that no trade can have.
 */
export function aggregateEventId(symbol: string, aggregateId: number): string {
  return `${AGGREGATE_ID_PREFIX}:${symbol}:${aggregateId}`;
}

/** A normalized trade as a `raw_trades` row (timestamps as Dates, trade id as the table's string). */
export function rawTradeRow(t: UnifiedTrade): Row {
  return {
    ...t,
    trade_id: String(t.trade_id),
    event_time: new Date(t.event_time),
    ingest_time: new Date(t.ingest_time),
  };
}

/**
 * A downloaded Binance trade through the producer's own `normalizeTrade`, exactly as the live
 * adapter reads a `@trade` message: `isBuyerMaker` true means the taker sold, the id is the
 * exchange trade id, and the `event_id` is the live feed's. Aggregates keep their own namespace.
 */
export function fetchedTradeRow(
  symbol: string,
  t: FetchedTrade,
  ingestTime: number,
): { ok: true; row: Row } | { ok: false; reason: string } {
  const n = normalizeTrade({
    exchange: 'binance',
    symbol,
    price: t.price,
    quantity: t.quantity,
    side: t.buyerIsMaker ? 'sell' : 'buy',
    tradeId: t.tradeId,
    eventTime: t.time,
    ingestTime,
  });
  if (!n.ok) return n;
  const trade = t.aggregate ? { ...n.trade, event_id: aggregateEventId(symbol, t.tradeId) } : n.trade;
  return { ok: true, row: rawTradeRow(trade) };
}

import type { Row } from '@coattail/iceberg';
import type { JobTrade } from '../model/records.js';

/**
 * A gated trade as a `raw_trades` row, column for column what the historical loader writes
 * (`rawTradeRow` in @coattail/batch): the same `event_id` (exchange, symbol, exchange trade id),
 * the trade id as the table's string, timestamps as Dates. `ingest_time` is when the producer
 * received the trade; a record without one keeps null rather than a made-up time.
 */
export function rawTradeRow(t: JobTrade & { ingest_time?: unknown }): Row {
  return {
    event_id: t.event_id,
    exchange: t.exchange,
    symbol: t.symbol,
    trade_id: t.trade_id === undefined || t.trade_id === null ? null : String(t.trade_id),
    price: t.price,
    quantity: t.quantity,
    quote_volume: t.quote_volume,
    side: t.side ?? null,
    event_time: new Date(t.event_time),
    ingest_time: typeof t.ingest_time === 'number' && Number.isFinite(t.ingest_time) ? new Date(t.ingest_time) : null,
  };
}

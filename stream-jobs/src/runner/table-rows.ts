import type { Row } from '@coattail/iceberg';
import type { Json } from '@coattail/runtime';
import type { AnomalyAlert, SpreadAlert, SpreadRecord, VolumeAggregate, WhaleAlert } from '../model/records.js';

/** Rows of the Iceberg tables defined in `@coattail/iceberg`'s TABLES (timestamps as Dates). */
export const rows = {
  volumeAggregate: (a: VolumeAggregate): Row => ({
    ...a,
    window_start: new Date(a.window_start),
    window_end: new Date(a.window_end),
  }),
  anomaly: (a: AnomalyAlert): Row => ({
    alert_id: a.alert_id,
    window_start: new Date(a.window_start),
    window_end: new Date(a.window_end),
    symbol: a.symbol,
    exchange: a.exchange,
    total_volume: a.volume,
    mean_volume: a.mean_volume,
    stddev_volume: a.stddev_volume,
    z_score: a.z_score,
    threshold: a.threshold,
    // Event time, not the wall clock: a replay must produce the same row.
    detected_at: new Date(a.event_time),
  }),
  whale: (w: WhaleAlert): Row => ({
    event_id: w.event_id,
    exchange: w.exchange,
    symbol: w.symbol,
    trade_id: w.trade_id === null ? null : String(w.trade_id),
    price: w.price,
    quantity: w.quantity,
    quote_volume: w.quote_volume,
    side: w.side,
    event_time: new Date(w.event_time),
    threshold: w.threshold,
    detected_at: new Date(w.event_time),
  }),
  spread: (s: SpreadRecord): Row => ({
    window_start: new Date(s.window_start),
    window_end: new Date(s.window_end),
    symbol: s.symbol,
    exchange_high: s.high_exchange,
    exchange_low: s.low_exchange,
    vwap_high: s.high_vwap,
    vwap_low: s.low_vwap,
    spread_pct: s.spread_pct,
    threshold_pct: s.threshold_pct,
    flagged: s.flagged,
  }),
};

/** 30 days, in the alerts table's TTL attribute. */
export const ALERT_TTL_MS = 30 * 24 * 3_600_000;

/** An alert as a DynamoDB item of `coattail-alerts` (see ddl/dynamodb): alert_time is the GSI sort key. */
export function alertItem(alert: AnomalyAlert | WhaleAlert | SpreadAlert): Record<string, Json | undefined> {
  return { ...(alert as unknown as Record<string, Json>), alert_time: alert.event_time };
}

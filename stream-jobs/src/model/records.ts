import { z } from 'zod';

/**
 * The fields of a unified trade the jobs read. The producer's `UnifiedTrade` satisfies it; the
 * jobs depend on this narrow shape, not on the producer package.
 */
export interface JobTrade {
  readonly event_id: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly price: number;
  readonly quantity: number;
  readonly quote_volume: number;
  readonly side?: 'buy' | 'sell';
  readonly trade_id?: number;
  /** Exchange trade time, epoch ms: the event time of every job. */
  readonly event_time: number;
}

/**
 * A decoded stream record as {@link JobTrade}, after the quality gate's checks passed: the fields
 * they leave unchecked (a quote volume that is absent or text, an event id that is not a string)
 * would otherwise reach the windows and tables as a guess (a NaN volume). Other fields (the
 * producer's `ingest_time`) are kept. No transforms: this runs once per record.
 */
export const jobTradeSchema: z.ZodType<JobTrade> = z.looseObject({
  event_id: z.string().min(1),
  exchange: z.string(),
  symbol: z.string(),
  price: z.number(),
  quantity: z.number(),
  quote_volume: z.number().nonnegative(),
  side: z.enum(['buy', 'sell']).optional(),
  trade_id: z.number().int().nonnegative().optional(),
  event_time: z.number(),
});

/** One 60 s window of one symbol on one exchange (Iceberg `volume_aggregates`). */
export interface VolumeAggregate {
  symbol: string;
  exchange: string;
  window_start: number;
  window_end: number;
  trade_count: number;
  total_volume: number;
  total_quote_volume: number;
  vwap: number;
  min_price: number;
  max_price: number;
}

/** Fields every alert shares; `alert_id` is deterministic so a replay rewrites the same item. */
export interface AlertBase {
  alert_id: string;
  alert_type: 'VOLUME_ANOMALY' | 'WHALE' | 'SPREAD';
  symbol: string;
  /** Event time the alert is about (window end, or the trade's time): deterministic, unlike a wall clock. */
  event_time: number;
}

/** A window whose volume is |z| ≥ threshold away from the previous hour (DynamoDB + Iceberg `alerts`). */
export interface AnomalyAlert extends AlertBase {
  alert_type: 'VOLUME_ANOMALY';
  exchange: string;
  window_start: number;
  window_end: number;
  volume: number;
  mean_volume: number;
  stddev_volume: number;
  z_score: number;
  threshold: number;
  history_minutes: number;
}

/** A trade above the whale threshold, with context from its symbol's recent trading. */
export interface WhaleAlert extends AlertBase {
  alert_type: 'WHALE';
  event_id: string;
  trade_id: number | null;
  exchange: string;
  side: 'buy' | 'sell' | null;
  price: number;
  quantity: number;
  quote_volume: number;
  threshold: number;
  /** quote_volume over the mean quote volume of the previous trades kept in state; null without history. */
  size_vs_avg: number | null;
  /** VWAP of this symbol and exchange over the minute before the trade; null when there were none. */
  vwap_1m: number | null;
  /** (price − vwap_1m) / vwap_1m × 100; null without a VWAP. */
  price_vs_vwap_pct: number | null;
}

/** The VWAP gap between exchanges for one symbol in one 30 s window (Iceberg `spreads`). */
export interface SpreadRecord {
  spread_id: string;
  symbol: string;
  window_start: number;
  window_end: number;
  low_exchange: string;
  low_vwap: number;
  high_exchange: string;
  high_vwap: number;
  /** (high_vwap − low_vwap) / low_vwap × 100: what buying low and selling high would gain. */
  spread_pct: number;
  threshold_pct: number;
  flagged: boolean;
  trades: Record<string, number>;
}

/** A flagged spread as an alert (DynamoDB). */
export interface SpreadAlert extends AlertBase, Omit<SpreadRecord, 'spread_id'> {
  alert_type: 'SPREAD';
}

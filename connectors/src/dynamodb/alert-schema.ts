import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Json } from '@coattail/runtime';
import { z } from 'zod';
import { fromItem } from './marshal.js';

/** The kinds of alert the stream jobs write to the alerts table (`alert_type`). */
export const ALERT_KINDS = ['VOLUME_ANOMALY', 'WHALE', 'SPREAD'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

const ms = z.number().finite();
const nullableNumber = z.number().finite().nullable();

/**
 * Attributes every item of `coattail-alerts` carries (see ddl/dynamodb/README.md). Unknown
 * attributes are dropped, not refused: a newer job may add fields and older readers keep working.
 */
const base = {
  alert_id: z.string().min(1),
  symbol: z.string().min(1),
  /** Epoch ms of the event the alert is about: the GSI sort key. */
  alert_time: ms,
  event_time: ms,
  /** TTL, epoch seconds; absent on items written without one. */
  expires_at: z.number().optional(),
};

/** A volume anomaly: a window whose volume is |z| ≥ threshold away from the previous hour. */
export const volumeAnomalyAlertSchema = z.object({
  ...base,
  alert_type: z.literal('VOLUME_ANOMALY'),
  exchange: z.string(),
  window_start: ms,
  window_end: ms,
  volume: z.number(),
  mean_volume: z.number(),
  stddev_volume: z.number(),
  z_score: z.number(),
  threshold: z.number(),
  history_minutes: z.number(),
});

/** A trade above the whale threshold, with its symbol's recent context. */
export const whaleAlertSchema = z.object({
  ...base,
  alert_type: z.literal('WHALE'),
  event_id: z.string(),
  trade_id: nullableNumber,
  exchange: z.string(),
  side: z.enum(['buy', 'sell']).nullable(),
  price: z.number(),
  quantity: z.number(),
  quote_volume: z.number(),
  threshold: z.number(),
  size_vs_avg: nullableNumber,
  vwap_1m: nullableNumber,
  price_vs_vwap_pct: nullableNumber,
});

/** A cross-exchange VWAP spread above its threshold in one window. */
export const spreadAlertSchema = z.object({
  ...base,
  alert_type: z.literal('SPREAD'),
  window_start: ms,
  window_end: ms,
  low_exchange: z.string(),
  low_vwap: z.number(),
  high_exchange: z.string(),
  high_vwap: z.number(),
  spread_pct: z.number(),
  threshold_pct: z.number(),
  flagged: z.boolean(),
  /** Trades per exchange in the window. */
  trades: z.record(z.string(), z.number()),
});

/** One item of the alerts table, as the stream jobs write it. */
export const alertSchema = z.discriminatedUnion('alert_type', [
  volumeAnomalyAlertSchema,
  whaleAlertSchema,
  spreadAlertSchema,
]);

export type VolumeAnomalyAlert = z.infer<typeof volumeAnomalyAlertSchema>;
export type WhaleAlertItem = z.infer<typeof whaleAlertSchema>;
export type SpreadAlertItem = z.infer<typeof spreadAlertSchema>;
export type Alert = z.infer<typeof alertSchema>;

/**
 * An item of the alerts table that is not a valid alert. `key` identifies it (the table key, and
 * the index key when it was read through `by_symbol_time`); `item` is what was stored.
 */
export interface MalformedAlert {
  key: { alert_id?: string; symbol?: string; alert_time?: number };
  reason: string;
  item: { [key: string]: Json };
}

/** Result of parsing one stored item: an alert, or why it is not one. */
export type ParsedAlertItem = { ok: true; alert: Alert } | { ok: false; malformed: MalformedAlert };

function keyOf(item: Record<string, AttributeValue>): MalformedAlert['key'] {
  const key: MalformedAlert['key'] = {};
  if (item.alert_id?.S !== undefined) key.alert_id = item.alert_id.S;
  if (item.symbol?.S !== undefined) key.symbol = item.symbol.S;
  if (item.alert_time?.N !== undefined) key.alert_time = Number(item.alert_time.N);
  return key;
}

/** Parses a stored item; never throws (an attribute type the platform never writes is malformed too). */
export function parseAlertItem(item: Record<string, AttributeValue>): ParsedAlertItem {
  let json: { [key: string]: Json };
  try {
    json = fromItem(item);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, malformed: { key: keyOf(item), reason, item: {} } };
  }
  const parsed = alertSchema.safeParse(json);
  if (parsed.success) return { ok: true, alert: parsed.data };
  const reason = parsed.error.issues
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : 'item'}: ${i.message}`)
    .join('; ');
  return { ok: false, malformed: { key: keyOf(item), reason, item: json } };
}

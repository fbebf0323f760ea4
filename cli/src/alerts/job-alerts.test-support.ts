import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbIdempotentSink, ensureTable, loadTableDefinitions } from '@coattail/connectors';
import { StreamEnvironment } from '@coattail/runtime';
import {
  ALERT_TTL_MS,
  alertItem,
  type AlertBase,
  type AnomalyAlert,
  type SpreadAlert,
  type WhaleAlert,
} from '@coattail/stream-jobs';

export type JobAlert = AnomalyAlert | WhaleAlert | SpreadAlert;

let tables = 0;

/** A fresh alerts table (ddl/dynamodb/alerts.json with its by_symbol_time index). */
export async function freshTable(dynamodb: DynamoDBClient): Promise<string> {
  const definition = (await loadTableDefinitions()).find((t) => t.TableName === 'coattail-alerts')!;
  const name = `cli-alerts-${process.pid}-${tables++}`;
  await ensureTable(dynamodb, definition, name);
  return name;
}

const SYMBOLS = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'];

/**
 * Alert `i` of a known set, typed as the stream jobs type their output: the kind rotates with
 * every alert, the symbol every three, so each symbol has every kind.
 */
export function jobAlert(i: number, time: number, symbol = SYMBOLS[Math.floor(i / 3) % 3]!): JobAlert {
  switch (i % 3) {
    case 0:
      return {
        alert_id: `whale:binance:${symbol}:${1_000 + i}`,
        alert_type: 'WHALE',
        symbol,
        event_time: time,
        event_id: `binance:${symbol}:${1_000 + i}`,
        trade_id: 1_000 + i,
        exchange: 'binance',
        side: 'buy',
        price: 50_000 + i,
        quantity: 2.5,
        quote_volume: 2.5 * (50_000 + i),
        threshold: 100_000,
        size_vs_avg: 12.5,
        vwap_1m: 49_990,
        price_vs_vwap_pct: 0.02,
      };
    case 1:
      return {
        alert_id: `volume-anomaly:${symbol}:coinbase:${time - 60_000}`,
        alert_type: 'VOLUME_ANOMALY',
        symbol,
        event_time: time,
        exchange: 'coinbase',
        window_start: time - 60_000,
        window_end: time,
        volume: 300 + i,
        mean_volume: 100,
        stddev_volume: 40,
        z_score: (200 + i) / 40,
        threshold: 2.5,
        history_minutes: 60,
      };
    default:
      return {
        alert_id: `spread:${symbol}:${time - 30_000}`,
        alert_type: 'SPREAD',
        symbol,
        event_time: time,
        window_start: time - 30_000,
        window_end: time,
        low_exchange: 'binance',
        low_vwap: 100,
        high_exchange: 'coinbase',
        high_vwap: 100.8,
        spread_pct: 0.8,
        threshold_pct: 0.5,
        flagged: true,
        trades: { binance: 40, coinbase: 31 },
      };
  }
}

/** Writes alerts exactly as a stream job does: the idempotent sink, `alertItem`, the jobs' TTL. */
export async function writeAsJobs(dynamodb: DynamoDBClient, tableName: string, alerts: readonly JobAlert[]) {
  const env = StreamEnvironment.create();
  env.fromCollection<AlertBase>([...alerts]).sinkTo(
    new DynamoDbIdempotentSink<AlertBase>({
      client: dynamodb,
      tableName,
      toItem: (a) => alertItem(a as JobAlert),
      ttl: { attribute: 'expires_at', afterMs: ALERT_TTL_MS, from: (a) => a.event_time },
    }),
  );
  await env.execute({ jobId: 'cli-alerts-test' });
}

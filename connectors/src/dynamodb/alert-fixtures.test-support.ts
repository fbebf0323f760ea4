import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { StreamEnvironment, type Json } from '@coattail/runtime';
import type { LocalStack } from '@coattail/local-stack';
import type { Alert, AlertKind } from './alert-schema.js';
import { DynamoDbIdempotentSink } from './idempotent-sink.js';
import { toItem } from './marshal.js';
import { ensureTable, loadTableDefinitions } from './table-definitions.js';

let tables = 0;

/** A fresh copy of the alerts table (ddl/dynamodb/alerts.json, with its GSI) on the local stack. */
export async function freshAlertsTable(stack: LocalStack): Promise<string> {
  const [alerts] = (await loadTableDefinitions()).filter((t) => t.TableName === 'coattail-alerts');
  const name = `alerts-read-${process.pid}-${tables++}`;
  await ensureTable(stack.clients.dynamodb, alerts!, name);
  return name;
}

/** An alert of `kind` shaped as the stream jobs write it. */
export function sampleAlert(kind: AlertKind, symbol: string, time: number, n = 0): Alert {
  const base = { symbol, alert_time: time, event_time: time };
  switch (kind) {
    case 'VOLUME_ANOMALY':
      return {
        ...base,
        alert_type: kind,
        alert_id: `volume-anomaly:${symbol}:binance:${time}:${n}`,
        exchange: 'binance',
        window_start: time - 60_000,
        window_end: time,
        volume: 120 + n,
        mean_volume: 40,
        stddev_volume: 20,
        z_score: 4 + n / 100,
        threshold: 2.5,
        history_minutes: 60,
      };
    case 'WHALE':
      return {
        ...base,
        alert_type: kind,
        alert_id: `whale:${symbol}:${time}:${n}`,
        event_id: `binance:${symbol}:${n}`,
        trade_id: n,
        exchange: 'binance',
        side: n % 2 === 0 ? 'buy' : null,
        price: 50_000,
        quantity: 3,
        quote_volume: 150_000,
        threshold: 100_000,
        size_vs_avg: null,
        vwap_1m: 49_990,
        price_vs_vwap_pct: 0.02,
      };
    case 'SPREAD':
      return {
        ...base,
        alert_type: kind,
        alert_id: `spread:${symbol}:${time}:${n}`,
        window_start: time - 30_000,
        window_end: time,
        low_exchange: 'binance',
        low_vwap: 100,
        high_exchange: 'coinbase',
        high_vwap: 101,
        spread_pct: 1,
        threshold_pct: 0.5,
        flagged: true,
        trades: { binance: 10, coinbase: 12 },
      };
  }
}

/** Writes alerts through the idempotent sink the stream jobs use (conditional puts, TTL). */
export async function writeAlerts(client: DynamoDBClient, tableName: string, alerts: readonly Alert[]) {
  const env = StreamEnvironment.create();
  env.fromCollection([...alerts]).sinkTo(
    new DynamoDbIdempotentSink<Alert>({
      client,
      tableName,
      toItem: (a) => ({ ...(a as unknown as Record<string, Json>) }),
      ttl: { attribute: 'expires_at', afterMs: 30 * 86_400_000, from: (a) => a.alert_time },
    }),
  );
  await env.execute({ jobId: 'alerts-fixture' });
}

/** Writes an item as is, bypassing every schema: how a malformed alert gets into the table. */
export async function putRaw(client: DynamoDBClient, tableName: string, item: { [key: string]: Json }) {
  await client.send(new PutItemCommand({ TableName: tableName, Item: toItem(item) }));
}

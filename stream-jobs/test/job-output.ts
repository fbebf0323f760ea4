import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { fromItem } from '@coattail/connectors';
import { type LocalStack } from '@coattail/local-stack';
import type { Row } from '@coattail/iceberg';
import { CollectSink, InMemorySource, ManualClock, silentLogger, type Sink } from '@coattail/runtime';
import { alertItem } from '../src/runner/table-rows.js';
import { buildJob, parseJobConfig, platformTables, type AlertBase, type Envelope, type JobName } from '../src/index.js';
import type { scriptedTrades } from './dataset.js';

/** What a job left behind: DynamoDB items and Iceberg rows, as sorted comparable strings. */
export interface JobOutput {
  alerts: string[];
  rows: Map<string, string[]>;
}

/** Rows and items as comparable strings: keys sorted, dates as Iceberg microseconds, longs as numbers. */
export const canon = (o: object): string =>
  JSON.stringify(
    Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => {
          const v = (o as Record<string, unknown>)[k];
          return [k, v instanceof Date ? v.getTime() * 1000 : typeof v === 'bigint' ? Number(v) : v];
        }),
    ),
  );
export const sorted = (xs: string[]): string[] => [...xs].sort();
export const rowCount = (o: JobOutput): number => [...o.rows.values()].reduce((n, r) => n + r.length, 0);

/**
 * The uninterrupted run: the same job code over the same trades, in memory, one split per symbol.
 * Windows at or after `sentinelWindows` hold only the closing sentinel trades: they fire at the
 * end of a bounded input, never on a stream, so they are left out.
 */
export async function uninterruptedOutput(
  name: JobName,
  trades: ReturnType<typeof scriptedTrades>,
  sentinelWindows: number,
): Promise<JobOutput> {
  const alerts = new CollectSink<AlertBase>();
  const rows = new Map<string, string[]>();
  const table = <T>(tableName: string, toRow: (v: T) => Row): Sink<T> => ({
    name: tableName,
    createWriter: () => ({
      write: (values) => {
        const kept = values
          .map(toRow)
          .filter((r) => !(r.window_start instanceof Date && r.window_start.getTime() >= sentinelWindows));
        rows.set(tableName, [...(rows.get(tableName) ?? []), ...kept.map(canon)]);
      },
    }),
  });
  const splits = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'].map((symbol) => ({
    id: symbol,
    records: trades
      .filter((t) => t.symbol === symbol)
      .map((t, i): Envelope => ({
        split: symbol,
        seq: String(i),
        arrival: t.ingest_time,
        payload: JSON.stringify(t),
        value: t,
      })),
  }));
  const start = trades[0]!.event_time;
  const env = buildJob(name, parseJobConfig({}), {
    source: new InMemorySource(splits),
    alerts: () => alerts,
    table,
    dlq: () => new CollectSink(),
    clock: new ManualClock(start),
  });
  await env.execute({ jobId: name, clock: new ManualClock(start), maxBatchSize: 500 });
  // DynamoDB keeps one item per alert_id: compare the items the alerts become.
  const streamed = alerts.values.filter((a) => a.alert_type === 'WHALE' || a.event_time < sentinelWindows);
  return { alerts: sorted(streamed.map((a) => canon(alertItem(a as Parameters<typeof alertItem>[0])))), rows };
}

/** What a job wrote to the local stack: the items of `alertsTable` and the rows of its Iceberg tables. */
export async function storedOutput(
  stack: LocalStack,
  catalogDir: string,
  env: Record<string, string | undefined>,
): Promise<JobOutput> {
  const config = parseJobConfig(env);
  const items = (await stack.clients.dynamodb.send(new ScanCommand({ TableName: config.ALERTS_TABLE }))).Items ?? [];
  const tables = platformTables({ clients: stack.clients, catalogDir: join(catalogDir), logger: silentLogger }, config);
  const rows = new Map<string, string[]>();
  for (const t of ['volume_aggregates', 'alerts', 'whale_trades', 'spreads', 'raw_trades'] as const) {
    const table = await (await tables(t)).refresh();
    if (table.currentSnapshot() === undefined) continue;
    rows.set(
      t,
      (await table.scan().toRows()).map((r) => canon(r)),
    );
  }
  return { alerts: sorted(items.map((i) => canon(fromItem(i)).replace(/,"expires_at":\d+/, ''))), rows };
}

import { randomUUID } from 'node:crypto';
import {
  type IcebergCatalog,
  NoSuchTableError,
  type Predicate,
  type ResultRow,
  type Row,
  type Snapshot,
  type Table,
  TABLES,
  tablePartitionSpec,
  tableSchema,
} from '@coattail/iceberg';
import {
  CollectSink,
  OutputTag,
  silentLogger,
  StreamEnvironment,
  WatermarkStrategy,
  type Logger,
} from '@coattail/runtime';
import {
  type AnomalyAlert,
  type JobConfig,
  type JobTrade,
  tableRows,
  volumeAnomalyPipeline,
} from '@coattail/stream-jobs';
import { BatchJobError } from '../historical/errors.js';

/** Options of {@link reprocessAnomalies}. */
export interface ReprocessOptions {
  catalog: IcebergCatalog;
  /** Read raw_trades as of this snapshot… */
  snapshotId?: bigint;
  /** …or as of this time (the snapshot log's entry at or before it). Neither: the current snapshot. */
  asOfTimestamp?: number;
  /** The stream job's settings (threshold, window, history); the same parser as `coattail job`. */
  config: Pick<JobConfig, 'ANOMALY_Z_THRESHOLD' | 'ANOMALY_WINDOW_MS' | 'ANOMALY_MIN_HISTORY' | 'OUT_OF_ORDERNESS_MS'>;
  /** Only these canonical symbols. @default every symbol */
  symbols?: readonly string[];
  /** @default a random UUID */
  runId?: string;
  logger?: Logger;
}

/** What a reprocessing run read and produced. */
export interface ReprocessResult {
  runId: string;
  sourceSnapshotId: bigint;
  sourceSnapshotTime: number;
  trades: number;
  /** Event-time range of the trades read (ms), or undefined when there were none. */
  range: readonly [number, number] | undefined;
  alerts: AnomalyAlert[];
}

const tableId = (name: keyof typeof TABLES): string => `${TABLES[name].namespace}.${TABLES[name].name}`;
const micros = (v: unknown): number => (typeof v === 'bigint' ? Number(v / 1000n) : Number(v));

/** The raw_trades snapshot a time-travel request names, with a clear error when there is none. */
export function resolveSnapshot(
  table: Table,
  options: Pick<ReprocessOptions, 'snapshotId' | 'asOfTimestamp'>,
): Snapshot {
  const snapshots = table.snapshots();
  let found: Snapshot | undefined;
  if (options.snapshotId !== undefined) found = snapshots.find((s) => s['snapshot-id'] === options.snapshotId);
  else if (options.asOfTimestamp !== undefined) {
    const at = options.asOfTimestamp;
    const entry = table.metadata['snapshot-log'].filter((e) => e['timestamp-ms'] <= at).at(-1);
    found = entry && snapshots.find((s) => s['snapshot-id'] === entry['snapshot-id']);
  } else found = table.currentSnapshot();
  if (found) return found;
  const wanted =
    options.snapshotId !== undefined
      ? `snapshot ${options.snapshotId}`
      : options.asOfTimestamp !== undefined
        ? `a snapshot at or before ${new Date(options.asOfTimestamp).toISOString()}`
        : 'a snapshot';
  const known = snapshots.map((s) => `${s['snapshot-id']} (${new Date(s['timestamp-ms']).toISOString()})`).join(', ');
  throw new BatchJobError('SNAPSHOT_NOT_FOUND', `raw_trades has no ${wanted}; snapshots: ${known || 'none'}`, {
    domain: 'user',
  });
}

/** An anomaly as a row of `anomalies_reprocessed`: the stream job's own `alerts` row plus the run. */
export function reprocessedRow(a: AnomalyAlert, sourceSnapshotId: bigint, runId: string): Row {
  return { ...tableRows.anomaly(a), source_snapshot_id: sourceSnapshotId, run_id: runId };
}

function toTrade(r: ResultRow): JobTrade {
  return {
    event_id: String(r.event_id),
    exchange: String(r.exchange),
    symbol: String(r.symbol),
    price: Number(r.price),
    quantity: Number(r.quantity),
    quote_volume: Number(r.quote_volume),
    event_time: micros(r.event_time),
  };
}

/**
 * Reprocesses volume anomalies: reads `raw_trades` as of a snapshot id or a timestamp (Iceberg
 * time travel), runs the stream job's own `volumeAnomalyPipeline` (same windows, same rolling
 * z-score operator) over those trades as a bounded source, and appends the alerts to
 * `anomalies_reprocessed` with `source_snapshot_id` and `run_id`.
 *
 * @example
 * const result = await reprocessAnomalies({ catalog, asOfTimestamp: Date.parse('2026-11-21T10:00:00Z'), config: parseJobConfig(process.env) });
 */
export async function reprocessAnomalies(options: ReprocessOptions): Promise<ReprocessResult> {
  const log = (options.logger ?? silentLogger).child({ job: 'reprocess-anomalies' });
  const raw = await options.catalog.loadTable(tableId('raw_trades'));
  const snapshot = resolveSnapshot(raw, options);
  const runId = options.runId ?? randomUUID();
  const filter: Predicate[] = options.symbols ? [{ column: 'symbol', op: 'in', values: [...options.symbols] }] : [];
  const rows = await raw
    .scan({
      snapshotId: snapshot['snapshot-id'],
      filter,
      columns: ['event_id', 'exchange', 'symbol', 'price', 'quantity', 'quote_volume', 'event_time'],
    })
    .toRows();
  const trades = rows.map(toTrade).sort((a, b) => a.event_time - b.event_time);
  log.info({ snapshotId: String(snapshot['snapshot-id']), trades: trades.length }, 'read raw_trades');

  const c = options.config;
  const env = StreamEnvironment.create();
  const stream = env.fromCollection(
    trades,
    WatermarkStrategy.forBoundedOutOfOrderness<JobTrade>(c.OUT_OF_ORDERNESS_MS).withTimestampAssigner(
      (t) => t.event_time,
    ),
  );
  const job = volumeAnomalyPipeline(stream, {
    threshold: c.ANOMALY_Z_THRESHOLD,
    windowMs: c.ANOMALY_WINDOW_MS,
    historyWindows: Math.round(3_600_000 / c.ANOMALY_WINDOW_MS),
    minHistory: c.ANOMALY_MIN_HISTORY,
    lateTag: new OutputTag<JobTrade>('late'),
  });
  const sink = new CollectSink<AnomalyAlert>();
  job.alerts.sinkTo(sink);
  await env.execute({ jobId: `reprocess-anomalies-${runId}`, checkpointIntervalMs: 0 });
  const alerts = sink.values.sort((a, b) => a.window_start - b.window_start || a.alert_id.localeCompare(b.alert_id));

  const out = await options.catalog.loadOrCreateTable(tableId('anomalies_reprocessed'), {
    schema: tableSchema(TABLES.anomalies_reprocessed),
    spec: tablePartitionSpec(TABLES.anomalies_reprocessed),
  });
  if (alerts.length > 0)
    await out.append(
      out
        .batchBuilder(alerts.length)
        .appendAll(alerts.map((a) => reprocessedRow(a, snapshot['snapshot-id'], runId)))
        .finish(),
      { summary: { 'coattail.run-id': runId, 'coattail.source-snapshot-id': String(snapshot['snapshot-id']) } },
    );
  log.info({ alerts: alerts.length, runId }, 'wrote anomalies_reprocessed');
  const first = trades[0];
  const last = trades.at(-1);
  return {
    runId,
    sourceSnapshotId: snapshot['snapshot-id'],
    sourceSnapshotTime: snapshot['timestamp-ms'],
    trades: trades.length,
    range: first && last ? [first.event_time, last.event_time] : undefined,
    alerts,
  };
}

/** The original anomalies (the stream job's Iceberg `alerts` table) in a window-start range; empty when the table does not exist. */
export async function originalAnomalies(
  catalog: IcebergCatalog,
  range: readonly [number, number] | undefined,
  symbols?: readonly string[],
): Promise<ResultRow[]> {
  if (range === undefined) return [];
  let table: Table;
  try {
    table = await catalog.loadTable(tableId('alerts'));
  } catch (error) {
    if (error instanceof NoSuchTableError) return [];
    throw error;
  }
  const filter: Predicate[] = [
    { column: 'window_start', op: '>=', value: new Date(range[0]) },
    { column: 'window_start', op: '<=', value: new Date(range[1]) },
    ...(symbols ? [{ column: 'symbol', op: 'in' as const, values: [...symbols] }] : []),
  ];
  return table.scan({ filter }).toRows();
}

import { defineSchema, type ColumnDefinition } from '../schema/schema.js';
import type { Schema } from '../schema/types.js';
import { definePartitionSpec, type PartitionFieldDefinition, type PartitionSpec } from '../spec/partition-spec.js';

/**
 * One platform table: the single source of truth for its schema and partitioning. The Athena DDL
 * in `ddl/iceberg/` is generated from these (`npm run ddl -w @coattail/iceberg`) and a test fails
 * when the two disagree.
 *
 * Conventions, and why:
 * - Timestamps are Iceberg `timestamp` (microseconds, UTC by convention): Athena's Iceberg DDL can
 *   only create `timestamp` without zone, and a table must look the same whoever creates it.
 * - Columns are optional: Athena DDL cannot declare NOT NULL; completeness is enforced upstream by
 *   the data-quality gate, not by the table.
 * - Partitioned by `day(<event time>)` and `symbol` with the identity transform: a handful of
 *   symbols (BTC-USDT, ETH-USDT, SOL-USDT) gives few, readable partitions and exact pruning for
 *   `symbol = '...'`; `bucket[N]` pays off only for thousands of keys, where identity would
 *   scatter rows into tiny files.
 */
export interface TableDefinition {
  namespace: string;
  name: string;
  doc: string;
  columns: readonly ColumnDefinition[];
  partitioning: readonly PartitionFieldDefinition[];
}

const ts = (name: string, doc: string): ColumnDefinition => ({ name, type: 'timestamp', doc });
const str = (name: string, doc: string): ColumnDefinition => ({ name, type: 'string', doc });
const dbl = (name: string, doc: string): ColumnDefinition => ({ name, type: 'double', doc });

const tradeColumns: ColumnDefinition[] = [
  str('event_id', 'deterministic id of the trade event: exchange, symbol and exchange trade id'),
  str('exchange', 'binance or coinbase'),
  str('symbol', 'unified symbol, e.g. BTC-USDT'),
  str('trade_id', 'trade id assigned by the exchange'),
  dbl('price', 'trade price in quote currency'),
  dbl('quantity', 'trade size in base currency'),
  dbl('quote_volume', 'price * quantity'),
  str('side', 'taker side: buy or sell'),
  ts('event_time', 'trade time reported by the exchange (UTC)'),
];

const windowColumns: ColumnDefinition[] = [
  ts('window_start', 'inclusive start of the window (UTC)'),
  ts('window_end', 'exclusive end of the window (UTC)'),
  str('symbol', 'unified symbol'),
];

const anomalyColumns: ColumnDefinition[] = [
  str('alert_id', 'deterministic id: job, symbol and window start'),
  ...windowColumns,
  str('exchange', 'exchange of the window, or null for all exchanges'),
  dbl('total_volume', 'volume of the window'),
  dbl('mean_volume', 'rolling 1 h mean of window volumes'),
  dbl('stddev_volume', 'rolling 1 h standard deviation of window volumes'),
  dbl('z_score', '(total_volume - mean_volume) / stddev_volume'),
  dbl('threshold', 'z-score threshold that flagged the window'),
  ts('detected_at', 'when the alert was produced (UTC)'),
];

const byDay = (column: string): PartitionFieldDefinition[] => [
  { source: column, transform: 'day' },
  { source: 'symbol', transform: 'identity' },
];

/** Every Iceberg table of the platform, by name. */
export const TABLES = {
  raw_trades: {
    namespace: 'coattail',
    name: 'raw_trades',
    doc: 'every unified trade that passed the data-quality gate',
    columns: [...tradeColumns, ts('ingest_time', 'when the producer received the trade (UTC)')],
    partitioning: byDay('event_time'),
  },
  volume_aggregates: {
    namespace: 'coattail',
    name: 'volume_aggregates',
    doc: '60 s tumbling-window volume per symbol and exchange',
    columns: [
      ...windowColumns,
      str('exchange', 'binance or coinbase'),
      { name: 'trade_count', type: 'long', doc: 'trades in the window' },
      dbl('total_volume', 'sum of quantity'),
      dbl('total_quote_volume', 'sum of price * quantity'),
      dbl('vwap', 'volume-weighted average price'),
      dbl('min_price', 'lowest price'),
      dbl('max_price', 'highest price'),
    ],
    partitioning: byDay('window_start'),
  },
  alerts: {
    namespace: 'coattail',
    name: 'alerts',
    doc: 'volume anomalies flagged by the z-score job',
    columns: anomalyColumns,
    partitioning: byDay('window_start'),
  },
  whale_trades: {
    namespace: 'coattail',
    name: 'whale_trades',
    doc: 'trades whose quote volume exceeds the whale threshold',
    columns: [
      ...tradeColumns,
      dbl('threshold', 'quote-volume threshold in force'),
      ts('detected_at', 'when the whale was detected (UTC)'),
    ],
    partitioning: byDay('event_time'),
  },
  spreads: {
    namespace: 'coattail',
    name: 'spreads',
    doc: '30 s cross-exchange VWAP spreads per symbol',
    columns: [
      ...windowColumns,
      str('exchange_high', 'exchange with the higher VWAP'),
      str('exchange_low', 'exchange with the lower VWAP'),
      dbl('vwap_high', 'the higher VWAP'),
      dbl('vwap_low', 'the lower VWAP'),
      dbl('spread_pct', '(vwap_high - vwap_low) / vwap_low * 100'),
      dbl('threshold_pct', 'spread threshold in force'),
      { name: 'flagged', type: 'boolean', doc: 'spread_pct above threshold_pct' },
    ],
    partitioning: byDay('window_start'),
  },
  anomalies_reprocessed: {
    namespace: 'coattail',
    name: 'anomalies_reprocessed',
    doc: 'anomalies recomputed from raw_trades at a snapshot with the current logic',
    columns: [
      ...anomalyColumns,
      { name: 'source_snapshot_id', type: 'long', doc: 'raw_trades snapshot the run read' },
      str('run_id', 'reprocessing run'),
    ],
    partitioning: byDay('window_start'),
  },
} as const satisfies Record<string, TableDefinition>;

export type TableName = keyof typeof TABLES;

/** The Iceberg schema of a table definition (field ids 1..n in column order). */
export function tableSchema(def: TableDefinition): Schema {
  return defineSchema(def.columns);
}

/** The partition spec of a table definition. */
export function tablePartitionSpec(def: TableDefinition): PartitionSpec {
  return definePartitionSpec(tableSchema(def), def.partitioning);
}

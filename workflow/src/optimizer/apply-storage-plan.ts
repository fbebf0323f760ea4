import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  definePartitionSpec,
  fieldByName,
  type DataWriterOptions,
  type PartitionSpec,
  type Schema,
  type SortOrder,
} from '@coattail/iceberg';
import { quoteIdent, quoteLiteral } from '../gates/sql-text.js';
import type { StoragePlan } from './storage-plan.js';

/** The plan in one line per choice, for logs and `--explain` output. */
export function explainPlan(plan: StoragePlan): string {
  return plan.decisions.map((d) => `${d.setting}: ${d.value} — ${d.reason}`).join('\n');
}

/** DuckDB's COPY options for a plan (Parquet, raw zone). */
export function parquetCopyOptions(plan: StoragePlan): string {
  return `FORMAT parquet, COMPRESSION ${plan.codec}, COMPRESSION_LEVEL ${plan.compressionLevel}, ROW_GROUP_SIZE ${plan.rowGroupSize}`;
}

/** The query that returns a dataset's rows in the plan's sort order. */
export function sortedSelect(plan: StoragePlan, from: string): string {
  const order = plan.sortOrder.length === 0 ? '' : ` ORDER BY ${plan.sortOrder.map(quoteIdent).join(', ')}`;
  return `SELECT * FROM ${from}${order}`;
}

/**
 * Writes a dataset to raw-zone Parquet as planned: sorted, zstd at the planned level, planned
 * row groups. A partitioned plan writes Hive-style folders (`day=…`) under `path`; day/hour
 * partitions are derived from the time column, identity ones from the column itself.
 */
export async function writeOptimizedParquet(
  connection: DuckDBConnection,
  from: string,
  plan: StoragePlan,
  path: string,
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const derived = plan.partitionSpec.filter((p) => p.transform !== 'identity');
  const extra = derived.map(
    (p) => `${partitionExpression(p.source, p.transform)} AS ${quoteIdent(partitionColumn(p.source, p.transform))}`,
  );
  const select =
    extra.length === 0 ? sortedSelect(plan, from) : sortedSelect(plan, `(SELECT *, ${extra.join(', ')} FROM ${from})`);
  const partitionBy = plan.partitionSpec.map((p) =>
    quoteIdent(p.transform === 'identity' ? p.source : partitionColumn(p.source, p.transform)),
  );
  const partitioned = partitionBy.length === 0 ? '' : `, PARTITION_BY (${partitionBy.join(', ')})`;
  await connection.run(`COPY (${select}) TO ${quoteLiteral(path)} (${parquetCopyOptions(plan)}${partitioned})`);
}

function partitionColumn(source: string, transform: string): string {
  return `${source}_${transform.replace(/\[(\d+)\]/, '$1')}`;
}

function partitionExpression(source: string, transform: string): string {
  const col = quoteIdent(source);
  const asTime = `CASE WHEN typeof(${col}) LIKE 'TIMESTAMP%' OR typeof(${col}) = 'DATE' THEN ${col}::TIMESTAMP ELSE epoch_ms(${col}::BIGINT) END`;
  if (transform === 'day') return `strftime(${asTime}, '%Y-%m-%d')`;
  if (transform === 'hour') return `strftime(${asTime}, '%Y-%m-%d-%H')`;
  const buckets = Number(/bucket\[(\d+)\]/.exec(transform)![1]);
  return `hash(${col}) % ${buckets}`;
}

/** What the Iceberg catalog and writer take from a plan. */
export interface IcebergStorageOptions {
  /** Table properties (`write.parquet.compression-codec`, …) for `createTable`. */
  readonly properties: Record<string, string>;
  readonly spec: PartitionSpec;
  readonly sortOrder: SortOrder;
  /** Writer options for `table.append` / `writeDataFiles`. */
  readonly writer: DataWriterOptions;
}

/**
 * Translates a plan into `@coattail/iceberg` options: table properties, partition spec and sort
 * order for `catalog.createTable`, writer options for appends. The writer compresses with zstd at
 * its default level (it has no level option), so `write.parquet.compression-level` records the
 * intent for engines that honour it (Spark, Trino); rows must reach `append` in sort order — sort
 * them with {@link sortedSelect} — since the writer keeps the order it is given.
 */
export function icebergStorageOptions(plan: StoragePlan, schema: Schema): IcebergStorageOptions {
  const spec = definePartitionSpec(
    schema,
    plan.partitionSpec.map((p) => ({ source: p.source, transform: p.transform })),
  );
  const sortOrder: SortOrder = {
    'order-id': plan.sortOrder.length === 0 ? 0 : 1,
    fields: plan.sortOrder.map((name) => ({
      transform: 'identity',
      'source-id': fieldByName(schema, name).id,
      direction: 'asc' as const,
      'null-order': 'nulls-first' as const,
    })),
  };
  return {
    properties: {
      'write.parquet.compression-codec': plan.codec,
      'write.parquet.compression-level': String(plan.compressionLevel),
      'write.target-file-size-bytes': String(plan.targetFileSizeBytes),
      'write.parquet.row-group-size-bytes': String(128 * 1024 * 1024),
      'write.distribution-mode': plan.partitionSpec.length === 0 ? 'none' : 'hash',
    },
    spec,
    sortOrder,
    writer: { compression: plan.codec, rowGroupSize: plan.rowGroupSize, targetFileSizeBytes: plan.targetFileSizeBytes },
  };
}

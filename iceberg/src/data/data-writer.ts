import { randomUUID } from 'node:crypto';
import { Table as ArrowTable } from 'apache-arrow';
import { IcebergUsageError } from '../errors.js';
import type { FileIO } from '../io/file-io.js';
import type { DataFile } from '../manifest/manifest.js';
import type { Schema } from '../schema/types.js';
import { bindPartitionSpec, partitionPath, type PartitionSpec } from '../spec/partition-spec.js';
import type { IcebergValue } from '../spec/values.js';
import { columnsFromArrow } from './arrow-input.js';
import { columnBatchFromRows, columnBatchFromValues, type ColumnBatch } from './column-batch.js';
import { computeMetrics } from './column-stats.js';
import { withWriterDuckDB } from './duckdb.js';
import { partitionValues, splitByPartition } from './partition-split.js';
import { writeParquetFiles, type ParquetFileRequest, type ParquetOptions } from './parquet-writer.js';

/** A row as callers hand it in: column name → value (see `IcebergValue` for accepted forms). */
export type Row = Readonly<Record<string, unknown>>;

/** Options of {@link writeDataFiles}. */
export interface DataWriterOptions extends ParquetOptions {
  /** Target size of each data file; a partition's rows roll over to a new file past it. @default 134217728 (128 MiB) */
  targetFileSizeBytes?: number;
  /** Compressed bytes per row assumed before any file was written. @default derived from the rows' in-memory size / 4 */
  bytesPerRowHint?: number;
}

export const DEFAULT_TARGET_FILE_SIZE = 128 * 1024 * 1024;

function estimateRowBytes(batch: ColumnBatch, sample: number): number {
  let bytes = 0;
  for (const column of batch.columns) {
    if (!Array.isArray(column.values)) {
      bytes += column.values.BYTES_PER_ELEMENT * sample;
      continue;
    }
    for (let r = 0; r < sample; r++) {
      const v = column.values[r];
      bytes += typeof v === 'string' ? v.length : v instanceof Uint8Array ? v.length : 8;
    }
  }
  return Math.max(1, bytes / Math.max(1, sample) / 4);
}

/** True for a {@link ColumnBatch} (rather than rows or an Arrow table). */
function isColumnBatch(input: unknown): input is ColumnBatch {
  return typeof input === 'object' && input !== null && 'columns' in input && 'rowCount' in input && 'fields' in input;
}

/**
 * Writes a columnar batch typed from the table schema (see `ColumnBatchBuilder`; rows as objects
 * and Arrow tables matched by column name are converted to one first) as Parquet data files of a
 * table: groups rows by partition tuple computed on the source columns, rolls each partition into files of about the target size, and returns the
 * `DataFile` entries (partition tuple, counts and bounds) ready to be committed.
 * Nothing is visible in the table until those files are committed.
 */
export async function writeDataFiles(
  io: FileIO,
  tableLocation: string,
  schema: Schema,
  spec: PartitionSpec,
  input: readonly Row[] | ArrowTable | ColumnBatch,
  options: DataWriterOptions = {},
): Promise<DataFile[]> {
  const fields = schema.fields;
  const batch = isColumnBatch(input)
    ? checkedBatch(schema, input)
    : input instanceof ArrowTable
      ? columnBatchFromValues(fields, columnsFromArrow(schema, input))
      : columnBatchFromRows(schema, input);
  const { rowCount, columns } = batch;
  if (rowCount === 0) return [];
  const bound = bindPartitionSpec(spec, schema);
  const sourceIndex = bound.map((b) => fields.findIndex((f) => f.id === b.field['source-id']));
  const groups = splitByPartition(
    rowCount,
    bound.map((b, i) => partitionValues(b.transform, b.sourceType, columns[sourceIndex[i]!]!)),
  );

  const target = options.targetFileSizeBytes ?? DEFAULT_TARGET_FILE_SIZE;
  const bytesPerRow = options.bytesPerRowHint ?? estimateRowBytes(batch, Math.min(rowCount, 1000));
  const maxRows = Math.max(1, Math.floor(target / bytesPerRow));
  const requests: (ParquetFileRequest & { tuple: (IcebergValue | null)[] })[] = [];
  const batchId = randomUUID();
  for (const group of groups) {
    const dir = bound.length > 0 ? `${partitionPath(bound, group.tuple)}/` : '';
    for (let start = 0, n = 0; start < group.rows.length; start += maxRows, n++) {
      requests.push({
        uri: `${tableLocation}/data/${dir}${batchId}-${String(requests.length).padStart(5, '0')}.parquet`,
        rows: group.rows.slice(start, start + maxRows),
        tuple: group.tuple,
      });
    }
  }
  const written = await withWriterDuckDB((c) => writeParquetFiles(c, io, batch, requests, options));
  return requests.map((req, i) => {
    const file = written[i]!;
    const metrics = computeMetrics(fields, columns, req.rows);
    return {
      content: 0,
      filePath: file.uri,
      fileFormat: 'PARQUET',
      partition: req.tuple,
      recordCount: req.rows.length,
      fileSizeInBytes: file.fileSizeInBytes,
      columnSizes: file.columnSizes,
      ...metrics,
      splitOffsets: file.splitOffsets,
      sortOrderId: 0,
    };
  });
}

/** A batch handed in by a caller, checked against the table's schema: same field ids, in order, and required columns without nulls. */
function checkedBatch(schema: Schema, batch: ColumnBatch): ColumnBatch {
  const ids = schema.fields.map((f) => f.id).join(',');
  if (batch.fields.map((f) => f.id).join(',') !== ids || batch.columns.length !== schema.fields.length)
    throw new IcebergUsageError(
      `the column batch was built for fields [${batch.fields.map((f) => f.id).join(', ')}], the table's schema has [${ids.replace(/,/g, ', ')}]: build it from table.schema()`,
    );
  schema.fields.forEach((field, c) => {
    const nulls = batch.columns[c]!.nulls;
    if (field.required && nulls !== null && nulls.includes(1))
      throw new IcebergUsageError(`column '${field.name}' is required but a row has no value for it`);
  });
  return batch;
}

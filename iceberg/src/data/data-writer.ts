import { randomUUID } from 'node:crypto';
import { Table as ArrowTable } from 'apache-arrow';
import { IcebergUsageError } from '../errors.js';
import type { FileIO } from '../io/file-io.js';
import type { DataFile } from '../manifest/manifest.js';
import type { Schema } from '../schema/types.js';
import { bindPartitionSpec, partitionPath, type PartitionSpec } from '../spec/partition-spec.js';
import { applyTransform } from '../spec/transforms.js';
import { normalizeValue, type IcebergValue } from '../spec/values.js';
import { columnsFromArrow } from './arrow-input.js';
import { computeMetrics } from './column-stats.js';
import { withDuckDB } from './duckdb.js';
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

function estimateRowBytes(columns: readonly (readonly (IcebergValue | null)[])[], sample: number): number {
  let bytes = 0;
  for (const col of columns) {
    for (let r = 0; r < sample; r++) {
      const v = col[r];
      bytes += typeof v === 'string' ? v.length : v instanceof Uint8Array ? v.length : 8;
    }
  }
  return Math.max(1, bytes / Math.max(1, sample) / 4);
}

/** A Map key equal for equal partition values: values themselves, except bytes (compared by content). */
function valueKey(v: IcebergValue | null): unknown {
  return v instanceof Uint8Array ? `b${Buffer.from(v).toString('hex')}` : v;
}

/**
 * Groups rows by partition tuple, one partition field (column) at a time: each field's values get a
 * small code per distinct value, and a row's group is found by its codes — no tuple array or
 * string key is built per row.
 */
function splitByPartition(
  rowCount: number,
  partitionValues: readonly ((row: number) => IcebergValue | null)[],
): { tuple: (IcebergValue | null)[]; rows: number[] }[] {
  const codes = new Int32Array(rowCount);
  const groups: { tuple: (IcebergValue | null)[]; rows: number[] }[] = [];
  if (partitionValues.length === 0) return [{ tuple: [], rows: Array.from({ length: rowCount }, (_, r) => r) }];
  // Group of (previous group, this field's value): refined field by field.
  let tuples: (IcebergValue | null)[][] = [[]];
  for (const valueOf of partitionValues) {
    const next = new Map<number, Map<unknown, number>>();
    const nextTuples: (IcebergValue | null)[][] = [];
    for (let r = 0; r < rowCount; r++) {
      const v = valueOf(r);
      const prev = codes[r]!;
      let byValue = next.get(prev);
      if (!byValue) next.set(prev, (byValue = new Map<unknown, number>()));
      const key = valueKey(v);
      let code = byValue.get(key);
      if (code === undefined) {
        code = nextTuples.length;
        byValue.set(key, code);
        nextTuples.push([...tuples[prev]!, v]);
      }
      codes[r] = code;
    }
    tuples = nextTuples;
  }
  for (const tuple of tuples) groups.push({ tuple, rows: [] });
  for (let r = 0; r < rowCount; r++) groups[codes[r]!]!.rows.push(r);
  return groups;
}

/**
 * Writes rows (objects, or an Arrow table matched by column name) as Parquet data files of a table: normalizes values per column, groups rows by
 * partition tuple, rolls each partition into files of about the target size, and returns the
 * `DataFile` entries (partition tuple, counts and bounds) ready to be committed.
 * Nothing is visible in the table until those files are committed.
 */
export async function writeDataFiles(
  io: FileIO,
  tableLocation: string,
  schema: Schema,
  spec: PartitionSpec,
  input: readonly Row[] | ArrowTable,
  options: DataWriterOptions = {},
): Promise<DataFile[]> {
  const fields = schema.fields;
  const columns =
    input instanceof ArrowTable
      ? columnsFromArrow(schema, input)
      : fields.map((field) => input.map((row) => normalizeValue(field.type, row[field.name], field.name)));
  const rowCount = columns[0]?.length ?? 0;
  if (rowCount === 0) return [];
  fields.forEach((field, c) => {
    if (field.required && columns[c]!.includes(null))
      throw new IcebergUsageError(`column '${field.name}' is required but a row has no value for it`);
  });
  const bound = bindPartitionSpec(spec, schema);
  const sourceIndex = bound.map((b) => fields.findIndex((f) => f.id === b.field['source-id']));
  const groups = splitByPartition(
    rowCount,
    bound.map((b, i) => {
      const source = columns[sourceIndex[i]!]!;
      return (r: number) => applyTransform(b.transform, b.sourceType, source[r] ?? null);
    }),
  );

  const target = options.targetFileSizeBytes ?? DEFAULT_TARGET_FILE_SIZE;
  const bytesPerRow = options.bytesPerRowHint ?? estimateRowBytes(columns, Math.min(rowCount, 1000));
  const maxRows = Math.max(1, Math.floor(target / bytesPerRow));
  const requests: (ParquetFileRequest & { tuple: (IcebergValue | null)[] })[] = [];
  const batch = randomUUID();
  for (const group of groups) {
    const dir = bound.length > 0 ? `${partitionPath(bound, group.tuple)}/` : '';
    for (let start = 0, n = 0; start < group.rows.length; start += maxRows, n++) {
      requests.push({
        uri: `${tableLocation}/data/${dir}${batch}-${String(requests.length).padStart(5, '0')}.parquet`,
        rows: group.rows.slice(start, start + maxRows),
        tuple: group.tuple,
      });
    }
  }
  const written = await withDuckDB((c) => writeParquetFiles(c, io, fields, columns, requests, options));
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

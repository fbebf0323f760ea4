import { UnsupportedFeatureError } from '../errors.js';
import type { FileIO } from '../io/file-io.js';
import type { DataFile } from '../manifest/manifest.js';
import type { TableMetadata } from '../metadata/table-metadata.js';
import type { NestedField, Schema } from '../schema/types.js';

/** A data file selected by planning, with its inherited data sequence number. */
export interface FileScanTask {
  file: DataFile;
  specId: number;
  dataSequenceNumber: number;
}

/** A live delete file (content 1 position deletes, content 2 equality deletes) of the scanned snapshot. */
export type DeleteFileTask = FileScanTask;

/**
 * The DuckDB column name a field is read under: its id, never its name, so names that differ only
 * in case (`user_id`, `uSeR_Id`, distinct in Iceberg, equal to DuckDB) never collide.
 */
export function columnName(field: Pick<NestedField, 'id'>): string {
  return `__f${field.id}`;
}

/** Key of a file's partition (spec and tuple): equality deletes apply within one partition. */
export function partitionKey(task: FileScanTask): string {
  return `${task.specId}:${JSON.stringify(task.file.partition, (_k, v: unknown) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
  )}`;
}

/** What to read: files of one snapshot with the schema to read them with. */
export interface ScanSource {
  io: FileIO;
  metadata: TableMetadata;
  schema: Schema;
  tasks: readonly FileScanTask[];
  deletes: readonly DeleteFileTask[];
}

/** Throws for files that are not Parquet: reading them as Parquet would fail or, worse, misread. */
export function requireParquet(task: FileScanTask): void {
  const format = task.file.fileFormat.toUpperCase();
  if (format === 'PARQUET') return;
  const what =
    format === 'PUFFIN'
      ? 'deletion vectors (v3, Puffin)'
      : `${format} ${task.file.content === 0 ? 'data' : 'delete'} files`;
  throw new UnsupportedFeatureError(what, `'${task.file.filePath}' cannot be read; only Parquet files are`);
}

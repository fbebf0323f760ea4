import { writeDataFiles, DEFAULT_TARGET_FILE_SIZE } from '../data/data-writer.js';
import { duckdbType } from '../data/duckdb-types.js';
import { UnsupportedFeatureError } from '../errors.js';
import type { DataFile } from '../manifest/manifest.js';
import type { Schema } from '../schema/types.js';
import { readDataFiles, type FileScanTask } from '../scan/table-scan.js';
import { requireWritableFormat } from '../table/format-guard.js';
import type { Table, CommitResult } from '../table/table.js';

/** Options of {@link compactTable}. */
export interface CompactionOptions {
  /** Size of the files to produce. @default table property `write.target-file-size-bytes`, else 128 MiB */
  targetFileSizeBytes?: number;
  /** Files smaller than this are rewritten. @default 75 % of the target */
  smallFileBytes?: number;
  /** A partition is compacted only when it has at least this many small files. @default 2 */
  minInputFiles?: number;
}

/** What a compaction did. */
export interface CompactionResult {
  rewrittenFiles: number;
  addedFiles: number;
  /** Rows written to the new files (rows removed by delete files are not written back). */
  rewrittenRecords: number;
  partitions: number;
  commit: CommitResult | undefined;
}

/**
 * Compaction writes every row back, so it may only run on tables whose every value the writer can
 * write unchanged; refused up front, before any file is written.
 */
function requireWritable(schema: Schema): void {
  const seen = new Map<string, string>();
  for (const f of schema.fields) {
    try {
      duckdbType(f.type);
    } catch {
      throw new UnsupportedFeatureError(
        `compaction of ${typeof f.type === 'string' ? f.type : f.type.type} columns`,
        `column '${f.name}' cannot be written back unchanged; the table can be read but not compacted by this library`,
      );
    }
    const other = seen.get(f.name.toLowerCase());
    if (other !== undefined)
      throw new UnsupportedFeatureError(
        'compaction of columns whose names differ only in case',
        `columns '${other}' and '${f.name}' cannot both be written by the Parquet writer; the table can be read but not compacted`,
      );
    seen.set(f.name.toLowerCase(), f.name);
  }
}

function partitionKey(f: DataFile, specId: number): string {
  return `${specId}:${JSON.stringify(f.partition, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v))}`;
}

/**
 * Rewrites the small files of each partition into target-size files and commits them in one
 * `replace` snapshot. Streaming sinks commit a few files per checkpoint, so tables accumulate
 * many small files; this keeps scans fast. Appends committed while it runs are kept (only the
 * manifests holding rewritten files are rewritten). Rows are read exactly as a scan reads them:
 * identity-partition values a file leaves out are filled from its partition tuple, defaults of
 * added columns applied, and rows removed by delete files dropped (the new files no longer hold
 * them; the commit fails if another writer added delete files meanwhile, since those could apply
 * to rows just rewritten). Tables with columns the writer cannot write unchanged are refused.
 *
 * @example
 * const result = await compactTable(table, { targetFileSizeBytes: 64 * 1024 * 1024 });
 */
export async function compactTable(table: Table, options: CompactionOptions = {}): Promise<CompactionResult> {
  await table.refresh();
  const target =
    options.targetFileSizeBytes ??
    Number(table.metadata.properties['write.target-file-size-bytes'] ?? DEFAULT_TARGET_FILE_SIZE);
  const small = options.smallFileBytes ?? Math.floor(target * 0.75);
  const minInputs = options.minInputFiles ?? 2;
  const defaultSpec = table.metadata['default-spec-id'];
  const schema = table.schema();
  requireWritableFormat(table.metadata, 'compact');
  requireWritable(schema);
  const scan = table.scan();
  const deletes = await scan.planDeleteFiles();
  const groups = new Map<string, FileScanTask[]>();
  for (const task of await scan.planFiles()) {
    // Files of older specs would land in a different partition layout; leave them alone.
    if (task.specId !== defaultSpec || task.file.fileSizeInBytes >= small) continue;
    const key = partitionKey(task.file, task.specId);
    groups.set(key, [...(groups.get(key) ?? []), task]);
  }
  const removed: DataFile[] = [];
  const added: DataFile[] = [];
  let partitions = 0;
  for (const tasks of groups.values()) {
    if (tasks.length < minInputs) continue;
    partitions++;
    const files = tasks.map((t) => t.file);
    const rows = await readDataFiles(table.ops.io, table.metadata, schema, tasks, deletes);
    const totalBytes = files.reduce((n, f) => n + f.fileSizeInBytes, 0);
    const written = await writeDataFiles(table.ops.io, table.metadata.location, schema, table.spec(), rows, {
      targetFileSizeBytes: target,
      bytesPerRowHint: Math.max(1, totalBytes / Math.max(1, rows.length)),
    });
    removed.push(...files);
    added.push(...written);
  }
  const commit =
    removed.length > 0
      ? await table.rewriteFiles(removed, added, {
          summary: { 'coattail.maintenance': 'compaction' },
          knownDeleteFiles: new Set(deletes.map((d) => d.file.filePath)),
        })
      : undefined;
  return {
    rewrittenFiles: removed.length,
    addedFiles: added.length,
    rewrittenRecords: added.reduce((n, f) => n + f.recordCount, 0),
    partitions,
    commit,
  };
}

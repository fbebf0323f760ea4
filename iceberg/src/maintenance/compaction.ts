import { writeDataFiles, DEFAULT_TARGET_FILE_SIZE } from '../data/data-writer.js';
import type { DataFile } from '../manifest/manifest.js';
import { readDataFiles } from '../scan/table-scan.js';
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
  rewrittenRecords: number;
  partitions: number;
  commit: CommitResult | undefined;
}

function partitionKey(f: DataFile, specId: number): string {
  return `${specId}:${JSON.stringify(f.partition, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v))}`;
}

/**
 * Rewrites the small files of each partition into target-size files and commits them in one
 * `replace` snapshot. Streaming sinks commit a few files per checkpoint, so tables accumulate
 * many small files; this keeps scans fast. Appends committed while it runs are kept (only the
 * manifests holding rewritten files are rewritten).
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
  const groups = new Map<string, DataFile[]>();
  for (const task of await table.scan().planFiles()) {
    // Files of older specs would land in a different partition layout; leave them alone.
    if (task.specId !== defaultSpec || task.file.fileSizeInBytes >= small) continue;
    const key = partitionKey(task.file, task.specId);
    groups.set(key, [...(groups.get(key) ?? []), task.file]);
  }
  const removed: DataFile[] = [];
  const added: DataFile[] = [];
  let partitions = 0;
  const schema = table.schema();
  for (const files of groups.values()) {
    if (files.length < minInputs) continue;
    partitions++;
    const rows = await readDataFiles(table.ops.io, schema, files);
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
      ? await table.rewriteFiles(removed, added, { summary: { 'coattail.maintenance': 'compaction' } })
      : undefined;
  return {
    rewrittenFiles: removed.length,
    addedFiles: added.length,
    rewrittenRecords: removed.reduce((n, f) => n + f.recordCount, 0),
    partitions,
    commit,
  };
}

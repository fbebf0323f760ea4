import { DEFAULT_TARGET_FILE_SIZE } from '../data/data-writer.js';
import { IcebergUsageError } from '../errors.js';
import type { IcebergValue } from '../spec/values.js';
import type { Table } from '../table/table.js';
import { compactTable, type CompactionOptions } from './compaction.js';
import { expireSnapshots, planSnapshotExpiry, removeOrphanFiles } from './snapshot-expiry.js';

const DAY_MS = 86_400_000;

/** Options of {@link maintainTable}; every step runs unless set to `false`. */
export interface MaintenanceOptions {
  /** Rewrite small files into target-size ones (see `compactTable`). @default {} */
  compact?: CompactionOptions | false;
  /** Expire old snapshots and delete the files only they referenced. @default {} */
  expire?:
    | {
        /** Snapshots older than this may expire, ms. @default 5 days (Iceberg's default) */
        maxSnapshotAgeMs?: number;
        /** The newest this many snapshots of the current history (the current one included) always stay. @default 1 */
        retainLast?: number;
      }
    | false;
  /** Delete files under the table location that no metadata references. @default {} */
  orphans?:
    | {
        /**
         * Only files older than this are deleted, ms: a younger file may belong to a write that
         * has not committed yet. @default 3 days (Iceberg's default)
         */
        minAgeMs?: number;
      }
    | false;
  /** Report what would be compacted and deleted, change nothing. @default false */
  dryRun?: boolean;
  /** Current time, ms since epoch (ages are measured from it). @default Date.now() */
  now?: number;
  /** Called as each step starts and ends, for progress output. */
  onProgress?: (event: MaintenanceProgress) => void;
}

/** One step of {@link maintainTable}. */
export type MaintenanceStep = 'compact' | 'expire' | 'orphans';

/** A progress event of {@link maintainTable}. */
export type MaintenanceProgress =
  { step: MaintenanceStep; phase: 'start' } | { step: MaintenanceStep; phase: 'done'; summary: string };

/** Small files of one partition that compaction would rewrite together. */
export interface CompactionCandidate {
  /** Partition values by partition field name (`{}` for an unpartitioned table). */
  partition: Record<string, IcebergValue | null>;
  files: number;
  bytes: number;
}

/** What {@link maintainTable} did (or, with `dryRun`, would do). */
export interface MaintenanceReport {
  table: string;
  dryRun: boolean;
  compaction?: {
    /** Partitions with enough small files to compact (the dry-run's plan; also reported after a run). */
    candidates: CompactionCandidate[];
    rewrittenFiles: number;
    addedFiles: number;
    rewrittenRecords: number;
  };
  expiry?: { snapshots: { id: bigint; timestampMs: number | undefined }[]; files: string[] };
  orphans?: { files: string[] };
}

function requireNonNegative(value: number | undefined, what: string): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0))
    throw new IcebergUsageError(`${what} must be a number ≥ 0, got ${value}`);
}

/**
 * Table maintenance in one call, the way it is scheduled: compact small files, expire old
 * snapshots (deleting the files only they used), then remove orphan files — files under the table
 * location no metadata references, left by writers killed between writing Parquet and committing.
 * Compaction goes first so the files it replaces can expire with their snapshots on a later run.
 * With `dryRun` nothing changes and the report lists what would be compacted and deleted.
 *
 * @example
 * const report = await maintainTable(table, { expire: { maxSnapshotAgeMs: 7 * 86_400_000, retainLast: 10 }, dryRun: true });
 * for (const f of report.orphans?.files ?? []) console.log('would delete', f);
 */
export async function maintainTable(table: Table, options: MaintenanceOptions = {}): Promise<MaintenanceReport> {
  const now = options.now ?? Date.now();
  const dryRun = options.dryRun ?? false;
  const progress = options.onProgress ?? (() => undefined);
  const { compact = {}, expire = {}, orphans = {} } = options;
  if (expire) requireNonNegative(expire.maxSnapshotAgeMs, 'the snapshot age');
  if (expire) requireNonNegative(expire.retainLast, 'the number of snapshots to retain');
  if (orphans) requireNonNegative(orphans.minAgeMs, 'the orphan file age');
  const report: MaintenanceReport = { table: table.identifier, dryRun };

  if (compact) {
    progress({ step: 'compact', phase: 'start' });
    const candidates = await compactionCandidates(table, compact);
    const done = dryRun ? undefined : await compactTable(table, compact);
    report.compaction = {
      candidates,
      rewrittenFiles: done?.rewrittenFiles ?? 0,
      addedFiles: done?.addedFiles ?? 0,
      rewrittenRecords: done?.rewrittenRecords ?? 0,
    };
    const files = candidates.reduce((n, c) => n + c.files, 0);
    progress({
      step: 'compact',
      phase: 'done',
      summary: dryRun
        ? `would rewrite ${files} small files in ${candidates.length} partitions`
        : `rewrote ${done?.rewrittenFiles ?? 0} small files into ${done?.addedFiles ?? 0} (${done?.rewrittenRecords ?? 0} rows)`,
    });
  }

  if (expire) {
    progress({ step: 'expire', phase: 'start' });
    const expireOptions = {
      olderThanMs: now - (expire.maxSnapshotAgeMs ?? 5 * DAY_MS),
      retainLast: expire.retainLast ?? 1,
    };
    const plan = await planSnapshotExpiry(table, expireOptions);
    let files = plan.files;
    let ids = plan.expired.map((s) => s['snapshot-id']);
    if (!dryRun) {
      const done = await expireSnapshots(table, expireOptions);
      files = done.deleted;
      ids = done.expired;
    }
    const times = new Map(plan.expired.map((s) => [s['snapshot-id'], s['timestamp-ms']]));
    report.expiry = { snapshots: ids.map((id) => ({ id, timestampMs: times.get(id) })), files };
    progress({
      step: 'expire',
      phase: 'done',
      summary: `${dryRun ? 'would expire' : 'expired'} ${ids.length} snapshots, ${dryRun ? 'freeing' : 'deleted'} ${files.length} files`,
    });
  }

  if (orphans) {
    progress({ step: 'orphans', phase: 'start' });
    const files = await removeOrphanFiles(table, { olderThanMs: now - (orphans.minAgeMs ?? 3 * DAY_MS), dryRun });
    report.orphans = { files };
    progress({
      step: 'orphans',
      phase: 'done',
      summary: `${dryRun ? 'would delete' : 'deleted'} ${files.length} orphan files`,
    });
  }
  return report;
}

/**
 * Partitions where `compactTable` finds work, by its rule: files of the default spec smaller than
 * `smallFileBytes`, at least `minInputFiles` of them in a partition. Read from the plan only, so a
 * dry run writes nothing.
 */
async function compactionCandidates(table: Table, options: CompactionOptions): Promise<CompactionCandidate[]> {
  await table.refresh();
  const target =
    options.targetFileSizeBytes ??
    Number(table.metadata.properties['write.target-file-size-bytes'] ?? DEFAULT_TARGET_FILE_SIZE);
  const small = options.smallFileBytes ?? Math.floor(target * 0.75);
  const minInputs = options.minInputFiles ?? 2;
  const groups = new Map<string, CompactionCandidate>();
  const spec = table.spec();
  for (const task of await table.scan().planFiles()) {
    if (task.specId !== table.metadata['default-spec-id'] || task.file.fileSizeInBytes >= small) continue;
    const key = JSON.stringify(task.file.partition, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    const partition = Object.fromEntries(spec.fields.map((f, i) => [f.name, task.file.partition[i] ?? null]));
    const group = groups.get(key) ?? { partition, files: 0, bytes: 0 };
    group.files++;
    group.bytes += task.file.fileSizeInBytes;
    groups.set(key, group);
  }
  return [...groups.values()].filter((g) => g.files >= minInputs);
}

import { silentLogger, type Logger } from '@coattail/runtime';
import type { Table as ArrowTable } from 'apache-arrow';
import { formatIdentifier } from '../catalog/pointer-store.js';
import { ColumnBatchBuilder, type ColumnBatch } from '../data/column-batch.js';
import { writeDataFiles, type DataWriterOptions, type Row } from '../data/data-writer.js';
import type { DataFile } from '../manifest/manifest.js';
import { newSnapshotId, withSchema } from '../metadata/metadata-builder.js';
import {
  currentSchema,
  currentSnapshot,
  specById,
  type Snapshot,
  type TableMetadata,
} from '../metadata/table-metadata.js';
import { TableScan, type ScanOptions } from '../scan/table-scan.js';
import { evolveSchema, type SchemaChange } from '../schema/schema-update.js';
import type { Schema } from '../schema/types.js';
import type { PartitionSpec } from '../spec/partition-spec.js';
import { JOB_ID_PROP, MAX_CHECKPOINT_PROP, maxCommittedCheckpointId, OPERATOR_ID_PROP } from './checkpoint-ancestry.js';
import { requireWritableFormat } from './format-guard.js';
import { writeManifestFile } from './manifest-writer.js';
import {
  buildSnapshot,
  currentManifests,
  pendingManifest,
  rewriteForRemoval,
  validateNoNewDeletes,
} from './snapshot-producer.js';
import type { CommitRetryOptions, TableOperations } from './table-operations.js';

/** Identity of a streaming committer, for exactly-once commits (see {@link Table.commitAppend}). */
export interface CheckpointCommit {
  /** The job's stable name (the same across restarts, never a per-run id). */
  jobId: string;
  /** The sink operator's stable id within the job. */
  operatorId: string;
  /** The checkpoint whose files this commit publishes; must grow with every commit. */
  checkpointId: number;
}

/** Options of a commit. */
export interface CommitOptions extends CommitRetryOptions {
  /** Extra snapshot summary properties (strings), e.g. `{ 'coattail.source': 'binance' }`. */
  summary?: Readonly<Record<string, string>>;
  /** Makes the commit idempotent per (job, operator, checkpoint). */
  checkpoint?: CheckpointCommit;
}

/** Options of {@link Table.rewriteFiles}. */
export interface RewriteOptions extends CommitOptions {
  /**
   * Delete files the rewritten rows were read with. When given, the commit fails with a
   * `ValidationError` if the table has any other live delete file by then.
   */
  knownDeleteFiles?: ReadonlySet<string>;
}

/** Outcome of a commit: a new snapshot, or skipped because that checkpoint is already in the table. */
export type CommitResult =
  | { status: 'committed'; snapshotId: bigint; addedFiles: number; addedRecords: number }
  | { status: 'already-committed'; maxCommittedCheckpointId: number };

/**
 * One Iceberg table: write data files, commit them (append, or replace for compaction), evolve
 * the schema, scan with time travel. Every commit is optimistic and retried on conflict.
 *
 * @example
 * const table = await catalog.loadTable('market.raw_trades');
 * await table.append(rows, { summary: { 'coattail.batch': 'backfill-1' } });
 * const rows = await table.scan({ filter: [{ column: 'symbol', op: '=', value: 'BTCUSDT' }] }).toRows();
 */
export class Table {
  constructor(
    readonly ops: TableOperations,
    private readonly logger: Logger = silentLogger,
  ) {}

  get identifier(): string {
    return formatIdentifier(this.ops.identifier);
  }

  get metadata(): TableMetadata {
    return this.ops.metadata;
  }

  get metadataLocation(): string {
    return this.ops.metadataLocation;
  }

  schema(): Schema {
    return currentSchema(this.metadata);
  }

  spec(): PartitionSpec {
    return specById(this.metadata, this.metadata['default-spec-id']);
  }

  currentSnapshot(): Snapshot | undefined {
    return currentSnapshot(this.metadata);
  }

  snapshots(): Snapshot[] {
    return [...this.metadata.snapshots];
  }

  async refresh(): Promise<this> {
    await this.ops.refresh();
    return this;
  }

  /** Writer options from table properties (`write.target-file-size-bytes`). */
  private writerOptions(options: DataWriterOptions): DataWriterOptions {
    const target = this.metadata.properties['write.target-file-size-bytes'];
    return { ...(target ? { targetFileSizeBytes: Number(target) } : {}), ...options };
  }

  /**
   * A builder of a columnar batch typed from the current schema: sinks and loaders append rows to
   * it as they arrive and hand `finish()` to {@link writeDataFiles}.
   */
  batchBuilder(initialCapacity?: number): ColumnBatchBuilder {
    return new ColumnBatchBuilder(this.schema(), initialCapacity);
  }

  /**
   * Writes a column batch (see {@link batchBuilder}), rows as objects or an Arrow table as data
   * files with the current schema and spec; they join the table only once committed.
   */
  async writeDataFiles(
    rows: ColumnBatch | readonly Row[] | ArrowTable,
    options: DataWriterOptions = {},
  ): Promise<DataFile[]> {
    requireWritableFormat(this.metadata, 'write data files for');
    return writeDataFiles(
      this.ops.io,
      this.metadata.location,
      this.schema(),
      this.spec(),
      rows,
      this.writerOptions(options),
    );
  }

  /** Writes and commits rows in one `append` snapshot. */
  async append(
    rows: ColumnBatch | readonly Row[] | ArrowTable,
    options: CommitOptions & DataWriterOptions = {},
  ): Promise<CommitResult> {
    return this.commitAppend(await this.writeDataFiles(rows, options), options);
  }

  /**
   * Commits written data files as an `append` snapshot. With `checkpoint`, the commit is skipped
   * when that job/operator already committed this checkpoint or a later one — checked on the very
   * metadata the commit is based on, inside the retry loop, so a commit that landed while its
   * response was lost (or an in-flight one that lands before a retry) is never applied twice.
   */
  async commitAppend(files: readonly DataFile[], options: CommitOptions = {}): Promise<CommitResult> {
    requireWritableFormat(this.metadata, 'append to');
    const snapshotId = newSnapshotId(this.metadata.snapshots);
    const manifest = pendingManifest(
      await writeManifestFile(
        this.ops.io,
        this.metadata.location,
        this.schema(),
        this.spec(),
        snapshotId,
        files.map((dataFile) => ({ status: 1, snapshotId, sequenceNumber: null, fileSequenceNumber: null, dataFile })),
      ),
    );
    const cp = options.checkpoint;
    const summary: Record<string, string> = { ...options.summary, 'engine-name': 'coattail' };
    if (cp)
      Object.assign(summary, {
        [JOB_ID_PROP]: cp.jobId,
        [OPERATOR_ID_PROP]: cp.operatorId,
        [MAX_CHECKPOINT_PROP]: String(cp.checkpointId),
      });
    const result = await this.ops.commitWithRetry<CommitResult>(async (base, attempt, baseLocation) => {
      if (cp) {
        const max = maxCommittedCheckpointId(base, cp.jobId, cp.operatorId);
        if (max >= cp.checkpointId)
          return { kind: 'noop', result: { status: 'already-committed', maxCommittedCheckpointId: max } };
      }
      const manifests = [manifest, ...(await currentManifests(this.ops.io, base))];
      const committed: CommitResult = {
        status: 'committed',
        snapshotId,
        addedFiles: files.length,
        addedRecords: files.reduce((n, f) => n + f.recordCount, 0),
      };
      return buildSnapshot(
        this.ops.io,
        base,
        baseLocation,
        { snapshotId, operation: 'append', manifests, added: files, removed: [], summary },
        attempt,
        committed,
      );
    }, options);
    if (result.status === 'already-committed') await this.ops.io.delete([manifest.manifestPath]);
    this.logger.debug(
      {
        table: this.identifier,
        ...result,
        snapshotId: result.status === 'committed' ? String(result.snapshotId) : undefined,
      },
      'append commit',
    );
    return result;
  }

  /**
   * Atomically replaces data files by others holding the same rows (compaction) in a `replace`
   * snapshot. Files appended concurrently are kept; if a file to remove disappeared meanwhile the
   * commit fails with a `ValidationError` and the new files are left as orphans.
   */
  async rewriteFiles(
    removed: readonly DataFile[],
    added: readonly DataFile[],
    options: RewriteOptions = {},
  ): Promise<CommitResult> {
    requireWritableFormat(this.metadata, 'rewrite files of');
    const snapshotId = newSnapshotId(this.metadata.snapshots);
    const manifest = pendingManifest(
      await writeManifestFile(
        this.ops.io,
        this.metadata.location,
        this.schema(),
        this.spec(),
        snapshotId,
        added.map((dataFile) => ({ status: 1, snapshotId, sequenceNumber: null, fileSequenceNumber: null, dataFile })),
      ),
    );
    const removedPaths = new Set(removed.map((f) => f.filePath));
    return this.ops.commitWithRetry<CommitResult>(async (base, attempt, baseLocation) => {
      const rewritten = await rewriteForRemoval(this.ops.io, base, snapshotId, removedPaths);
      if (options.knownDeleteFiles) {
        await validateNoNewDeletes(this.ops.io, rewritten.manifests, options.knownDeleteFiles).catch(
          async (error: unknown) => {
            await this.ops.io.delete(rewritten.written);
            throw error;
          },
        );
      }
      const committed: CommitResult = {
        status: 'committed',
        snapshotId,
        addedFiles: added.length,
        addedRecords: added.reduce((n, f) => n + f.recordCount, 0),
      };
      const parts = {
        snapshotId,
        operation: 'replace' as const,
        manifests: [manifest, ...rewritten.manifests],
        added,
        removed: rewritten.removedFiles,
        summary: { ...options.summary, 'engine-name': 'coattail' },
        extraFiles: rewritten.written,
      };
      return buildSnapshot(this.ops.io, base, baseLocation, parts, attempt, committed);
    }, options);
  }

  /**
   * Evolves the schema without rewriting data: add optional columns, rename, widen, make optional.
   *
   * @example
   * await table.updateSchema([{ kind: 'add-column', name: 'venue', type: 'string' }]);
   */
  async updateSchema(changes: readonly SchemaChange[], options: CommitRetryOptions = {}): Promise<Schema> {
    requireWritableFormat(this.metadata, 'change the schema of');
    return this.ops.commitWithRetry<Schema>((base, _attempt, baseLocation) => {
      const nextId = Math.max(...base.schemas.map((s) => s['schema-id'])) + 1;
      const schema = evolveSchema(currentSchema(base), base['last-column-id'], changes, nextId);
      return Promise.resolve({
        kind: 'commit',
        metadata: withSchema(base, baseLocation, schema, Date.now()),
        result: schema,
        attemptFiles: [],
      });
    }, options);
  }

  /** A scan of the current snapshot, or of an older one with `snapshotId` / `asOfTimestamp`. */
  scan(options: ScanOptions = {}): TableScan {
    return new TableScan(this.ops.io, this.metadata, options);
  }

  /** Highest checkpoint committed by the job/operator in the current ancestry (-1 when none). */
  async maxCommittedCheckpointId(jobId: string, operatorId: string): Promise<number> {
    await this.refresh();
    return maxCommittedCheckpointId(this.metadata, jobId, operatorId);
  }
}

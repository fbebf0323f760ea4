import type { DuckDBConnection } from '@duckdb/node-api';
import { fromDuckDBValue, quoteIdent } from '../data/duckdb-types.js';
import { withDuckDB } from '../data/duckdb.js';
import { IcebergUsageError } from '../errors.js';
import type { FileIO } from '../io/file-io.js';
import { readManifest } from '../manifest/manifest.js';
import { readManifestList } from '../manifest/manifest-list.js';
import {
  currentSchema,
  currentSnapshot,
  schemaById,
  snapshotById,
  specById,
  type Snapshot,
  type TableMetadata,
} from '../metadata/table-metadata.js';
import { fieldByName } from '../schema/schema.js';
import type { Schema } from '../schema/types.js';
import { bindPartitionSpec } from '../spec/partition-spec.js';
import type { IcebergValue } from '../spec/values.js';
import {
  bindPredicates,
  manifestMayMatch,
  metricsMayMatch,
  partitionMayMatch,
  type BoundPredicate,
  type Predicate,
} from './predicates.js';
import { createRowsView } from './scan-source.js';
import { columnName, type DeleteFileTask, type FileScanTask, type ScanSource } from './scan-task.js';
import { predicatesToSql } from './sql-filter.js';

export type { DeleteFileTask, FileScanTask } from './scan-task.js';

/** What to read. */
export interface ScanOptions {
  /** Read the table as of this snapshot (time travel by id). */
  snapshotId?: bigint;
  /** Read the table as it was at this time (ms since epoch or Date), from the snapshot log. */
  asOfTimestamp?: number | Date;
  /** AND-ed filters: used to prune manifests and files, then applied to rows. */
  filter?: readonly Predicate[];
  /** Columns to return. @default all columns of the scanned schema */
  columns?: readonly string[];
}

/** Counters of the last planning run: how much pruning saved. */
export interface PlanStats {
  manifestsTotal: number;
  manifestsScanned: number;
  filesTotal: number;
  filesPlanned: number;
}

/** A row as scans return it: column name → value (see `IcebergValue`) or null. */
export type ResultRow = Record<string, IcebergValue | null>;

/**
 * A read of one table snapshot: plans files from the manifest list and manifests (partition and
 * min/max pruning), then reads them with DuckDB, resolving columns by Iceberg field id so renamed
 * columns read correctly, added columns read their `initial-default` (else NULL) from older files,
 * identity-partition columns a file leaves out read its partition value, and rows removed by
 * position or equality delete files are dropped.
 */
export class TableScan {
  readonly snapshot: Snapshot | undefined;
  readonly schema: Schema;
  readonly stats: PlanStats = { manifestsTotal: 0, manifestsScanned: 0, filesTotal: 0, filesPlanned: 0 };
  private readonly predicates: BoundPredicate[];

  constructor(
    private readonly io: FileIO,
    private readonly metadata: TableMetadata,
    private readonly options: ScanOptions = {},
  ) {
    this.snapshot = resolveSnapshot(metadata, options);
    const timeTravel = options.snapshotId !== undefined || options.asOfTimestamp !== undefined;
    // A reader of an old snapshot sees the schema that snapshot was written with.
    const schemaId = timeTravel ? this.snapshot?.['schema-id'] : undefined;
    this.schema = schemaId === undefined ? currentSchema(metadata) : schemaById(metadata, schemaId);
    this.predicates = bindPredicates(this.schema, options.filter ?? [], fieldByName);
  }

  private planned: Promise<{ tasks: FileScanTask[]; deletes: DeleteFileTask[] }> | undefined;

  /** Selects the data files that may hold matching rows. */
  async planFiles(): Promise<FileScanTask[]> {
    return (await this.plan()).tasks;
  }

  /** The live delete files of the snapshot (applied by every read of this scan). */
  async planDeleteFiles(): Promise<DeleteFileTask[]> {
    return (await this.plan()).deletes;
  }

  private plan(): Promise<{ tasks: FileScanTask[]; deletes: DeleteFileTask[] }> {
    this.planned ??= this.planOnce();
    return this.planned;
  }

  private async planOnce(): Promise<{ tasks: FileScanTask[]; deletes: DeleteFileTask[] }> {
    const listUri = this.snapshot?.['manifest-list'];
    if (!listUri) return { tasks: [], deletes: [] };
    const tasks: FileScanTask[] = [];
    const deletes: DeleteFileTask[] = [];
    const listed = await readManifestList(await this.io.read(listUri), listUri);
    const manifests = listed.filter((m) => m.content === 0);
    this.stats.manifestsTotal = manifests.length;
    for (const m of listed.filter((l) => l.content === 1)) {
      const manifest = await readManifest(await this.io.read(m.manifestPath), m.manifestPath);
      for (const entry of manifest.entries) {
        if (entry.status === 2) continue;
        const dataSequenceNumber = entry.sequenceNumber ?? m.sequenceNumber;
        deletes.push({ file: entry.dataFile, specId: m.partitionSpecId, dataSequenceNumber });
      }
    }
    for (const m of manifests) {
      const bound = bindPartitionSpec(specById(this.metadata, m.partitionSpecId), currentSchema(this.metadata));
      const live = m.addedFilesCount + m.existingFilesCount;
      this.stats.filesTotal += live;
      if (!manifestMayMatch(bound, m.partitions, this.predicates)) continue;
      this.stats.manifestsScanned++;
      const manifest = await readManifest(await this.io.read(m.manifestPath), m.manifestPath);
      for (const entry of manifest.entries) {
        if (entry.status === 2) continue;
        if (
          !partitionMayMatch(bound, entry.dataFile.partition, this.predicates) ||
          !metricsMayMatch(entry.dataFile, this.predicates)
        )
          continue;
        tasks.push({
          file: entry.dataFile,
          specId: m.partitionSpecId,
          dataSequenceNumber: entry.sequenceNumber ?? m.sequenceNumber,
        });
      }
    }
    this.stats.filesPlanned = tasks.length;
    return { tasks, deletes };
  }

  private async source(): Promise<ScanSource> {
    const { tasks, deletes } = await this.plan();
    return { io: this.io, metadata: this.metadata, schema: this.schema, tasks, deletes };
  }

  /** Reads the matching rows. */
  async toRows(): Promise<ResultRow[]> {
    const source = await this.source();
    if (source.tasks.length === 0) return [];
    const columns = (this.options.columns ?? this.schema.fields.map((f) => f.name)).map((c) =>
      fieldByName(this.schema, c),
    );
    return withDuckDB(async (connection) => {
      await createRowsView(connection, source, '__rows');
      const where = predicatesToSql(this.predicates, columnName);
      const result = await connection.runAndReadAll(
        `SELECT ${columns.map(columnName).join(', ')} FROM __rows${where ? ` WHERE ${where}` : ''}`,
      );
      return result.getRowObjects().map((row) => {
        const out: ResultRow = {};
        for (const c of columns) out[c.name] = fromDuckDBValue(c.type, row[columnName(c)] ?? null);
        return out;
      });
    });
  }

  /**
   * Runs DuckDB SQL over the scanned snapshot, exposed as a view (default name `t`).
   *
   * @example
   * await table.scan({ asOfTimestamp: yesterday }).sql('SELECT symbol, count(*) AS n FROM t GROUP BY symbol');
   */
  async sql(query: string, view = 't'): Promise<Record<string, unknown>[]> {
    const source = await this.source();
    return withDuckDB(async (connection) => {
      await createNamedView(connection, source, view);
      const result = await connection.runAndReadAll(query);
      return result
        .getRowObjects()
        .map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, fromDuckDBValue('', v)])));
    });
  }
}

/**
 * The rows view under the columns' own names, for user SQL. DuckDB identifiers are
 * case-insensitive, so two columns whose names differ only in case cannot both be exposed.
 */
async function createNamedView(connection: DuckDBConnection, source: ScanSource, view: string): Promise<void> {
  const seen = new Map<string, string>();
  for (const f of source.schema.fields) {
    const other = seen.get(f.name.toLowerCase());
    if (other !== undefined)
      throw new IcebergUsageError(
        `columns '${other}' and '${f.name}' differ only in case, which DuckDB SQL cannot tell apart; ` +
          `read them with scan().toRows() (columns bound by field id) instead of scan().sql()`,
      );
    seen.set(f.name.toLowerCase(), f.name);
  }
  await createRowsView(connection, source, '__rows');
  const cols = source.schema.fields.map((f) => `${columnName(f)} AS ${quoteIdent(f.name)}`).join(', ');
  await connection.run(`CREATE OR REPLACE TEMP VIEW ${quoteIdent(view)} AS SELECT ${cols} FROM __rows`);
}

/**
 * Reads whole data files with a schema (columns resolved by field id, identity-partition columns
 * missing from a file filled from its partition tuple, deletes applied), e.g. to rewrite them.
 */
export async function readDataFiles(
  io: FileIO,
  metadata: TableMetadata,
  schema: Schema,
  tasks: readonly FileScanTask[],
  deletes: readonly DeleteFileTask[] = [],
): Promise<ResultRow[]> {
  if (tasks.length === 0) return [];
  return withDuckDB(async (connection) => {
    await createRowsView(connection, { io, metadata, schema, tasks, deletes }, '__rows');
    const result = await connection.runAndReadAll(`SELECT ${schema.fields.map(columnName).join(', ')} FROM __rows`);
    return result.getRowObjects().map((row) => {
      const out: ResultRow = {};
      for (const f of schema.fields) out[f.name] = fromDuckDBValue(f.type, row[columnName(f)] ?? null);
      return out;
    });
  });
}

function resolveSnapshot(metadata: TableMetadata, options: ScanOptions): Snapshot | undefined {
  if (options.snapshotId !== undefined) {
    const s = snapshotById(metadata, options.snapshotId);
    if (!s)
      throw new IcebergUsageError(
        `snapshot ${options.snapshotId} is not in the table (expired, or from another table); list them with table.snapshots()`,
      );
    return s;
  }
  if (options.asOfTimestamp !== undefined) {
    const t = typeof options.asOfTimestamp === 'number' ? options.asOfTimestamp : options.asOfTimestamp.getTime();
    // Spec (Point in Time Reads): use the snapshot log, not parent lineage.
    const entry = metadata['snapshot-log'].filter((e) => e['timestamp-ms'] <= t).at(-1);
    if (!entry)
      throw new IcebergUsageError(
        `the table has no snapshot at or before ${new Date(t).toISOString()} in its snapshot log`,
      );
    return snapshotById(metadata, entry['snapshot-id']);
  }
  return currentSnapshot(metadata);
}

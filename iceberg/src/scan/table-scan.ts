import type { DuckDBConnection } from '@duckdb/node-api';
import { duckdbType, fromDuckDBValue, quoteIdent, quoteLiteral } from '../data/duckdb-types.js';
import { withDuckDB } from '../data/duckdb.js';
import { IcebergUsageError } from '../errors.js';
import type { FileIO } from '../io/file-io.js';
import { readManifest, type DataFile } from '../manifest/manifest.js';
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
import { predicatesToSql } from './sql-filter.js';

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

/** A data file selected by planning, with its inherited data sequence number. */
export interface FileScanTask {
  file: DataFile;
  specId: number;
  dataSequenceNumber: number;
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
 * columns read correctly and added columns read NULL from older files.
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

  /** Selects the data files that may hold matching rows. */
  async planFiles(): Promise<FileScanTask[]> {
    const listUri = this.snapshot?.['manifest-list'];
    if (!listUri) return [];
    const tasks: FileScanTask[] = [];
    const manifests = (await readManifestList(await this.io.read(listUri))).filter((m) => m.content === 0);
    this.stats.manifestsTotal = manifests.length;
    for (const m of manifests) {
      const bound = bindPartitionSpec(specById(this.metadata, m.partitionSpecId), currentSchema(this.metadata));
      const live = m.addedFilesCount + m.existingFilesCount;
      this.stats.filesTotal += live;
      if (!manifestMayMatch(bound, m.partitions, this.predicates)) continue;
      this.stats.manifestsScanned++;
      const manifest = await readManifest(await this.io.read(m.manifestPath));
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
    return tasks;
  }

  private async createView(connection: DuckDBConnection, view: string, tasks: readonly FileScanTask[]): Promise<void> {
    const fields = this.schema.fields;
    let source: string;
    if (tasks.length === 0) {
      source = `SELECT ${fields.map((f) => `CAST(NULL AS ${duckdbType(f.type)}) AS ${quoteIdent(f.name)}`).join(', ')} WHERE false`;
    } else {
      const paths = await Promise.all(tasks.map((t) => this.io.localPath(t.file.filePath)));
      const mapping = fields
        .map(
          (f) =>
            `${f.id}: {name: ${quoteLiteral(f.name)}, type: ${quoteLiteral(duckdbType(f.type))}, default_value: NULL}`,
        )
        .join(', ');
      source = `SELECT * FROM read_parquet([${paths.map(quoteLiteral).join(', ')}], schema = MAP {${mapping}})`;
    }
    await connection.run(`CREATE OR REPLACE TEMP VIEW ${quoteIdent(view)} AS ${source}`);
  }

  /** Reads the matching rows. */
  async toRows(): Promise<ResultRow[]> {
    const tasks = await this.planFiles();
    if (tasks.length === 0) return [];
    const columns = (this.options.columns ?? this.schema.fields.map((f) => f.name)).map((c) =>
      fieldByName(this.schema, c),
    );
    return withDuckDB(async (connection) => {
      await this.createView(connection, 'scan', tasks);
      const where = predicatesToSql(this.predicates);
      const result = await connection.runAndReadAll(
        `SELECT ${columns.map((c) => quoteIdent(c.name)).join(', ')} FROM scan${where ? ` WHERE ${where}` : ''}`,
      );
      return result.getRowObjects().map((row) => {
        const out: ResultRow = {};
        for (const c of columns) out[c.name] = fromDuckDBValue(c.type, row[c.name] ?? null);
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
    const tasks = await this.planFiles();
    return withDuckDB(async (connection) => {
      await this.createView(connection, view, tasks);
      const result = await connection.runAndReadAll(query);
      return result
        .getRowObjects()
        .map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, fromDuckDBValue('', v)])));
    });
  }
}

/** Reads whole data files with a schema (columns resolved by field id), e.g. to rewrite them. */
export async function readDataFiles(io: FileIO, schema: Schema, files: readonly DataFile[]): Promise<ResultRow[]> {
  if (files.length === 0) return [];
  const paths = await Promise.all(files.map((f) => io.localPath(f.filePath)));
  const mapping = schema.fields
    .map(
      (f) => `${f.id}: {name: ${quoteLiteral(f.name)}, type: ${quoteLiteral(duckdbType(f.type))}, default_value: NULL}`,
    )
    .join(', ');
  return withDuckDB(async (connection) => {
    const result = await connection.runAndReadAll(
      `SELECT * FROM read_parquet([${paths.map(quoteLiteral).join(', ')}], schema = MAP {${mapping}})`,
    );
    return result.getRowObjects().map((row) => {
      const out: ResultRow = {};
      for (const f of schema.fields) out[f.name] = fromDuckDBValue(f.type, row[f.name] ?? null);
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

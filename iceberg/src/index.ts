/**
 * @coattail/iceberg — Apache Iceberg v2 tables on an object store: schemas with field ids,
 * partition specs (identity, day, hour, month, year, bucket[N], truncate[W]), Parquet data files
 * written by DuckDB with field ids, Avro manifests and manifest lists, optimistic commits through
 * a catalog (local lock-file folder or AWS Glue), scans with pruning and time travel, schema
 * evolution, exactly-once checkpoint commits and compaction.
 *
 * @example
 * import { LocalObjectStore } from '@coattail/connectors';
 * import { IcebergCatalog, LocalPointerStore, defineSchema, definePartitionSpec } from '@coattail/iceberg';
 *
 * const catalog = new IcebergCatalog({
 *   pointers: new LocalPointerStore('.coattail/catalog'),
 *   store: new LocalObjectStore('.coattail/objects'),
 * });
 * const schema = defineSchema([
 *   { name: 'symbol', type: 'string', required: true },
 *   { name: 'price', type: 'double' },
 *   { name: 'event_time', type: 'timestamptz', required: true },
 * ]);
 * const spec = definePartitionSpec(schema, [{ source: 'event_time', transform: 'day' }, { source: 'symbol', transform: 'identity' }]);
 * const table = await catalog.loadOrCreateTable('market.trades', { schema, spec });
 * await table.append([{ symbol: 'BTCUSDT', price: 97000.5, event_time: new Date() }]);
 * const rows = await table.scan({ filter: [{ column: 'symbol', op: '=', value: 'BTCUSDT' }] }).toRows();
 */
export {
  IcebergError,
  InvalidMetadataError,
  IcebergUsageError,
  CommitConflictError,
  NoSuchTableError,
  TableAlreadyExistsError,
  ValidationError,
  UnsupportedFeatureError,
  type ErrorDomain,
} from './errors.js';

export { defineSchema, fieldById, fieldByName, type ColumnDefinition } from './schema/schema.js';
export type { IcebergType, NestedField, Schema, PrimitiveType, StructType, ListType, MapType } from './schema/types.js';
export { evolveSchema, type SchemaChange } from './schema/schema-update.js';

export {
  definePartitionSpec,
  type PartitionSpec,
  type PartitionField,
  type PartitionFieldDefinition,
} from './spec/partition-spec.js';
export { applyTransform, parseTransform, type Transform } from './spec/transforms.js';
export { murmur3Hash, murmur3HashLong } from './spec/murmur3.js';
export { toBinary, fromBinary, type IcebergValue } from './spec/values.js';

export {
  parseTableMetadata,
  serializeTableMetadata,
  currentSchema,
  currentSnapshot,
  type TableMetadata,
  type Snapshot,
  type SnapshotRef,
  type SortOrder,
} from './metadata/table-metadata.js';
export { readManifest, writeManifest, type DataFile, type ManifestEntry, type Manifest } from './manifest/manifest.js';
export { readManifestList, writeManifestList, type ManifestFile, type FieldSummary } from './manifest/manifest-list.js';

export { IcebergCatalog, type IcebergCatalogOptions, type CreateTableOptions } from './catalog/catalog.js';
export {
  parseIdentifier,
  formatIdentifier,
  type MetadataPointerStore,
  type TableIdentifier,
} from './catalog/pointer-store.js';
export { LocalPointerStore, type LocalPointerStoreOptions } from './catalog/local-pointer-store.js';
export {
  GluePointerStore,
  type GlueClient,
  type GlueTable,
  type GlueTableInput,
} from './catalog/glue-pointer-store.js';
export {
  glueStorageDescriptor,
  glueType,
  type GlueColumn,
  type GlueStorageDescriptor,
} from './catalog/glue-columns.js';
export {
  openCatalog,
  createGlueClient,
  parseCatalogConfig,
  describeCatalog,
  catalogConfigSchema,
  type CatalogConfig,
  type OpenCatalogOptions,
} from './catalog/open-catalog.js';

export {
  Table,
  type CommitOptions,
  type CommitResult,
  type CheckpointCommit,
  type RewriteOptions,
} from './table/table.js';
export type { CommitRetryOptions } from './table/table-operations.js';
export {
  maxCommittedCheckpointId,
  ancestors,
  JOB_ID_PROP,
  OPERATOR_ID_PROP,
  MAX_CHECKPOINT_PROP,
  NO_CHECKPOINT,
} from './table/checkpoint-ancestry.js';
export {
  TableScan,
  type ScanOptions,
  type FileScanTask,
  type DeleteFileTask,
  type PlanStats,
  type ResultRow,
} from './scan/table-scan.js';
export type { Predicate } from './scan/predicates.js';
export { FileIO, type FileIOOptions, type PathMapping } from './io/file-io.js';
export type { Row, DataWriterOptions } from './data/data-writer.js';
export { ColumnBatchBuilder, columnBatchFromRows, type ColumnBatch, type Column } from './data/column-batch.js';
export { compactTable, type CompactionOptions, type CompactionResult } from './maintenance/compaction.js';
export {
  expireSnapshots,
  planSnapshotExpiry,
  removeOrphanFiles,
  snapshotsToExpire,
  type ExpireOptions,
  type OrphanOptions,
} from './maintenance/snapshot-expiry.js';
export {
  maintainTable,
  type CompactionCandidate,
  type MaintenanceOptions,
  type MaintenanceProgress,
  type MaintenanceReport,
  type MaintenanceStep,
} from './maintenance/table-maintenance.js';
export { TABLES, tableSchema, tablePartitionSpec, type TableDefinition, type TableName } from './tables/definitions.js';
export {
  athenaCreateTable,
  athenaDdlFiles,
  athenaType,
  athenaIdentifier,
  DEFAULT_ATHENA_WAREHOUSE,
} from './tables/athena-ddl.js';
export { DEFAULT_WAREHOUSE_BUCKET, WAREHOUSE_PREFIX, warehouseUri, tableLocation } from './tables/warehouse.js';

import { randomBytes, randomUUID } from 'node:crypto';
import { maxFieldId } from '../schema/schema.js';
import type { Schema } from '../schema/types.js';
import type { PartitionSpec } from '../spec/partition-spec.js';
import type { Snapshot, SortOrder, TableMetadata } from './table-metadata.js';

/** How many previous metadata files the metadata log keeps (Java's `write.metadata.previous-versions-max`). */
export const DEFAULT_PREVIOUS_VERSIONS_MAX = 100;

/**
 * A new positive 63-bit snapshot id from random bits, in the manner of the reference
 * implementation (which folds a type 4 UUID): collisions are negligible and ids are not time-based.
 */
export function newSnapshotId(existing: readonly Snapshot[] = []): bigint {
  for (;;) {
    const id = BigInt.asUintN(63, randomBytes(8).readBigUInt64BE());
    if (id !== 0n && !existing.some((s) => s['snapshot-id'] === id)) return id;
  }
}

/** Options of {@link newTableMetadata}. */
export interface NewTableMetadataOptions {
  location: string;
  schema: Schema;
  spec: PartitionSpec;
  sortOrder?: SortOrder;
  properties?: Record<string, string>;
  now?: number;
}

/** Metadata of a new, empty v2 table. */
export function newTableMetadata(options: NewTableMetadataOptions): TableMetadata {
  const sortOrder = options.sortOrder ?? { 'order-id': 0, fields: [] };
  const sortOrders = sortOrder['order-id'] === 0 ? [sortOrder] : [{ 'order-id': 0, fields: [] }, sortOrder];
  return {
    'format-version': 2,
    'table-uuid': randomUUID(),
    location: options.location,
    'last-sequence-number': 0,
    'last-updated-ms': options.now ?? Date.now(),
    'last-column-id': maxFieldId(options.schema),
    schemas: [options.schema],
    'current-schema-id': options.schema['schema-id'],
    'partition-specs': [options.spec],
    'default-spec-id': options.spec['spec-id'],
    'last-partition-id': Math.max(999, ...options.spec.fields.map((f) => f['field-id'])),
    properties: { 'write.format.default': 'parquet', 'write.parquet.compression-codec': 'zstd', ...options.properties },
    'current-snapshot-id': undefined,
    snapshots: [],
    'snapshot-log': [],
    'metadata-log': [],
    'sort-orders': sortOrders,
    'default-sort-order-id': sortOrder['order-id'],
    refs: {},
  };
}

function withMetadataLog(base: TableMetadata, baseLocation: string, now: number): TableMetadata['metadata-log'] {
  const max = Number(base.properties['write.metadata.previous-versions-max'] ?? DEFAULT_PREVIOUS_VERSIONS_MAX);
  return [...base['metadata-log'], { 'metadata-file': baseLocation, 'timestamp-ms': base['last-updated-ms'] }]
    .slice(-max)
    .filter(() => now >= 0);
}

/** The next metadata with a committed snapshot as the `main` branch head. */
export function withSnapshot(
  base: TableMetadata,
  baseLocation: string,
  snapshot: Snapshot,
  now: number,
): TableMetadata {
  const id = snapshot['snapshot-id'];
  return {
    ...base,
    'last-sequence-number': snapshot['sequence-number'],
    'last-updated-ms': now,
    'current-snapshot-id': id,
    snapshots: [...base.snapshots, snapshot],
    'snapshot-log': [...base['snapshot-log'], { 'snapshot-id': id, 'timestamp-ms': snapshot['timestamp-ms'] }],
    'metadata-log': withMetadataLog(base, baseLocation, now),
    refs: { ...base.refs, main: { 'snapshot-id': id, type: 'branch' } },
  };
}

/** The next metadata with a new current schema (old schemas stay: old snapshots read with them). */
export function withSchema(base: TableMetadata, baseLocation: string, schema: Schema, now: number): TableMetadata {
  return {
    ...base,
    'last-updated-ms': now,
    'last-column-id': Math.max(base['last-column-id'], maxFieldId(schema)),
    schemas: [...base.schemas, schema],
    'current-schema-id': schema['schema-id'],
    'metadata-log': withMetadataLog(base, baseLocation, now),
  };
}

/** The next metadata with some snapshots removed (snapshot expiry). */
export function withoutSnapshots(
  base: TableMetadata,
  baseLocation: string,
  removed: ReadonlySet<bigint>,
  now: number,
): TableMetadata {
  const snapshots = base.snapshots.filter((s) => !removed.has(s['snapshot-id']));
  // The spec: when snapshots expire, drop every snapshot-log entry before the last expired one.
  const log = base['snapshot-log'];
  let cut = 0;
  log.forEach((e, i) => {
    if (removed.has(e['snapshot-id'])) cut = i + 1;
  });
  return {
    ...base,
    'last-updated-ms': now,
    // Parent ids keep pointing at expired snapshots, as Java does: lineage stays truthful.
    snapshots,
    'snapshot-log': log.slice(cut),
    'metadata-log': withMetadataLog(base, baseLocation, now),
  };
}

/** Location of the metadata file after `baseLocation` (`00003-<uuid>.metadata.json`). */
export function nextMetadataLocation(tableLocation: string, baseLocation: string | undefined): string {
  const match = baseLocation ? /\/(?:v)?(\d+)[-.][^/]*metadata\.json$/.exec(baseLocation) : null;
  const version = match ? Number(match[1]) + 1 : baseLocation ? 1 : 0;
  return `${tableLocation}/metadata/${String(version).padStart(5, '0')}-${randomUUID()}.metadata.json`;
}

import { z } from 'zod';
import { InvalidMetadataError } from '../errors.js';
import { parseLosslessJson, stringifyLosslessJson } from '../json/lossless-json.js';
import { nestedFieldSchema, schemaSchema, type Schema } from '../schema/types.js';
import { partitionSpecSchema, type PartitionSpec } from '../spec/partition-spec.js';

/** Snapshot and other 64-bit ids: bigint in memory, bare JSON integers on disk. */
const longId = z.union([z.bigint(), z.number().int()]).transform((v) => BigInt(v));

export const snapshotSchema = z.looseObject({
  'snapshot-id': longId,
  'parent-snapshot-id': longId.optional(),
  'sequence-number': z.number().int().nonnegative().default(0),
  'timestamp-ms': z.number().int(),
  'manifest-list': z.string().optional(),
  manifests: z.array(z.string()).optional(),
  summary: z.looseObject({ operation: z.enum(['append', 'replace', 'overwrite', 'delete']) }).catchall(z.string()),
  'schema-id': z.number().int().optional(),
});
export type Snapshot = z.output<typeof snapshotSchema>;

export const snapshotRefSchema = z.looseObject({
  'snapshot-id': longId,
  type: z.enum(['branch', 'tag']),
  'min-snapshots-to-keep': z.number().int().optional(),
  'max-snapshot-age-ms': z.number().int().optional(),
  'max-ref-age-ms': z.number().int().optional(),
});

export const sortOrderSchema = z.looseObject({
  'order-id': z.number().int(),
  fields: z.array(
    z.looseObject({
      transform: z.string(),
      'source-id': z.number().int(),
      direction: z.enum(['asc', 'desc']),
      'null-order': z.enum(['nulls-first', 'nulls-last']),
    }),
  ),
});
export type SortOrder = z.output<typeof sortOrderSchema>;

/**
 * Table metadata, format version 1, 2 or 3 (spec: Table Metadata Fields). v1 files are upgraded
 * in memory to the v2 shape (schemas/partition-specs lists) so the rest of the library sees one form;
 * v3 is read (its row-lineage fields are kept as they are), and writes to it are refused.
 */
const rawMetadataSchema = z.looseObject({
  'format-version': z.union([z.literal(1), z.literal(2), z.literal(3)]),
  'table-uuid': z.string().optional(),
  location: z.string(),
  'last-sequence-number': z.number().int().optional(),
  'last-updated-ms': z.number().int(),
  'last-column-id': z.number().int(),
  schema: z
    .looseObject({
      type: z.literal('struct'),
      'schema-id': z.number().int().optional(),
      fields: z.array(nestedFieldSchema),
    })
    .optional(),
  schemas: z.array(schemaSchema).optional(),
  'current-schema-id': z.number().int().optional(),
  'partition-spec': z.array(z.unknown()).optional(),
  'partition-specs': z.array(partitionSpecSchema).optional(),
  'default-spec-id': z.number().int().optional(),
  'last-partition-id': z.number().int().optional(),
  properties: z.record(z.string(), z.string()).optional(),
  'current-snapshot-id': longId.nullable().optional(),
  snapshots: z.array(snapshotSchema).optional(),
  'snapshot-log': z.array(z.looseObject({ 'snapshot-id': longId, 'timestamp-ms': z.number().int() })).optional(),
  'metadata-log': z.array(z.looseObject({ 'metadata-file': z.string(), 'timestamp-ms': z.number().int() })).optional(),
  'sort-orders': z.array(sortOrderSchema).optional(),
  'default-sort-order-id': z.number().int().optional(),
  refs: z.record(z.string(), snapshotRefSchema).optional(),
});

type RawMetadata = z.output<typeof rawMetadataSchema>;
export type SnapshotRef = z.output<typeof snapshotRefSchema>;

/** Table metadata in its v2 shape, with every list present. */
export interface TableMetadata {
  'format-version': 1 | 2 | 3;
  'table-uuid': string;
  location: string;
  'last-updated-ms': number;
  'last-column-id': number;
  /** Fields this library does not model (statistics, ...) are kept when metadata is rewritten. */
  [unmodelled: string]: unknown;
  'last-sequence-number': number;
  schemas: Schema[];
  'current-schema-id': number;
  'partition-specs': PartitionSpec[];
  'default-spec-id': number;
  'last-partition-id': number;
  properties: Record<string, string>;
  'current-snapshot-id'?: bigint | undefined;
  snapshots: Snapshot[];
  'snapshot-log': { 'snapshot-id': bigint; 'timestamp-ms': number }[];
  'metadata-log': { 'metadata-file': string; 'timestamp-ms': number }[];
  'sort-orders': SortOrder[];
  'default-sort-order-id': number;
  refs: Record<string, SnapshotRef>;
}

function invalid(message: string): never {
  throw new InvalidMetadataError(message);
}

function normalize(raw: RawMetadata): TableMetadata {
  const v2 = raw['format-version'] >= 2;
  if (v2) {
    if (!raw['table-uuid']) invalid('v2 metadata requires table-uuid');
    if (raw['last-sequence-number'] === undefined) invalid('v2 metadata requires last-sequence-number');
    if (!raw.schemas) invalid('v2 metadata requires schemas');
    if (raw['current-schema-id'] === undefined) invalid('v2 metadata requires current-schema-id');
    if (!raw['partition-specs']) invalid('v2 metadata requires partition-specs');
    if (raw['default-spec-id'] === undefined) invalid('v2 metadata requires default-spec-id');
    if (raw['last-partition-id'] === undefined) invalid('v2 metadata requires last-partition-id');
    if (!raw['sort-orders']) invalid('v2 metadata requires sort-orders');
    if (raw['default-sort-order-id'] === undefined) invalid('v2 metadata requires default-sort-order-id');
  }
  const { schema, 'partition-spec': legacySpec, ...rest } = raw;
  const schemas =
    raw.schemas ??
    (schema
      ? [{ ...schema, 'schema-id': schema['schema-id'] ?? 0 }]
      : invalid('metadata has neither schemas nor schema'));
  const currentSchemaId = raw['current-schema-id'] ?? schemas[0]!['schema-id'];
  if (!schemas.some((s) => s['schema-id'] === currentSchemaId))
    invalid(`current-schema-id ${currentSchemaId} is not among the schemas`);
  const specs = raw['partition-specs'] ?? [
    { 'spec-id': 0, fields: z.array(partitionSpecSchema.shape.fields.element).parse(legacySpec ?? []) },
  ];
  const defaultSpecId = raw['default-spec-id'] ?? specs[0]!['spec-id'];
  const current =
    raw['current-snapshot-id'] === null || raw['current-snapshot-id'] === -1n ? undefined : raw['current-snapshot-id'];
  const refs = raw.refs ?? (current !== undefined ? { main: { 'snapshot-id': current, type: 'branch' as const } } : {});
  return {
    ...rest,
    'table-uuid': raw['table-uuid'] ?? '00000000-0000-0000-0000-000000000000',
    'last-sequence-number': raw['last-sequence-number'] ?? 0,
    schemas,
    'current-schema-id': currentSchemaId,
    'partition-specs': specs,
    'default-spec-id': defaultSpecId,
    'last-partition-id':
      raw['last-partition-id'] ?? Math.max(999, ...specs.flatMap((s) => s.fields.map((f) => f['field-id']))),
    properties: raw.properties ?? {},
    'current-snapshot-id': current,
    snapshots: raw.snapshots ?? [],
    'snapshot-log': raw['snapshot-log'] ?? [],
    'metadata-log': raw['metadata-log'] ?? [],
    'sort-orders': raw['sort-orders'] ?? [{ 'order-id': 0, fields: [] }],
    'default-sort-order-id': raw['default-sort-order-id'] ?? 0,
    refs,
  };
}

/** Parses a metadata JSON file (64-bit ids kept exact). Throws {@link InvalidMetadataError} listing every problem. */
export function parseTableMetadata(json: string | Uint8Array): TableMetadata {
  const text = typeof json === 'string' ? json : new TextDecoder().decode(json);
  let value: unknown;
  try {
    value = parseLosslessJson(text);
  } catch (error) {
    throw new InvalidMetadataError('table metadata is not valid JSON', error);
  }
  if (
    typeof value === 'object' &&
    value !== null &&
    'format-version' in value &&
    typeof value['format-version'] === 'number' &&
    value['format-version'] > 3
  ) {
    throw new InvalidMetadataError(
      `unsupported format-version ${value['format-version']}; this library reads versions 1, 2 and 3`,
    );
  }
  const parsed = rawMetadataSchema.safeParse(value);
  if (!parsed.success)
    throw new InvalidMetadataError(
      `invalid table metadata: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return normalize(parsed.data);
}

/** Serializes metadata as the spec's JSON (ids as JSON integers). */
export function serializeTableMetadata(metadata: TableMetadata): string {
  const out: Record<string, unknown> = { ...metadata };
  if (metadata['current-snapshot-id'] === undefined) out['current-snapshot-id'] = -1;
  return stringifyLosslessJson(out, 2);
}

/** The schema with that id; throws if missing. */
export function schemaById(metadata: TableMetadata, id: number): Schema {
  return metadata.schemas.find((s) => s['schema-id'] === id) ?? invalid(`schema ${id} is not in the table metadata`);
}

/** The table's current schema. */
export function currentSchema(metadata: TableMetadata): Schema {
  return schemaById(metadata, metadata['current-schema-id']);
}

/** The partition spec with that id; throws if missing. */
export function specById(metadata: TableMetadata, id: number): PartitionSpec {
  return (
    metadata['partition-specs'].find((s) => s['spec-id'] === id) ??
    invalid(`partition spec ${id} is not in the table metadata`)
  );
}

/** The snapshot with that id, or undefined. */
export function snapshotById(metadata: TableMetadata, id: bigint): Snapshot | undefined {
  return metadata.snapshots.find((s) => s['snapshot-id'] === id);
}

/** The current snapshot of the `main` branch, or undefined for an empty table. */
export function currentSnapshot(metadata: TableMetadata): Snapshot | undefined {
  const id = metadata.refs.main?.['snapshot-id'] ?? metadata['current-snapshot-id'];
  return id === undefined ? undefined : snapshotById(metadata, id);
}

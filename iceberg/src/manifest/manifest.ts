import { listIssues } from '@coattail/runtime';
import { z } from 'zod';
import { decodeAvroFile, encodeAvroFile } from '../avro/avro-io.js';
import { BY_FIELD_ID, projectAllByFieldId } from '../avro/field-ids.js';
import { InvalidMetadataError } from '../errors.js';
import { stringifyLosslessJson } from '../json/lossless-json.js';
import type { Schema } from '../schema/types.js';
import { bindPartitionSpec, partitionFieldSchema, type PartitionSpec } from '../spec/partition-spec.js';
import type { IcebergValue } from '../spec/values.js';
import { manifestEntrySchema, withPartitionType } from './avro-schemas.js';

/** A data file as tracked in a manifest (spec: Data File Fields); maps are keyed by field id. */
export interface DataFile {
  /** 0 = data, 1 = position deletes, 2 = equality deletes (this library writes data files only). */
  content: 0 | 1 | 2;
  filePath: string;
  fileFormat: string;
  /** Partition tuple, in the order of the manifest's partition spec fields. */
  partition: (IcebergValue | null)[];
  recordCount: number;
  fileSizeInBytes: number;
  columnSizes?: Map<number, number> | undefined;
  valueCounts: Map<number, number>;
  nullValueCounts: Map<number, number>;
  nanValueCounts?: Map<number, number> | undefined;
  lowerBounds: Map<number, Uint8Array>;
  upperBounds: Map<number, Uint8Array>;
  splitOffsets?: number[] | undefined;
  sortOrderId?: number | undefined;
  /** Field ids an equality delete file matches rows on (content 2 only). */
  equalityIds?: number[] | undefined;
}

/** Entry status: 0 EXISTING, 1 ADDED, 2 DELETED. */
export type EntryStatus = 0 | 1 | 2;

/** A manifest entry; null sequence numbers and snapshot id are inherited from the manifest list. */
export interface ManifestEntry {
  status: EntryStatus;
  snapshotId: bigint | null;
  sequenceNumber: number | null;
  fileSequenceNumber: number | null;
  dataFile: DataFile;
}

function toAvroMap<V>(map: Map<number, V> | undefined): { key: number; value: V }[] | null {
  return map ? [...map].map(([key, value]) => ({ key, value })) : null;
}

function fromAvroMap<V, O>(entries: { key: number; value: V }[] | null | undefined, f: (v: V) => O): Map<number, O> {
  return new Map((entries ?? []).map((e) => [e.key, f(e.value)]));
}

function toAvroValue(v: IcebergValue | null): unknown {
  return v instanceof Uint8Array ? Buffer.from(v) : v;
}

/** Manifest header metadata the spec requires for v2. */
function headerMetadata(schema: Schema, spec: PartitionSpec): Record<string, string> {
  return {
    schema: stringifyLosslessJson(schema),
    'schema-id': String(schema['schema-id']),
    'partition-spec': JSON.stringify(spec.fields),
    'partition-spec-id': String(spec['spec-id']),
    'format-version': '2',
    content: 'data',
  };
}

/** Writes a v2 data manifest as an Avro container file. */
export async function writeManifest(
  schema: Schema,
  spec: PartitionSpec,
  entries: readonly ManifestEntry[],
): Promise<Uint8Array> {
  const bound = bindPartitionSpec(spec, schema);
  const records = entries.map((e) => {
    const f = e.dataFile;
    const partition: Record<string, unknown> = {};
    bound.forEach((b, i) => (partition[b.field.name] = toAvroValue(f.partition[i] ?? null)));
    return {
      status: e.status,
      snapshot_id: e.snapshotId,
      sequence_number: e.sequenceNumber,
      file_sequence_number: e.fileSequenceNumber,
      data_file: {
        content: f.content,
        file_path: f.filePath,
        file_format: f.fileFormat,
        partition,
        record_count: f.recordCount,
        file_size_in_bytes: f.fileSizeInBytes,
        column_sizes: toAvroMap(f.columnSizes),
        value_counts: toAvroMap(f.valueCounts),
        null_value_counts: toAvroMap(f.nullValueCounts),
        nan_value_counts: toAvroMap(f.nanValueCounts),
        lower_bounds: toAvroMap(new Map([...f.lowerBounds].map(([k, v]) => [k, Buffer.from(v)]))),
        upper_bounds: toAvroMap(new Map([...f.upperBounds].map(([k, v]) => [k, Buffer.from(v)]))),
        key_metadata: null,
        split_offsets: f.splitOffsets ?? null,
        equality_ids: f.equalityIds ?? null,
        sort_order_id: f.sortOrderId ?? null,
      },
    };
  });
  return encodeAvroFile(manifestEntrySchema(bound), records, headerMetadata(schema, spec));
}

const isIcebergValue = (v: unknown): v is IcebergValue =>
  typeof v === 'boolean' ||
  typeof v === 'number' ||
  typeof v === 'bigint' ||
  typeof v === 'string' ||
  v instanceof Uint8Array;
const describe = (v: unknown): string => (Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'a record' : typeof v);

const avroLong = z.union([z.bigint(), z.number()]).transform((v) => Number(v));
const avroMap = <T extends z.ZodType>(value: T) => z.array(z.object({ key: z.number(), value })).nullish();
const bytes = z.instanceof(Uint8Array);

const entryRecord = z.object({
  status: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  snapshot_id: z.bigint().nullish(),
  sequence_number: avroLong.nullish(),
  file_sequence_number: avroLong.nullish(),
  data_file: z.object({
    content: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(0),
    file_path: z.string(),
    file_format: z.string(),
    partition: z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null),
    record_count: avroLong,
    file_size_in_bytes: avroLong,
    column_sizes: avroMap(avroLong),
    value_counts: avroMap(avroLong),
    null_value_counts: avroMap(avroLong),
    nan_value_counts: avroMap(avroLong),
    lower_bounds: avroMap(bytes),
    upper_bounds: avroMap(bytes),
    split_offsets: z.array(avroLong).nullish(),
    sort_order_id: z.number().nullish(),
    equality_ids: z.array(z.number()).nullish(),
  }),
});

/** A manifest as read back: the spec it was written with and its entries. */
export interface Manifest {
  specId: number;
  partitionFieldNames: string[];
  entries: ManifestEntry[];
}

/** The entry schema we read with: the spec's ids, the partition struct kept keyed by field id. */
const readerEntrySchema = withPartitionType(manifestEntrySchema([]), BY_FIELD_ID);

/**
 * Reads a data or delete manifest written by this library or any other v1/v2 writer. Every field,
 * partition values included, is resolved by field id, so writers' naming differences do not matter.
 */
export async function readManifest(bytesIn: Uint8Array, location = 'manifest'): Promise<Manifest> {
  const invalid = (what: string, cause?: unknown): InvalidMetadataError =>
    new InvalidMetadataError(`${location}: ${what}`, cause);
  let file: Awaited<ReturnType<typeof decodeAvroFile>>;
  try {
    file = await decodeAvroFile(bytesIn);
  } catch (cause) {
    throw invalid(cause instanceof Error ? cause.message : String(cause), cause);
  }
  let spec: unknown;
  try {
    spec = JSON.parse(file.metadata['partition-spec'] ?? '[]');
  } catch (cause) {
    throw invalid('its header has a partition-spec that is not JSON', cause);
  }
  const specFields = z.array(partitionFieldSchema).safeParse(spec);
  if (!specFields.success) throw invalid(`its header has an invalid partition-spec (${listIssues(specFields.error)})`);
  const names = specFields.data.map((f) => f.name);
  const ids = specFields.data.map((f) => String(f['field-id']));
  const entries = projectAllByFieldId(file.records, file.schema, readerEntrySchema).map((raw) => {
    const parsed = entryRecord.safeParse(raw);
    if (!parsed.success) throw invalid(`invalid manifest entry: ${listIssues(parsed.error)}`);
    const r = parsed.data;
    const d = r.data_file;
    const partition = ids.map((id, i) => {
      // Writers that gave partition fields no field-id are matched by name (BY_FIELD_ID keeps their names).
      const v = d.partition[id] ?? d.partition[names[i]!];
      if (v === undefined || v === null) return null;
      if (isIcebergValue(v)) return v;
      // A spec-conformant writer declares a primitive type for every partition field.
      throw invalid(`partition field '${names[i]}' of ${d.file_path} holds ${describe(v)}, not a partition value`);
    });
    const entry: ManifestEntry = {
      status: r.status,
      snapshotId: r.snapshot_id ?? null,
      sequenceNumber: r.sequence_number ?? null,
      fileSequenceNumber: r.file_sequence_number ?? null,
      dataFile: {
        content: d.content,
        filePath: d.file_path,
        fileFormat: d.file_format,
        partition,
        recordCount: d.record_count,
        fileSizeInBytes: d.file_size_in_bytes,
        columnSizes: d.column_sizes ? fromAvroMap(d.column_sizes, (v) => v) : undefined,
        valueCounts: fromAvroMap(d.value_counts, (v) => v),
        nullValueCounts: fromAvroMap(d.null_value_counts, (v) => v),
        nanValueCounts: d.nan_value_counts ? fromAvroMap(d.nan_value_counts, (v) => v) : undefined,
        lowerBounds: fromAvroMap(d.lower_bounds, (v) => new Uint8Array(v)),
        upperBounds: fromAvroMap(d.upper_bounds, (v) => new Uint8Array(v)),
        splitOffsets: d.split_offsets ?? undefined,
        sortOrderId: d.sort_order_id ?? undefined,
        equalityIds: d.equality_ids ?? undefined,
      },
    };
    return entry;
  });
  return { specId: Number(file.metadata['partition-spec-id'] ?? 0), partitionFieldNames: names, entries };
}

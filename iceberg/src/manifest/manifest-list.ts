import { listIssues } from '@coattail/runtime';
import { z } from 'zod';
import { decodeAvroFile, encodeAvroFile } from '../avro/avro-io.js';
import { projectAllByFieldId } from '../avro/field-ids.js';
import { InvalidMetadataError } from '../errors.js';
import { manifestFileSchema } from './avro-schemas.js';

/** Per partition field summary of a manifest, for pruning whole manifests. */
export interface FieldSummary {
  containsNull: boolean;
  containsNan?: boolean | undefined;
  lowerBound?: Uint8Array | undefined;
  upperBound?: Uint8Array | undefined;
}

/** One manifest as listed in a snapshot's manifest list (spec: Manifest Lists). */
export interface ManifestFile {
  manifestPath: string;
  manifestLength: number;
  partitionSpecId: number;
  content: 0 | 1;
  sequenceNumber: number;
  minSequenceNumber: number;
  addedSnapshotId: bigint;
  addedFilesCount: number;
  existingFilesCount: number;
  deletedFilesCount: number;
  addedRowsCount: number;
  existingRowsCount: number;
  deletedRowsCount: number;
  partitions?: FieldSummary[] | undefined;
  /**
   * True when the list entry had no file counts (optional in v1 lists): the counts above are 0 and
   * must be recomputed from the manifest before they are written again or summed.
   */
  countsMissing?: boolean | undefined;
}

/** Header metadata Java writes into manifest lists. */
export interface ManifestListHeader {
  snapshotId: bigint;
  parentSnapshotId?: bigint | undefined;
  sequenceNumber: number;
}

/** Writes a v2 manifest list. */
export async function writeManifestList(
  header: ManifestListHeader,
  manifests: readonly ManifestFile[],
): Promise<Uint8Array> {
  const meta: Record<string, string> = {
    'snapshot-id': header.snapshotId.toString(),
    'parent-snapshot-id': header.parentSnapshotId?.toString() ?? 'null',
    'sequence-number': String(header.sequenceNumber),
    'format-version': '2',
  };
  const records = manifests.map((m) => ({
    manifest_path: m.manifestPath,
    manifest_length: m.manifestLength,
    partition_spec_id: m.partitionSpecId,
    content: m.content,
    sequence_number: m.sequenceNumber,
    min_sequence_number: m.minSequenceNumber,
    added_snapshot_id: m.addedSnapshotId,
    added_files_count: m.addedFilesCount,
    existing_files_count: m.existingFilesCount,
    deleted_files_count: m.deletedFilesCount,
    added_rows_count: m.addedRowsCount,
    existing_rows_count: m.existingRowsCount,
    deleted_rows_count: m.deletedRowsCount,
    partitions:
      m.partitions?.map((p) => ({
        contains_null: p.containsNull,
        contains_nan: p.containsNan ?? null,
        lower_bound: p.lowerBound ? Buffer.from(p.lowerBound) : null,
        upper_bound: p.upperBound ? Buffer.from(p.upperBound) : null,
      })) ?? null,
    key_metadata: null,
  }));
  return encodeAvroFile(manifestFileSchema, records, meta);
}

const num = z.union([z.bigint(), z.number()]).transform((v) => Number(v));
const manifestFileRecord = z.object({
  manifest_path: z.string(),
  manifest_length: num,
  partition_spec_id: z.number(),
  content: z.union([z.literal(0), z.literal(1)]).default(0),
  sequence_number: num.default(0),
  min_sequence_number: num.default(0),
  added_snapshot_id: z.union([z.bigint(), z.number()]).transform((v) => BigInt(v)),
  added_files_count: z.number().nullish(),
  existing_files_count: z.number().nullish(),
  deleted_files_count: z.number().nullish(),
  added_rows_count: num.nullish(),
  existing_rows_count: num.nullish(),
  deleted_rows_count: num.nullish(),
  partitions: z
    .array(
      z.object({
        contains_null: z.boolean(),
        contains_nan: z.boolean().nullish(),
        lower_bound: z.instanceof(Uint8Array).nullish(),
        upper_bound: z.instanceof(Uint8Array).nullish(),
      }),
    )
    .nullish(),
});

/**
 * Reads a manifest list (v1 lists read with sequence numbers 0, as the spec says). Fields are
 * resolved by field id, so lists written by the Java library (`added_data_files_count`, ...) read
 * the same as ours.
 */
export async function readManifestList(bytes: Uint8Array, location = 'manifest list'): Promise<ManifestFile[]> {
  let file: Awaited<ReturnType<typeof decodeAvroFile>>;
  try {
    file = await decodeAvroFile(bytes);
  } catch (cause) {
    throw new InvalidMetadataError(`${location}: ${cause instanceof Error ? cause.message : String(cause)}`, cause);
  }
  return projectAllByFieldId(file.records, file.schema, manifestFileSchema).map((raw) => {
    const parsed = manifestFileRecord.safeParse(raw);
    if (!parsed.success)
      throw new InvalidMetadataError(`${location}: invalid manifest list entry: ${listIssues(parsed.error)}`);
    const r = parsed.data;
    return {
      manifestPath: r.manifest_path,
      manifestLength: r.manifest_length,
      partitionSpecId: r.partition_spec_id,
      content: r.content,
      sequenceNumber: r.sequence_number,
      minSequenceNumber: r.min_sequence_number,
      addedSnapshotId: r.added_snapshot_id,
      addedFilesCount: r.added_files_count ?? 0,
      existingFilesCount: r.existing_files_count ?? 0,
      deletedFilesCount: r.deleted_files_count ?? 0,
      addedRowsCount: r.added_rows_count ?? 0,
      existingRowsCount: r.existing_rows_count ?? 0,
      deletedRowsCount: r.deleted_rows_count ?? 0,
      countsMissing:
        r.added_files_count == null || r.existing_files_count == null || r.deleted_files_count == null
          ? true
          : undefined,
      partitions: r.partitions?.map((p) => ({
        containsNull: p.contains_null,
        containsNan: p.contains_nan ?? undefined,
        lowerBound: p.lower_bound ? new Uint8Array(p.lower_bound) : undefined,
        upperBound: p.upper_bound ? new Uint8Array(p.upper_bound) : undefined,
      })),
    };
  });
}

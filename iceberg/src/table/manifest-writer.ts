import { randomUUID } from 'node:crypto';
import type { FileIO } from '../io/file-io.js';
import { writeManifest, type DataFile, type ManifestEntry } from '../manifest/manifest.js';
import type { FieldSummary, ManifestFile } from '../manifest/manifest-list.js';
import type { Schema } from '../schema/types.js';
import { bindPartitionSpec, type PartitionSpec } from '../spec/partition-spec.js';
import { compareValues, toBinary, type IcebergValue } from '../spec/values.js';

/** A manifest file entry before its sequence numbers are known (they are assigned per commit attempt). */
export type UnsequencedManifest = Omit<ManifestFile, 'sequenceNumber' | 'minSequenceNumber'> & {
  minSequenceNumber?: number;
};

/** Partition field summaries of a set of files, for pruning whole manifests. */
export function partitionSummaries(schema: Schema, spec: PartitionSpec, files: readonly DataFile[]): FieldSummary[] {
  return bindPartitionSpec(spec, schema).map((b, i) => {
    let containsNull = false;
    let containsNan = false;
    let lower: IcebergValue | undefined;
    let upper: IcebergValue | undefined;
    for (const f of files) {
      const v = f.partition[i] ?? null;
      if (v === null) containsNull = true;
      else if (typeof v === 'number' && Number.isNaN(v)) containsNan = true;
      else {
        if (lower === undefined || compareValues(v, lower) < 0) lower = v;
        if (upper === undefined || compareValues(v, upper) > 0) upper = v;
      }
    }
    return {
      containsNull,
      containsNan,
      lowerBound: lower === undefined ? undefined : toBinary(b.resultType, lower),
      upperBound: upper === undefined ? undefined : toBinary(b.resultType, upper),
    };
  });
}

/**
 * Writes a manifest of entries and returns its manifest-list entry. New (ADDED) entries leave
 * their sequence numbers null so the manifest can be reused across commit retries; the manifest
 * list assigns them (spec: Sequence Number Inheritance).
 */
export async function writeManifestFile(
  io: FileIO,
  tableLocation: string,
  schema: Schema,
  spec: PartitionSpec,
  snapshotId: bigint,
  entries: readonly ManifestEntry[],
): Promise<UnsequencedManifest> {
  const bytes = await writeManifest(schema, spec, entries);
  const uri = `${tableLocation}/metadata/${randomUUID()}-m0.avro`;
  await io.write(uri, bytes);
  const count = (status: number): number => entries.filter((e) => e.status === status).length;
  const rows = (status: number): number =>
    entries.filter((e) => e.status === status).reduce((n, e) => n + e.dataFile.recordCount, 0);
  const explicitSeqs = entries.filter((e) => e.status !== 2 && e.sequenceNumber !== null).map((e) => e.sequenceNumber!);
  return {
    manifestPath: uri,
    manifestLength: bytes.byteLength,
    partitionSpecId: spec['spec-id'],
    content: 0,
    addedSnapshotId: snapshotId,
    addedFilesCount: count(1),
    existingFilesCount: count(0),
    deletedFilesCount: count(2),
    addedRowsCount: rows(1),
    existingRowsCount: rows(0),
    deletedRowsCount: rows(2),
    partitions: partitionSummaries(
      schema,
      spec,
      entries.map((e) => e.dataFile),
    ),
    ...(explicitSeqs.length > 0 && count(1) === 0 ? { minSequenceNumber: Math.min(...explicitSeqs) } : {}),
  };
}

/** Gives a manifest a sequence number; -1 marks one whose number the commit attempt assigns. */
export function sequenced(m: UnsequencedManifest, sequenceNumber: number): ManifestFile {
  return { ...m, sequenceNumber, minSequenceNumber: m.minSequenceNumber ?? sequenceNumber };
}

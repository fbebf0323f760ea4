import { randomUUID } from 'node:crypto';
import { ValidationError } from '../errors.js';
import type { FileIO } from '../io/file-io.js';
import { readManifest, type DataFile, type ManifestEntry } from '../manifest/manifest.js';
import { readManifestList, writeManifestList, type ManifestFile } from '../manifest/manifest-list.js';
import { withSnapshot } from '../metadata/metadata-builder.js';
import {
  currentSchema,
  currentSnapshot,
  schemaById,
  specById,
  type Snapshot,
  type TableMetadata,
} from '../metadata/table-metadata.js';
import { sequenced, writeManifestFile, type UnsequencedManifest } from './manifest-writer.js';
import { snapshotSummary } from './snapshot-summary.js';
import type { AttemptResult } from './table-operations.js';

/** Manifests of the current snapshot (empty for an empty table). */
export async function currentManifests(io: FileIO, metadata: TableMetadata): Promise<ManifestFile[]> {
  const snapshot = currentSnapshot(metadata);
  return snapshot?.['manifest-list'] ? readManifestList(await io.read(snapshot['manifest-list'])) : [];
}

interface SnapshotParts {
  snapshotId: bigint;
  operation: 'append' | 'replace';
  manifests: ManifestFile[];
  added: readonly DataFile[];
  removed: readonly DataFile[];
  summary: Readonly<Record<string, string>>;
  extraFiles?: string[];
}

/** Writes the manifest list for one attempt and returns the next metadata with the snapshot on `main`. */
export async function buildSnapshot<T>(
  io: FileIO,
  base: TableMetadata,
  baseLocation: string,
  parts: SnapshotParts,
  attempt: number,
  result: T,
): Promise<AttemptResult<T>> {
  const parent = currentSnapshot(base);
  const sequenceNumber = base['last-sequence-number'] + 1;
  // Manifests written by this snapshot carry -1 until the attempt's sequence number is known.
  const manifests = parts.manifests.map((m) =>
    m.sequenceNumber < 0
      ? {
          ...m,
          sequenceNumber,
          minSequenceNumber: m.minSequenceNumber < 0 ? sequenceNumber : Math.min(m.minSequenceNumber, sequenceNumber),
        }
      : m,
  );
  const listUri = `${base.location}/metadata/snap-${parts.snapshotId}-${attempt + 1}-${randomUUID()}.avro`;
  await io.write(
    listUri,
    await writeManifestList(
      { snapshotId: parts.snapshotId, parentSnapshotId: parent?.['snapshot-id'], sequenceNumber },
      manifests,
    ),
  );
  const now = Math.max(Date.now(), parent ? parent['timestamp-ms'] : 0);
  const snapshot: Snapshot = {
    'snapshot-id': parts.snapshotId,
    ...(parent ? { 'parent-snapshot-id': parent['snapshot-id'] } : {}),
    'sequence-number': sequenceNumber,
    'timestamp-ms': now,
    'manifest-list': listUri,
    summary: snapshotSummary(parts.operation, parts.added, parts.removed, manifests, parent, parts.summary),
    'schema-id': base['current-schema-id'],
  };
  return {
    kind: 'commit',
    metadata: withSnapshot(base, baseLocation, snapshot, now),
    result,
    attemptFiles: [listUri, ...(parts.extraFiles ?? [])],
  };
}

/** A not-yet-sequenced manifest marked so {@link buildSnapshot} assigns the attempt's sequence number. */
export function pendingManifest(m: UnsequencedManifest): ManifestFile {
  return sequenced(m, -1);
}

/**
 * Rewrites the current manifests for a `replace`: entries of `removed` files become DELETED,
 * other live entries of touched manifests become EXISTING with explicit sequence numbers; untouched
 * manifests are kept as they are, so files appended concurrently survive. Throws a
 * {@link ValidationError} if a file to remove is no longer live (someone else removed it).
 */
export async function rewriteForRemoval(
  io: FileIO,
  base: TableMetadata,
  snapshotId: bigint,
  removed: ReadonlySet<string>,
): Promise<{ manifests: ManifestFile[]; removedFiles: DataFile[]; written: string[] }> {
  const out: ManifestFile[] = [];
  const removedFiles: DataFile[] = [];
  const written: string[] = [];
  for (const m of await currentManifests(io, base)) {
    const manifest = await readManifest(await io.read(m.manifestPath));
    const live = manifest.entries.filter((e) => e.status !== 2);
    if (!live.some((e) => removed.has(e.dataFile.filePath))) {
      out.push(m);
      continue;
    }
    const entries: ManifestEntry[] = live.map((e) => {
      const dataSeq = e.sequenceNumber ?? m.sequenceNumber;
      const fileSeq = e.fileSequenceNumber ?? m.sequenceNumber;
      const gone = removed.has(e.dataFile.filePath);
      if (gone) removedFiles.push(e.dataFile);
      return {
        status: gone ? 2 : 0,
        snapshotId: gone ? snapshotId : (e.snapshotId ?? m.addedSnapshotId),
        sequenceNumber: dataSeq,
        fileSequenceNumber: fileSeq,
        dataFile: e.dataFile,
      };
    });
    const spec = specById(base, m.partitionSpecId);
    const rewritten = await writeManifestFile(io, base.location, currentSchema(base), spec, snapshotId, entries);
    written.push(rewritten.manifestPath);
    const liveSeqs = entries.filter((e) => e.status === 0).map((e) => e.sequenceNumber!);
    // A rewritten manifest is added by this snapshot (its sequence number is assigned per attempt);
    // its entries keep their original sequence numbers explicitly.
    out.push({ ...rewritten, sequenceNumber: -1, minSequenceNumber: liveSeqs.length > 0 ? Math.min(...liveSeqs) : -1 });
  }
  if (removedFiles.length !== removed.size) {
    const found = new Set(removedFiles.map((f) => f.filePath));
    const missing = [...removed].filter((p) => !found.has(p));
    await io.delete(written);
    throw new ValidationError(
      `cannot replace files that are no longer in the table (removed by a concurrent commit?): ${missing.slice(0, 3).join(', ')}`,
    );
  }
  return { manifests: out, removedFiles, written };
}

/** The schema a snapshot was written with (falls back to the current one for old metadata). */
export function snapshotSchema(
  metadata: TableMetadata,
  snapshot: Snapshot | undefined,
): ReturnType<typeof currentSchema> {
  const id = snapshot?.['schema-id'];
  return id === undefined ? currentSchema(metadata) : schemaById(metadata, id);
}

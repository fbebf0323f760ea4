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

/**
 * Manifests of the current snapshot (empty for an empty table). List entries without file counts
 * (optional in v1) get them from their manifest, so the list we write next carries true counts:
 * Java readers skip manifests whose added and existing counts are both 0.
 */
export async function currentManifests(io: FileIO, metadata: TableMetadata): Promise<ManifestFile[]> {
  const snapshot = currentSnapshot(metadata);
  if (!snapshot?.['manifest-list']) return [];
  const listed = await readManifestList(await io.read(snapshot['manifest-list']), snapshot['manifest-list']);
  return Promise.all(listed.map(async (m) => (m.countsMissing ? countEntries(m, await io.read(m.manifestPath)) : m)));
}

async function countEntries(m: ManifestFile, bytes: Uint8Array): Promise<ManifestFile> {
  const { entries } = await readManifest(bytes, m.manifestPath);
  const of = (status: number): ManifestEntry[] => entries.filter((e) => e.status === status);
  const rows = (list: ManifestEntry[]): number => list.reduce((n, e) => n + e.dataFile.recordCount, 0);
  return {
    ...m,
    addedFilesCount: of(1).length,
    existingFilesCount: of(0).length,
    deletedFilesCount: of(2).length,
    addedRowsCount: rows(of(1)),
    existingRowsCount: rows(of(0)),
    deletedRowsCount: rows(of(2)),
    countsMissing: undefined,
  };
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
    // Delete manifests never hold the data files a rewrite removes; keep them byte for byte.
    if (m.content !== 0) {
      out.push(m);
      continue;
    }
    const manifest = await readManifest(await io.read(m.manifestPath), m.manifestPath);
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

/**
 * Throws a {@link ValidationError} when the manifests hold a live delete file outside `known`: a
 * rewrite that read its rows before that delete was committed would otherwise resurrect them.
 */
export async function validateNoNewDeletes(
  io: FileIO,
  manifests: readonly ManifestFile[],
  known: ReadonlySet<string>,
): Promise<void> {
  for (const m of manifests.filter((l) => l.content !== 0)) {
    const { entries } = await readManifest(await io.read(m.manifestPath), m.manifestPath);
    const added = entries.find((e) => e.status !== 2 && !known.has(e.dataFile.filePath));
    if (added)
      throw new ValidationError(
        `delete file '${added.dataFile.filePath}' was committed while the files were being rewritten; run the rewrite again`,
      );
  }
}

import { withoutSnapshots } from '../metadata/metadata-builder.js';
import { parseTableMetadata, type Snapshot, type TableMetadata } from '../metadata/table-metadata.js';
import { readManifest } from '../manifest/manifest.js';
import { readManifestList } from '../manifest/manifest-list.js';
import type { FileIO } from '../io/file-io.js';
import { ancestors, JOB_ID_PROP, OPERATOR_ID_PROP } from '../table/checkpoint-ancestry.js';
import type { Table } from '../table/table.js';

/** Every file a set of snapshots references: manifest lists, manifests, live and deleted data files. */
export async function reachableFiles(io: FileIO, snapshots: readonly Snapshot[]): Promise<Set<string>> {
  const files = new Set<string>();
  const seenManifests = new Set<string>();
  for (const s of snapshots) {
    const list = s['manifest-list'];
    if (!list) continue;
    files.add(list);
    for (const m of await readManifestList(await io.read(list))) {
      files.add(m.manifestPath);
      if (seenManifests.has(m.manifestPath)) continue;
      seenManifests.add(m.manifestPath);
      for (const e of (await readManifest(await io.read(m.manifestPath))).entries)
        if (e.status !== 2) files.add(e.dataFile.filePath);
    }
  }
  return files;
}

/** Options of {@link expireSnapshots}. */
export interface ExpireOptions {
  /** Snapshots older than this (ms since epoch) may expire. @default now − 5 days (Java's default) */
  olderThanMs?: number;
  /** The current snapshot and this many of its ancestors always stay. @default 1 */
  retainLast?: number;
}

/**
 * Removes old snapshots from the metadata (time travel to them is no longer possible), then
 * deletes the files only they referenced. Files still referenced by a retained snapshot stay.
 */
export async function expireSnapshots(
  table: Table,
  options: ExpireOptions = {},
): Promise<{ expired: bigint[]; deletedFiles: number }> {
  const olderThan = options.olderThanMs ?? Date.now() - 5 * 86_400_000;
  const retainLast = Math.max(1, options.retainLast ?? 1);
  const plan = (base: TableMetadata): Set<bigint> => {
    const kept = new Set([...ancestors(base)].slice(0, retainLast).map((s) => s['snapshot-id']));
    for (const ref of Object.values(base.refs)) kept.add(ref['snapshot-id']);
    // Exactly-once state lives in snapshot summaries: never expire the newest snapshot of a
    // (job, operator), or a restarted job could no longer tell what it already committed.
    const newestPerWriter = new Map<string, bigint>();
    for (const s of [...base.snapshots].sort((a, b) => b['sequence-number'] - a['sequence-number'])) {
      const job = s.summary[JOB_ID_PROP];
      const key = `${job ?? ''}\u0000${s.summary[OPERATOR_ID_PROP] ?? ''}`;
      if (job !== undefined && !newestPerWriter.has(key)) newestPerWriter.set(key, s['snapshot-id']);
    }
    for (const id of newestPerWriter.values()) kept.add(id);
    return new Set(
      base.snapshots
        .filter((s) => !kept.has(s['snapshot-id']) && s['timestamp-ms'] < olderThan)
        .map((s) => s['snapshot-id']),
    );
  };
  const expired = await table.ops.commitWithRetry<Set<bigint>>((base, _attempt, baseLocation) => {
    const removed = plan(base);
    if (removed.size === 0) return Promise.resolve({ kind: 'noop', result: removed });
    return Promise.resolve({
      kind: 'commit',
      metadata: withoutSnapshots(base, baseLocation, removed, Date.now()),
      result: removed,
      attemptFiles: [],
    });
  });
  if (expired.size === 0) return { expired: [], deletedFiles: 0 };
  const io = table.ops.io;
  // The committed metadata no longer lists the expired snapshots; compute what they alone used
  // from the metadata before the commit (the last metadata-log entry).
  const previous = table.metadata['metadata-log'].at(-1)?.['metadata-file'];
  const before = previous ? parseTableMetadata(await io.read(previous)) : undefined;
  const removedSnapshots = (before?.snapshots ?? []).filter((s) => expired.has(s['snapshot-id']));
  const keep = await reachableFiles(io, table.metadata.snapshots);
  const candidates = await reachableFiles(io, removedSnapshots);
  const doomed = [...candidates].filter((f) => !keep.has(f));
  await io.delete(doomed);
  return { expired: [...expired], deletedFiles: doomed.length };
}

/** Options of {@link removeOrphanFiles}. */
export interface OrphanOptions {
  /** Only files older than this (ms since epoch) are deleted. @default now − 3 days (Java's default) */
  olderThanMs?: number;
  /**
   * Last-modified time of a file. The `ObjectStore` interface has no such call, so by default it
   * is known only for local stores; a file whose age is unknown is never deleted.
   */
  modifiedMs?: (uri: string) => Promise<number | undefined>;
}

/**
 * Deletes files under the table location that no metadata references (left by crashed writers or
 * lost commits), only when older than `olderThanMs`, so files of in-flight writes are never touched.
 */
export async function removeOrphanFiles(table: Table, options: OrphanOptions = {}): Promise<string[]> {
  await table.refresh();
  const io = table.ops.io;
  const olderThan = options.olderThanMs ?? Date.now() - 3 * 86_400_000;
  const modified = options.modifiedMs ?? ((uri: string) => io.lastModified(uri));
  const referenced = await reachableFiles(io, table.metadata.snapshots);
  referenced.add(table.metadataLocation);
  for (const e of table.metadata['metadata-log']) referenced.add(e['metadata-file']);
  // Metadata may record paths relative, mapped (pathMap) or spelled `file:/x`; listing yields store URIs.
  const keep = new Set([...referenced].map((p) => io.resolve(p)));
  const orphans: string[] = [];
  for (const uri of await io.list(table.metadata.location)) {
    if (keep.has(io.resolve(uri))) continue;
    const time = await modified(uri);
    if (time !== undefined && time < olderThan) orphans.push(uri);
  }
  await io.delete(orphans);
  return orphans;
}

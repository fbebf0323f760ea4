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
    for (const m of await readManifestList(await io.read(list), list)) {
      files.add(m.manifestPath);
      if (seenManifests.has(m.manifestPath)) continue;
      seenManifests.add(m.manifestPath);
      for (const e of (await readManifest(await io.read(m.manifestPath), m.manifestPath)).entries)
        if (e.status !== 2) files.add(e.dataFile.filePath);
    }
  }
  return files;
}

/** Options of {@link expireSnapshots}. */
export interface ExpireOptions {
  /** Snapshots older than this (ms since epoch) may expire. @default now − 5 days (Java's default) */
  olderThanMs?: number;
  /** The newest this many snapshots of the current history (the current one included) always stay. @default 1 */
  retainLast?: number;
}

/**
 * The snapshots expiry would remove from `base`: older than `olderThanMs`, and neither among the
 * newest `retainLast` of the current ancestry, nor the head of a branch or tag, nor the newest
 * snapshot of a streaming writer.
 */
export function snapshotsToExpire(base: TableMetadata, options: ExpireOptions = {}): Set<bigint> {
  const olderThan = options.olderThanMs ?? Date.now() - 5 * 86_400_000;
  const retainLast = Math.max(1, options.retainLast ?? 1);
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
}

/** Files referenced by `removed` snapshots and by none of `kept`: what expiring `removed` frees. */
async function filesOnlyIn(io: FileIO, removed: readonly Snapshot[], kept: readonly Snapshot[]): Promise<string[]> {
  if (removed.length === 0) return [];
  const keep = await reachableFiles(io, kept);
  return [...(await reachableFiles(io, removed))].filter((f) => !keep.has(f));
}

/** What {@link expireSnapshots} would do now, without doing it: the snapshots, and the files only they reference. */
export async function planSnapshotExpiry(
  table: Table,
  options: ExpireOptions = {},
): Promise<{ expired: Snapshot[]; files: string[] }> {
  await table.refresh();
  const ids = snapshotsToExpire(table.metadata, options);
  const expired = table.metadata.snapshots.filter((s) => ids.has(s['snapshot-id']));
  const kept = table.metadata.snapshots.filter((s) => !ids.has(s['snapshot-id']));
  return { expired, files: await filesOnlyIn(table.ops.io, expired, kept) };
}

/**
 * Removes old snapshots from the metadata (time travel to them is no longer possible), then
 * deletes the files only they referenced. Files still referenced by a retained snapshot stay.
 */
export async function expireSnapshots(
  table: Table,
  options: ExpireOptions = {},
): Promise<{ expired: bigint[]; deletedFiles: number; deleted: string[] }> {
  const expired = await table.ops.commitWithRetry<Set<bigint>>((base, _attempt, baseLocation) => {
    const removed = snapshotsToExpire(base, options);
    if (removed.size === 0) return Promise.resolve({ kind: 'noop', result: removed });
    return Promise.resolve({
      kind: 'commit',
      metadata: withoutSnapshots(base, baseLocation, removed, Date.now()),
      result: removed,
      attemptFiles: [],
    });
  });
  if (expired.size === 0) return { expired: [], deletedFiles: 0, deleted: [] };
  const io = table.ops.io;
  // The committed metadata no longer lists the expired snapshots; compute what they alone used
  // from the metadata before the commit (the last metadata-log entry).
  const previous = table.metadata['metadata-log'].at(-1)?.['metadata-file'];
  const before = previous ? parseTableMetadata(await io.read(previous)) : undefined;
  const removedSnapshots = (before?.snapshots ?? []).filter((s) => expired.has(s['snapshot-id']));
  const doomed = await filesOnlyIn(io, removedSnapshots, table.metadata.snapshots);
  await io.delete(doomed);
  return { expired: [...expired], deletedFiles: doomed.length, deleted: doomed };
}

/** Options of {@link removeOrphanFiles}. */
export interface OrphanOptions {
  /** Only files older than this (ms since epoch) are deleted. @default now − 3 days (Java's default) */
  olderThanMs?: number;
  /**
   * Last-modified time of a file. @default the object store's listing (`ObjectStore.listDetailed`),
   * else the file's time on a local store; a file whose age is unknown is never deleted.
   */
  modifiedMs?: (uri: string) => Promise<number | undefined>;
  /** List the orphans without deleting them. @default false */
  dryRun?: boolean;
}

/** Every string of the table's metadata that names a file: manifest lists, metadata log, statistics files, … */
function mentionedFiles(value: unknown, out: Set<string>): Set<string> {
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) for (const v of value) mentionedFiles(v, out);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) mentionedFiles(v, out);
  return out;
}

/**
 * Deletes files under the table location that no metadata references (left by crashed writers or
 * lost commits), only when older than `olderThanMs`, so files of in-flight writes are never touched.
 * Returns the orphans (deleted, or only found with `dryRun`).
 */
export async function removeOrphanFiles(table: Table, options: OrphanOptions = {}): Promise<string[]> {
  await table.refresh();
  const io = table.ops.io;
  const olderThan = options.olderThanMs ?? Date.now() - 3 * 86_400_000;
  const keep = await reachableFiles(io, table.metadata.snapshots);
  keep.add(table.metadataLocation);
  // Anything the metadata names (statistics files of other engines included) is not an orphan.
  mentionedFiles(table.metadata, keep);
  const listed = await listWithTimes(table, options.modifiedMs);
  // Metadata may record paths relative, mapped (pathMap) or spelled `file:/x`; listing yields store URIs.
  const resolved = new Set([...keep].map((p) => io.resolve(p)));
  const orphans = listed.filter(
    ({ uri, modifiedMs }) => !resolved.has(io.resolve(uri)) && modifiedMs !== undefined && modifiedMs < olderThan,
  );
  const uris = orphans.map((o) => o.uri);
  if (!options.dryRun) await io.delete(uris);
  return uris;
}

async function listWithTimes(
  table: Table,
  modifiedMs: OrphanOptions['modifiedMs'],
): Promise<{ uri: string; modifiedMs: number | undefined }[]> {
  const io = table.ops.io;
  const prefix = `${table.metadata.location}/`;
  if (!modifiedMs && io.store.listDetailed) {
    const objects = await io.store.listDetailed(io.key(prefix));
    return objects.map((o) => ({ uri: io.uri(o.key), modifiedMs: o.lastModifiedMs }));
  }
  const time = modifiedMs ?? ((uri: string) => io.lastModified(uri));
  const out: { uri: string; modifiedMs: number | undefined }[] = [];
  for (const uri of await io.list(table.metadata.location)) out.push({ uri, modifiedMs: await time(uri) });
  return out;
}

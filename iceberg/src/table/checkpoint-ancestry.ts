import { currentSnapshot, snapshotById, type Snapshot, type TableMetadata } from '../metadata/table-metadata.js';

/** Snapshot summary keys of the exactly-once protocol. */
export const JOB_ID_PROP = 'coattail.job-id';
export const OPERATOR_ID_PROP = 'coattail.operator-id';
export const MAX_CHECKPOINT_PROP = 'coattail.max-committed-checkpoint-id';

/** Returned when no snapshot of the job and operator is in the ancestry. */
export const NO_CHECKPOINT = -1;

/** The `main` ancestry from the current snapshot back to the oldest snapshot still in metadata. */
export function* ancestors(
  metadata: TableMetadata,
  from: Snapshot | undefined = currentSnapshot(metadata),
): Generator<Snapshot> {
  const seen = new Set<bigint>();
  for (
    let s = from;
    s && !seen.has(s['snapshot-id']);
    s = s['parent-snapshot-id'] === undefined ? undefined : snapshotById(metadata, s['parent-snapshot-id'])
  ) {
    seen.add(s['snapshot-id']);
    yield s;
  }
}

/**
 * Highest checkpoint id committed by this job and operator, walking the current snapshot's
 * ancestry (snapshots of other writers and compactions are skipped, not stopped at).
 * `jobId` must be the job's stable name, not a per-run id: apache/iceberg#16008 duplicated data
 * because a restarted job got a new id and no longer found its own commits.
 */
export function maxCommittedCheckpointId(metadata: TableMetadata, jobId: string, operatorId: string): number {
  const matches = (s: Snapshot): number | undefined => {
    if (s.summary[JOB_ID_PROP] !== jobId || s.summary[OPERATOR_ID_PROP] !== operatorId) return undefined;
    const value = Number(s.summary[MAX_CHECKPOINT_PROP]);
    return Number.isSafeInteger(value) ? value : undefined;
  };
  let oldest: Snapshot | undefined;
  for (const s of ancestors(metadata)) {
    const found = matches(s);
    if (found !== undefined) return found;
    oldest = s;
  }
  // Expiry can cut the parent chain. Our tables have one linear `main` history, so retained
  // snapshots older than the cut are still ancestors: keep looking there, newest first
  // (expireSnapshots always retains the newest snapshot of every job/operator for this).
  if (oldest?.['parent-snapshot-id'] !== undefined) {
    const older = metadata.snapshots
      .filter((s) => s['sequence-number'] < oldest['sequence-number'])
      .sort((a, b) => b['sequence-number'] - a['sequence-number']);
    for (const s of older) {
      const found = matches(s);
      if (found !== undefined) return found;
    }
  }
  return NO_CHECKPOINT;
}

import type { InputChanges } from './changes.js';
import type { IcebergState } from './state.js';

/** A snapshot as incremental detection needs it: its parent and its operation. */
export interface SnapshotInfo {
  id: string;
  parentId?: string;
  /** Iceberg's `summary.operation`: append, replace (compaction), overwrite or delete. */
  operation: string;
}

/** The table's snapshots now, and a way to list the data files some snapshots added. */
export interface IcebergObservation {
  currentSnapshotId?: string;
  snapshots: readonly SnapshotInfo[];
  filesAddedBy(snapshotIds: readonly string[]): Promise<string[]>;
}

function result(
  input: string,
  state: IcebergState | undefined,
  fields: Partial<InputChanges> & { describe: string },
): InputChanges {
  return {
    input,
    mode: 'iceberg-snapshots',
    hasWork: false,
    full: false,
    added: [],
    changed: [],
    deleted: [],
    skipped: 0,
    waiting: [],
    next: state,
    ...fields,
  };
}

/**
 * Plans an incremental read of an Iceberg table: the data files appended since the last processed
 * snapshot. A `replace` snapshot (compaction) rewrites files without changing rows, so it is no
 * new data; an `overwrite` or `delete` changed existing rows, and a last snapshot that expired out
 * of the history leaves no way to tell what is new — both need a full read.
 */
export async function detectIcebergChanges(
  input: string,
  table: IcebergObservation,
  previous: IcebergState | undefined,
): Promise<InputChanges> {
  const current = table.currentSnapshotId;
  if (current === undefined) return result(input, previous, { describe: `${input}: empty table, nothing to read` });
  const next: IcebergState = { mode: 'iceberg-snapshots', snapshotId: current };
  const full = (why: string): InputChanges =>
    result(input, next, { hasWork: true, full: true, describe: `${input}: full read of snapshot ${current} (${why})` });
  if (previous === undefined) return full('first run');
  if (previous.snapshotId === current)
    return result(input, next, { describe: `${input}: no new snapshot since ${current}, skipped` });
  const byId = new Map(table.snapshots.map((s) => [s.id, s]));
  const appends: string[] = [];
  let compactions = 0;
  for (
    let s = byId.get(current);
    s?.id !== previous.snapshotId;
    s = s.parentId === undefined ? undefined : byId.get(s.parentId)
  ) {
    if (s === undefined) return full(`snapshot ${previous.snapshotId} is no longer in the table's history`);
    if (s.operation === 'append') appends.push(s.id);
    else if (s.operation === 'replace') compactions++;
    else return full(`snapshot ${s.id} is an ${s.operation} that changed existing rows`);
  }
  const added = appends.length === 0 ? [] : await table.filesAddedBy(appends);
  const note = compactions > 0 ? `, ${compactions} compaction snapshot(s) skipped (no new data)` : '';
  return result(input, next, {
    hasWork: added.length > 0,
    added,
    skipped: compactions,
    describe: `${input}: ${added.length} file(s) appended in ${appends.length} snapshot(s) since ${previous.snapshotId}${note}`,
  });
}

import type { DataFile } from '../manifest/manifest.js';
import type { ManifestFile } from '../manifest/manifest-list.js';
import type { Snapshot } from '../metadata/table-metadata.js';

/** Builds the spec's summary counters (Appendix F) for a snapshot that adds and/or removes files. */
export function snapshotSummary(
  operation: 'append' | 'replace',
  added: readonly DataFile[],
  removed: readonly DataFile[],
  manifests: readonly ManifestFile[],
  parent: Snapshot | undefined,
  extra: Readonly<Record<string, string>>,
): Snapshot['summary'] {
  const sum = (files: readonly DataFile[], f: (d: DataFile) => number): number => files.reduce((n, d) => n + f(d), 0);
  const partitions = new Set(
    [...added, ...removed].map((d) =>
      JSON.stringify(d.partition, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
    ),
  );
  const data = manifests.filter((m) => m.content === 0);
  const deletes = manifests.filter((m) => m.content !== 0);
  const liveFiles = data.reduce((n, m) => n + m.addedFilesCount + m.existingFilesCount, 0);
  const liveRows = data.reduce((n, m) => n + m.addedRowsCount + m.existingRowsCount, 0);
  const liveDeleteFiles = deletes.reduce((n, m) => n + m.addedFilesCount + m.existingFilesCount, 0);
  const summary: Record<string, string> = {
    ...extra,
    'added-data-files': String(added.length),
    'added-records': String(sum(added, (d) => d.recordCount)),
    'added-files-size': String(sum(added, (d) => d.fileSizeInBytes)),
    'changed-partition-count': String(partitions.size),
    'total-data-files': String(liveFiles),
    'total-records': String(liveRows),
    'total-delete-files': String(liveDeleteFiles),
  };
  // A delete manifest's rows mix position and equality deletes only per file; the parent's split is kept.
  if (liveDeleteFiles === 0) {
    summary['total-position-deletes'] = '0';
    summary['total-equality-deletes'] = '0';
  } else {
    for (const key of ['total-position-deletes', 'total-equality-deletes'] as const) {
      const inherited = parent?.summary[key];
      if (inherited !== undefined) summary[key] = inherited;
    }
  }
  if (removed.length > 0) {
    summary['deleted-data-files'] = String(removed.length);
    summary['deleted-records'] = String(sum(removed, (d) => d.recordCount));
    summary['removed-files-size'] = String(sum(removed, (d) => d.fileSizeInBytes));
  }
  const parentSize = parent ? parent.summary['total-files-size'] : '0';
  if (parentSize !== undefined) {
    summary['total-files-size'] = String(
      Number(parentSize) + sum(added, (d) => d.fileSizeInBytes) - sum(removed, (d) => d.fileSizeInBytes),
    );
  }
  return { ...summary, operation };
}

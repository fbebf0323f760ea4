import { stat } from 'node:fs/promises';
import type { ProfilePayload, QualityAssessment } from '@coattail/quality';

/** One scored file, as the file-quality service stores it. */
export interface ScoredFile {
  /** The file's name under the scored folder: the monitoring file's `file_name`. */
  file: string;
  path: string;
  quality: QualityAssessment;
  profile?: ProfilePayload;
}

/** Where the scores went: the reporting table as a dataset name, and what was written. */
export interface ReportingWrite {
  /** `postgres://host:port/db/reporting.monitoring_file_data_quality`, without credentials. */
  dataset: string;
  runs: number;
}

/** The lineage name of the scores table in the database at `url` (no user, no password). */
export function reportingDataset(url: string): string {
  const u = new URL(url);
  return `postgres://${u.host}${u.pathname.replace(/\/$/, '') || '/postgres'}/reporting.monitoring_file_data_quality`;
}

/**
 * Writes scores the way the file-quality service does: the `reporting.*` tables (created or
 * upgraded first, idempotently), one `monitoring_file` per (agency, file) created on first sight,
 * one run per file and delivery hour (the file's last-modified time, UTC) upserted, and its
 * quality, failed rules and profile replaced on a re-score, so a re-run never adds a second row.
 */
export async function writeScoresToPostgres(
  url: string,
  agency: string,
  files: readonly ScoredFile[],
): Promise<ReportingWrite> {
  const { openDatabase, migrateReporting, ReportingRepository } = await import('@coattail/file-quality');
  const db = await openDatabase({ url, maxConnections: 2 });
  try {
    await migrateReporting(db);
    const repo = new ReportingRepository(db);
    for (const f of files) {
      const info = await stat(f.path);
      const modified = info.mtime;
      const runDate = modified.toISOString().slice(0, 10);
      const runHour = modified.getUTCHours();
      const { file } = await repo.ensureMonitoringFile(agency, f.file);
      const run = await repo.upsertRun({
        monitoringFileId: file.id,
        runDate,
        runHour,
        fileLastModified: modified,
        fileSize: info.size,
        fileRangeLowerLimit: null,
        agencyId: null,
      });
      await repo.writeResults(
        { id: run.id, monitoringFileId: file.id, runDate, runHour },
        { quality: f.quality, ...(f.profile === undefined ? {} : { profile: f.profile }) },
      );
    }
    return { dataset: reportingDataset(url), runs: files.length };
  } finally {
    await db.close();
  }
}

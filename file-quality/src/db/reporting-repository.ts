import type { FailedRule, ProfilePayload, QualityAssessment } from '@coattail/quality';
import { z } from 'zod';
import type { Database, SqlExecutor } from './database.js';

/** A `reporting.monitoring_file` row with its schema definition JSON (null when none is linked). */
export interface MonitoringFileRow {
  readonly id: number;
  readonly agencySlug: string;
  readonly fileName: string;
  readonly schemaDefinitionId: number | null;
  readonly definition: unknown;
  readonly latestDataQualityScore: number | null;
}

/** What identifies and describes one run (delivery window) of a monitored file. */
export interface RunInput {
  readonly monitoringFileId: number;
  /** `YYYY-MM-DD` (UTC). */
  readonly runDate: string;
  /** 0–23 (UTC). */
  readonly runHour: number;
  readonly fileLastModified: Date;
  readonly fileSize: number;
  readonly fileRangeLowerLimit: Date | null;
  readonly agencyId: number | null;
}

/** How `monitoring_file.latest_data_quality_score` follows the runs. */
export type LatestScoreMode = { readonly kind: 'latest' } | { readonly kind: 'rolling'; readonly runs: number };

/** Everything written for one scored run, in one transaction. */
export interface RunResults {
  readonly quality: QualityAssessment;
  /** Omitted for a file that could not be parsed: there is nothing to profile. */
  readonly profile?: ProfilePayload;
  /** Write `monitoring_file_failed_validation` rows. @default true */
  readonly failedValidationRows?: boolean;
  readonly latestScore?: LatestScoreMode;
}

const fileRow = z.object({
  id: z.coerce.number(),
  agency_slug: z.string(),
  file_name: z.string(),
  schema_definition_id: z.coerce.number().nullable(),
  definition: z.unknown(),
  latest_data_quality_score: z.coerce.number().nullable(),
});

const FILE_SELECT = `
  SELECT f.id, f.agency_slug, f.file_name, f.schema_definition_id, d.definition, f.latest_data_quality_score
  FROM reporting.monitoring_file f
  LEFT JOIN reporting.monitoring_file_schema_definition d ON d.id = f.schema_definition_id
  WHERE f.agency_slug = $1 AND f.file_name = $2
  ORDER BY f.id
  LIMIT 1`;

function toFile(row: unknown): MonitoringFileRow {
  const r = fileRow.parse(row);
  return {
    id: r.id,
    agencySlug: r.agency_slug,
    fileName: r.file_name,
    schemaDefinitionId: r.schema_definition_id,
    definition: r.definition ?? null,
    latestDataQualityScore: r.latest_data_quality_score,
  };
}

/**
 * Takes the transaction-scoped advisory lock of one run: (file, date, hour). Every write of a run
 * happens under it, so concurrent processors of the same object serialize instead of racing.
 */
async function lockRun(tx: SqlExecutor, monitoringFileId: number, runDate: string, runHour: number): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('coattail.dq.run'), hashtext($1))`, [
    `${monitoringFileId}/${runDate}/${runHour}`,
  ]);
}

/**
 * The service's SQL against `reporting.*`: lookups and idempotent upserts. Each method is one
 * transaction; none holds a connection while a file is being parsed.
 */
export class ReportingRepository {
  constructor(private readonly db: Database) {}

  /** The monitoring file of (agency, file name), or undefined. */
  async findMonitoringFile(agencySlug: string, fileName: string): Promise<MonitoringFileRow | undefined> {
    const { rows } = await this.db.query(FILE_SELECT, [agencySlug, fileName]);
    return rows[0] === undefined ? undefined : toFile(rows[0]);
  }

  /**
   * Finds or creates (without a schema definition) the monitoring file; safe under concurrency.
   * The shared database's `monitoring_file` has no UNIQUE (agency_slug, file_name) to conflict on,
   * so creators of one file serialize on a transaction-scoped advisory lock of the pair and look
   * again under it: the first creates the row, the others find it.
   */
  async ensureMonitoringFile(
    agencySlug: string,
    fileName: string,
  ): Promise<{ file: MonitoringFileRow; created: boolean }> {
    const existing = await this.findMonitoringFile(agencySlug, fileName);
    if (existing !== undefined) return { file: existing, created: false };
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('coattail.dq.file'), hashtext($1))`, [
        JSON.stringify([agencySlug, fileName]),
      ]);
      const found = await tx.query(FILE_SELECT, [agencySlug, fileName]);
      if (found.rows[0] !== undefined) return { file: toFile(found.rows[0]), created: false };
      await tx.query(`INSERT INTO reporting.monitoring_file (agency_slug, file_name) VALUES ($1, $2)`, [
        agencySlug,
        fileName,
      ]);
      const inserted = await tx.query(FILE_SELECT, [agencySlug, fileName]);
      if (inserted.rows[0] === undefined)
        throw new Error(`monitoring_file (${agencySlug}, ${fileName}) vanished after insert`);
      return { file: toFile(inserted.rows[0]), created: true };
    });
  }

  /**
   * Creates the run of (file, date, hour) or, when it exists, re-uses it and refreshes its
   * last-modified and size. Under the run's advisory lock; unique on (file, date, hour).
   */
  async upsertRun(input: RunInput): Promise<{ id: number; created: boolean }> {
    return this.db.transaction(async (tx) => {
      await lockRun(tx, input.monitoringFileId, input.runDate, input.runHour);
      const { rows } = await tx.query<{ id: string; created: boolean }>(
        `INSERT INTO reporting.monitoring_file_run
           (monitoring_file_id, agency_id, file_last_modified, file_range_lower_limit, file_size, run_date, run_hour)
         VALUES ($1, $2, $3, $4, $5, $6::date, $7)
         ON CONFLICT (monitoring_file_id, run_date, run_hour) DO UPDATE SET
           file_last_modified = EXCLUDED.file_last_modified,
           file_size = EXCLUDED.file_size,
           file_range_lower_limit = COALESCE(EXCLUDED.file_range_lower_limit, monitoring_file_run.file_range_lower_limit),
           agency_id = COALESCE(EXCLUDED.agency_id, monitoring_file_run.agency_id),
           updated_at = now()
         RETURNING id::text AS id, (xmax = 0) AS created`,
        [
          input.monitoringFileId,
          input.agencyId,
          input.fileLastModified.toISOString(),
          input.fileRangeLowerLimit?.toISOString() ?? null,
          input.fileSize,
          input.runDate,
          input.runHour,
        ],
      );
      const row = rows[0];
      if (row === undefined) throw new Error('run upsert returned no row');
      return { id: Number(row.id), created: row.created };
    });
  }

  /**
   * Writes a run's quality (upsert on the run), replaces its failed-validation rows, upserts its
   * profile and updates the file's latest score, all in one transaction under the run's lock.
   * Returns the file's new `latest_data_quality_score`.
   */
  async writeResults(
    run: { id: number } & Pick<RunInput, 'monitoringFileId' | 'runDate' | 'runHour'>,
    results: RunResults,
  ): Promise<{ qualityId: number; latestScore: number | null }> {
    const { quality } = results;
    return this.db.transaction(async (tx) => {
      await lockRun(tx, run.monitoringFileId, run.runDate, run.runHour);
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO reporting.monitoring_file_data_quality
           (monitoring_file_run_id, score, passed, metrics, deductions, failed_validation_message, failed_validation_rules)
         VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7::jsonb)
         ON CONFLICT (monitoring_file_run_id) DO UPDATE SET
           score = EXCLUDED.score, passed = EXCLUDED.passed, metrics = EXCLUDED.metrics, deductions = EXCLUDED.deductions,
           failed_validation_message = EXCLUDED.failed_validation_message, failed_validation_rules = EXCLUDED.failed_validation_rules,
           updated_at = now()
         RETURNING id::text AS id`,
        [
          run.id,
          quality.score,
          quality.passed,
          JSON.stringify(quality.metrics),
          JSON.stringify(quality.deductions),
          quality.failedValidationMessage,
          quality.failedValidationRules === null ? null : JSON.stringify(quality.failedValidationRules),
        ],
      );
      if (results.failedValidationRows ?? true)
        await replaceFailedRows(tx, run.id, quality.failedValidationRules ?? []);
      if (results.profile !== undefined) {
        await tx.query(
          `INSERT INTO reporting.monitoring_file_data_profile (monitoring_file_run_id, profile_payload) VALUES ($1, $2::jsonb)
           ON CONFLICT (monitoring_file_run_id) DO UPDATE SET profile_payload = EXCLUDED.profile_payload, updated_at = now()`,
          [run.id, JSON.stringify(results.profile)],
        );
      }
      const mode = results.latestScore ?? { kind: 'latest' };
      // Latest = the newest run (by date, hour) with a score, so a replayed old event never
      // overwrites a newer score; rolling = the rounded mean of the newest N runs.
      const latest = await tx.query<{ score: number | null }>(
        `UPDATE reporting.monitoring_file f SET latest_data_quality_score = (
           SELECT round(avg(s.score))::int FROM (
             SELECT q.score FROM reporting.monitoring_file_run r
             JOIN reporting.monitoring_file_data_quality q ON q.monitoring_file_run_id = r.id
             WHERE r.monitoring_file_id = f.id ORDER BY r.run_date DESC, r.run_hour DESC LIMIT $2) s)
         WHERE f.id = $1 RETURNING latest_data_quality_score AS score`,
        [run.monitoringFileId, mode.kind === 'latest' ? 1 : mode.runs],
      );
      return { qualityId: Number(rows[0]?.id), latestScore: latest.rows[0]?.score ?? null };
    });
  }
}

async function replaceFailedRows(tx: SqlExecutor, runId: number, rules: readonly FailedRule[]): Promise<void> {
  await tx.query('DELETE FROM reporting.monitoring_file_failed_validation WHERE monitoring_file_run_id = $1', [runId]);
  if (rules.length === 0) return;
  const rows = rules.map((r) => ({
    check_name: r.check,
    rule: r.rule,
    column_name: r.column ?? null,
    failed_count: r.failedCount,
    message: r.message,
    details: r.examples === undefined ? null : { examples: r.examples },
  }));
  await tx.query(
    `INSERT INTO reporting.monitoring_file_failed_validation (monitoring_file_run_id, check_name, rule, column_name, failed_count, message, details)
     SELECT $1, x.check_name, x.rule, x.column_name, x.failed_count, x.message, x.details
     FROM jsonb_to_recordset($2::jsonb) AS x(check_name text, rule text, column_name text, failed_count bigint, message text, details jsonb)`,
    [runId, JSON.stringify(rows)],
  );
}

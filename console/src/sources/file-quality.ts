import pg from 'pg';
import { z } from 'zod';
import type { FileQualityView } from '../model/snapshot.js';

const rowSchema = z.object({
  agency_slug: z.string(),
  file_name: z.string(),
  score: z.number().int().nullable(),
  passed: z.boolean().nullable(),
  run_at: z.date().nullable(),
});

/** The latest file-quality score per monitored file, read from Postgres `reporting.*`. */
export interface FileQualitySource {
  read(): Promise<FileQualityView[]>;
  close(): Promise<void>;
}

/**
 * Reads `reporting.monitoring_file.latest_data_quality_score` with the newest run's verdict, the
 * files scored most recently first.
 *
 * @example
 * const fq = fileQualityScores(process.env.DATABASE_URL!);
 */
export function fileQualityScores(databaseUrl: string, limit = 50): FileQualitySource {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  return {
    async read() {
      const result = await pool.query(
        `SELECT f.agency_slug, f.file_name, f.latest_data_quality_score AS score, q.passed, r.updated_at AS run_at
           FROM reporting.monitoring_file f
           LEFT JOIN LATERAL (
             SELECT id, updated_at FROM reporting.monitoring_file_run WHERE monitoring_file_id = f.id
              ORDER BY run_date DESC, run_hour DESC LIMIT 1) r ON true
           LEFT JOIN reporting.monitoring_file_data_quality q ON q.monitoring_file_run_id = r.id
          ORDER BY r.updated_at DESC NULLS LAST, f.id
          LIMIT $1`,
        [limit],
      );
      return result.rows.map((raw) => {
        const row = rowSchema.parse(raw);
        return {
          agency: row.agency_slug,
          file: row.file_name,
          score: row.score,
          passed: row.passed,
          runAt: row.run_at?.toISOString() ?? null,
        };
      });
    },
    close: () => pool.end(),
  };
}

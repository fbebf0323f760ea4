import { join } from 'node:path';
import type { ReconContext } from '../engine/recon-context.js';
import { orderedMismatchesSql } from '../engine/hash-comparison.js';
import { keyIssuesSql } from '../engine/primary-key.js';
import { quoteLiteral } from '../sql/quote.js';

/** File names of the full exports inside the output folder. */
export const EXPORT_FILES = {
  mismatchesParquet: 'mismatches.parquet',
  mismatchesCsv: 'mismatches.csv',
  keyIssuesParquet: 'key-issues.parquet',
  keyIssuesCsv: 'key-issues.csv',
} as const;

/**
 * Writes the full cell-level mismatch table and the key issues (orphans, duplicates) straight
 * from DuckDB with COPY: nothing of them passes through JavaScript, whatever their size.
 * Returns the artifacts written (name → file, relative to `dir`).
 */
export async function writeFullExports(
  ctx: ReconContext,
  dir: string,
  rowLevelRan: boolean,
): Promise<Record<string, string>> {
  if (!rowLevelRan) return {};
  const formats = new Set(ctx.config.output.mismatchFormats);
  const written: Record<string, string> = {};
  const copy = async (name: string, select: string, file: string, format: 'parquet' | 'csv'): Promise<void> => {
    const options = format === 'parquet' ? '(FORMAT parquet, COMPRESSION zstd)' : '(FORMAT csv, HEADER true)';
    await ctx.session.run(`COPY (${select}) TO ${quoteLiteral(join(dir, file))} ${options}`);
    written[name] = file;
  };
  const mismatches = orderedMismatchesSql(ctx, true);
  const keyIssues = keyIssuesSql(ctx);
  // The dashboard pages the Parquet export, so it is always written.
  await copy('mismatchesParquet', mismatches, EXPORT_FILES.mismatchesParquet, 'parquet');
  await copy('keyIssuesParquet', keyIssues, EXPORT_FILES.keyIssuesParquet, 'parquet');
  if (formats.has('csv')) {
    await copy('mismatchesCsv', mismatches, EXPORT_FILES.mismatchesCsv, 'csv');
    await copy('keyIssuesCsv', keyIssues, EXPORT_FILES.keyIssuesCsv, 'csv');
  }
  return written;
}

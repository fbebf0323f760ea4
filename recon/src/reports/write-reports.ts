import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReconConfig } from '../config/recon-config.js';
import type { ReconContext } from '../engine/recon-context.js';
import { reconcile, type ReconcileOptions } from '../engine/reconcile.js';
import { ReconError, describeError } from '../errors.js';
import type { ReconResult } from '../result/types.js';
import { summaryCsv } from './csv.js';
import { writeExcelReport } from './excel.js';
import { writeFullExports } from './exports.js';

/** File names of the reports inside the output folder. */
export const REPORT_FILES = { result: 'result.json', summary: 'summary.csv', excel: 'recon-report.xlsx' } as const;

/**
 * Writes every artifact of a result into `config.output.dir`: full exports (from the live
 * DuckDB session), summary.csv, the Excel workbook, and result.json last, so a reader that
 * sees result.json sees a complete folder.
 */
export async function writeReports(ctx: ReconContext, result: ReconResult): Promise<void> {
  const dir = ctx.config.output.dir;
  try {
    await mkdir(dir, { recursive: true });
    const rowLevelRan = result.keys.status !== 'ERROR';
    Object.assign(result.artifacts, await writeFullExports(ctx, dir, rowLevelRan));
    await writeFile(join(dir, REPORT_FILES.summary), summaryCsv(result.summary));
    result.artifacts.summary = REPORT_FILES.summary;
    if (ctx.config.output.excel) {
      await writeExcelReport(result, join(dir, REPORT_FILES.excel));
      result.artifacts.excel = REPORT_FILES.excel;
    }
    result.artifacts.result = REPORT_FILES.result;
  } catch (error) {
    if (error instanceof ReconError) throw error;
    throw new ReconError('REPORT_FAILED', `cannot write reports to '${dir}': ${describeError(error)}`, {
      domain: 'external',
      cause: error,
    });
  }
  ctx.logger.info({ dir, artifacts: Object.keys(result.artifacts) }, 'reports written');
}

/** Writes result.json (after `reconcile` filled in the timings). */
export async function writeResultJson(dir: string, result: ReconResult): Promise<string> {
  const file = join(dir, REPORT_FILES.result);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

/**
 * Reconciles and writes every report: what `coattail recon run` does.
 *
 * @example
 * const result = await runReconciliation(await loadReconConfig('recon.yaml'), { logger });
 * process.exitCode = result.reconciled ? 0 : 2;
 */
export async function runReconciliation(
  config: ReconConfig,
  options: Omit<ReconcileOptions, 'onResult'> = {},
): Promise<ReconResult> {
  const result = await reconcile(config, { ...options, onResult: writeReports });
  await writeResultJson(config.output.dir, result);
  return result;
}

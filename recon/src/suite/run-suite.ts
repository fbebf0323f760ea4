import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger, type Logger } from '@coattail/runtime';
import type { ReconSuite, SuiteTable } from '../config/suite-config.js';
import { describeError } from '../errors.js';
import { toCsv } from '../reports/csv.js';
import { runReconciliation } from '../reports/write-reports.js';
import type { SuiteResult, SuiteTableResult } from '../result/suite-types.js';
import type { ReconResult } from '../result/types.js';

/** File names of the suite's own reports inside its output folder. */
export const SUITE_FILES = { result: 'suite.json', summary: 'suite-summary.csv' } as const;

/** Options of {@link runReconSuite}. */
export interface SuiteOptions {
  /** @default silent */
  logger?: Logger;
  /** Called as each table finishes, with its full result (absent when it could not run). */
  onTable?: (table: SuiteTable, summary: SuiteTableResult, result?: ReconResult) => void;
}

/**
 * Reconciles every table of a suite, at most `suite.concurrency` at a time, each into its own
 * report folder, then writes one summary across the tables (suite.json, suite-summary.csv).
 * A table whose input cannot be read is recorded as `ERROR` and the others still run.
 *
 * @example
 * const file = await loadReconConfigFile('tables.yaml');
 * if (file.kind === 'suite') {
 *   const suite = await runReconSuite(file.suite, { logger });
 *   process.exitCode = suite.reconciled ? 0 : 2;
 * }
 */
export async function runReconSuite(suite: ReconSuite, options: SuiteOptions = {}): Promise<SuiteResult> {
  const logger = options.logger ?? silentLogger;
  const started = Date.now();
  const results: SuiteTableResult[] = new Array<SuiteTableResult>(suite.tables.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < suite.tables.length) {
      const index = next++;
      const table = suite.tables[index]!;
      const log = logger.child({ table: table.name });
      const tableStarted = new Date().toISOString();
      try {
        const result = await runReconciliation(table.config, { logger: log });
        results[index] = tableSummary(table, result);
        options.onTable?.(table, results[index], result);
      } catch (error) {
        log.error({ err: error }, 'table could not be reconciled');
        results[index] = failedTable(table, tableStarted, describeError(error));
        options.onTable?.(table, results[index]);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(suite.concurrency, suite.tables.length) }, worker));
  const result: SuiteResult = {
    name: suite.name,
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: Date.now() - started,
    reconciled: results.every((t) => t.status === 'RECONCILED'),
    concurrency: suite.concurrency,
    tables: results,
    artifacts: { summary: SUITE_FILES.summary, result: SUITE_FILES.result },
  };
  await mkdir(suite.outputDir, { recursive: true });
  await writeFile(join(suite.outputDir, SUITE_FILES.summary), suiteSummaryCsv(result));
  await writeFile(join(suite.outputDir, SUITE_FILES.result), `${JSON.stringify(result, null, 2)}\n`);
  logger.info({ reconciled: result.reconciled, tables: results.length, ms: result.durationMs }, 'suite finished');
  return result;
}

function tableSummary(table: SuiteTable, r: ReconResult): SuiteTableResult {
  return {
    name: table.name,
    dir: table.folder,
    status: r.reconciled ? 'RECONCILED' : 'NOT RECONCILED',
    matchRate: r.matchRate,
    sourceRows: r.rowCount.source,
    targetRows: r.rowCount.target,
    mismatchedRows: r.hash.mismatchedRows,
    sourceOnly: r.keys.sourceOnly,
    targetOnly: r.keys.targetOnly,
    duplicateKeysSource: r.keys.duplicateKeysSource,
    duplicateKeysTarget: r.keys.duplicateKeysTarget,
    failedChecks: r.summary.filter((s) => s.status === 'FAIL' || s.status === 'ERROR').map((s) => s.check),
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    durationMs: r.durationMs,
  };
}

function failedTable(table: SuiteTable, startedAt: string, error: string): SuiteTableResult {
  const finishedAt = new Date().toISOString();
  return {
    name: table.name,
    dir: table.folder,
    status: 'ERROR',
    matchRate: null,
    sourceRows: null,
    targetRows: null,
    mismatchedRows: null,
    sourceOnly: null,
    targetOnly: null,
    duplicateKeysSource: null,
    duplicateKeysTarget: null,
    failedChecks: [],
    startedAt,
    finishedAt,
    durationMs: Date.parse(finishedAt) - Date.parse(startedAt),
    error,
  };
}

/** suite-summary.csv: one row per table. */
export function suiteSummaryCsv(suite: SuiteResult): string {
  return toCsv(
    [
      'table',
      'status',
      'match_rate_pct',
      'source_rows',
      'target_rows',
      'mismatched_rows',
      'source_only',
      'target_only',
      'duplicate_keys_source',
      'duplicate_keys_target',
      'failed_checks',
      'reports',
      'detail',
    ],
    suite.tables.map((t) => [
      t.name,
      t.status,
      t.matchRate === null ? null : Number(t.matchRate.toFixed(4)),
      t.sourceRows,
      t.targetRows,
      t.mismatchedRows,
      t.sourceOnly,
      t.targetOnly,
      t.duplicateKeysSource,
      t.duplicateKeysTarget,
      t.failedChecks.join(' '),
      t.dir,
      t.error ?? '',
    ]),
  );
}

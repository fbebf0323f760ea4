/**
 * @coattail/recon — source-vs-target reconciliation on DuckDB.
 *
 * Five layers (row counts, schema, nulls, aggregates, keys + row hashes with per-column
 * attribution) run as SQL inside an in-process DuckDB; only aggregates reach JavaScript.
 *
 * @example
 * import { loadReconConfig, reconcile } from '@coattail/recon';
 *
 * const config = await loadReconConfig('recon.yaml');
 * const result = await reconcile(config, { logger });
 * console.log(result.reconciled, result.matchRate);
 */
export {
  reconConfigSchema,
  inputSchema,
  type ReconConfig,
  type ReconConfigInput,
  type InputConfig,
} from './config/recon-config.js';
export { loadReconConfig, parseReconConfig, defineReconConfig } from './config/load-config.js';
export {
  loadReconConfigFile,
  parseReconSuite,
  reconSuiteSchema,
  tableFolder,
  type ReconConfigFile,
  type ReconSuite,
  type SuiteTable,
} from './config/suite-config.js';
export { runReconSuite, suiteSummaryCsv, SUITE_FILES, type SuiteOptions } from './suite/run-suite.js';
export { reconcile, type ReconcileOptions } from './engine/reconcile.js';
export { prepareRecon, type ReconContext } from './engine/recon-context.js';
export { getRowCount, compareNulls, compareAggregates } from './engine/volume-and-profile-checks.js';
export { compareSchema } from './engine/schema-check.js';
export { primaryKeyMismatch } from './engine/primary-key.js';
export { hashComparison } from './engine/hash-comparison.js';
export { DuckSession, type DuckSessionOptions } from './engine/duck-session.js';
export { registerInputResolver, type InputResolver } from './engine/inputs.js';
export { icebergInputResolver, type IcebergInputOptions, type WarehouseStore } from './engine/iceberg-input.js';
export { typeFamily, typeCompatibility, type TypeFamily } from './engine/type-families.js';
export {
  generateGoldenDataset,
  goldenConfig,
  type GoldenOptions,
  type GoldenDataset,
} from './generator/generate-golden.js';
export { expectedFindings, INDUCED_KINDS, type ExpectedFindings, type InducedKind } from './generator/golden-plan.js';
export { runReconciliation, writeReports, writeResultJson, REPORT_FILES } from './reports/write-reports.js';
export { formatSummary, formatSuiteSummary } from './reports/console-summary.js';
export { writeExcelReport, EXCEL_SHEETS } from './reports/excel.js';
export { summaryCsv } from './reports/csv.js';
export { EXPORT_FILES } from './reports/exports.js';
export { serveDashboard, type DashboardOptions, type DashboardServer } from './dashboard/server.js';
export { quoteIdent, quoteLiteral, quoteLiteralList } from './sql/quote.js';
export type * from './result/types.js';
export type * from './result/suite-types.js';
export {
  ReconError,
  ReconConfigError,
  ReconInputError,
  ReconResultFileError,
  type ReconErrorCode,
  type ReconErrorDomain,
} from './errors.js';
export { readReconResult, readSuiteResult } from './result/read-result.js';

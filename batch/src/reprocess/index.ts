/** Reprocessing of volume anomalies with Iceberg time travel (re-exported by the package index). */
export {
  reprocessAnomalies,
  originalAnomalies,
  resolveSnapshot,
  reprocessedRow,
  type ReprocessOptions,
  type ReprocessResult,
} from './reprocess-anomalies.js';
export {
  compareAnomalies,
  comparisonCsv,
  comparisonWorkbook,
  writeComparisonReports,
  comparisonSummary,
  COMPARISON_SHEETS,
  type AnomalyComparison,
  type ComparedAnomaly,
  type MatchedAnomaly,
} from './comparison.js';

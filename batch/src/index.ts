/**
 * @coattail/batch — the platform's batch jobs: the historical loader (Binance archives and REST
 * pages → raw_trades, incremental and resumable), anomaly reprocessing from an Iceberg snapshot,
 * and the schema-evolution demo. The file data-quality service lives in `@coattail/file-quality`.
 */

// Historical loader: Binance daily trade archives and REST historicalTrades (aggTrades on request) → raw_trades, incremental and resumable.
export {
  BinanceRestClient,
  BINANCE_REST_URL,
  MAX_PAGE_SIZE,
  ENDPOINT_WEIGHT,
  tradePages,
  mergeRanges,
  missingRanges,
  readCoverage,
  coverageKey,
  formatRange,
  planHistoricalLoad,
  runHistoricalLoad,
  rawTradeRow,
  resolveSource,
  fetchedTradeRow,
  aggregateEventId,
  AGGREGATE_ID_PREFIX,
  sourcePages,
  utcDays,
  TRADE_SOURCES,
  BinanceArchiveClient,
  BINANCE_ARCHIVE_URL,
  dailyTradesPath,
  parseArchiveLine,
  progressReporter,
  silentProgress,
  BatchJobError,
  BinanceApiError,
} from './historical/index.js';
export type {
  AggTrade,
  HistoricalTrade,
  BinanceRestClientOptions,
  RestStats,
  TradeEndpoint,
  FetchedTrade,
  TradeSource,
  BinanceArchiveClientOptions,
  ArchiveStats,
  ArchiveLine,
  TimeRange,
  HistoricalLoadOptions,
  SymbolPlan,
  SymbolLoadResult,
  ProgressReporter,
  LoadProgress,
  BatchJobErrorCode,
  BatchJobDomain,
} from './historical/index.js';

// Reprocessing: raw_trades as of a snapshot/time → the stream job's anomaly operators → anomalies_reprocessed + comparison.
export {
  reprocessAnomalies,
  originalAnomalies,
  resolveSnapshot,
  reprocessedRow,
  compareAnomalies,
  comparisonCsv,
  comparisonWorkbook,
  writeComparisonReports,
  comparisonSummary,
  COMPARISON_SHEETS,
} from './reprocess/index.js';
export type {
  ReprocessOptions,
  ReprocessResult,
  AnomalyComparison,
  ComparedAnomaly,
  MatchedAnomaly,
} from './reprocess/index.js';

// Schema evolution demo: add a column, old rows read NULL, no Parquet file rewritten.
export { runSchemaEvolutionDemo, storedDataFiles } from './schema-evolution/index.js';
export type { SchemaEvolutionOptions, SchemaEvolutionReport, StoredFile } from './schema-evolution/index.js';

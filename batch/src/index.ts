/**
 * @coattail/batch — batch work of the platform. Today: the file data-quality scoring service
 * S3 object events → checks, score and profile (`@coattail/quality`) → Postgres
 * `reporting.*` tables. The historical loader, reprocessing and schema-evolution jobs join here.
 *
 * @example
 * import { createFileQualityService, loadFileQualityConfig, replayEventsFile } from '@coattail/batch';
 * const service = await createFileQualityService(loadFileQualityConfig(process.env), { logger });
 * const summary = await replayEventsFile('events.json', service.processor);
 * await service.close();
 */

// File data-quality service: wiring and configuration.
export {
  createFileQualityService,
  type FileQualityService,
  type FileQualityServiceDeps,
} from './file-quality/service.js';
export { loadFileQualityConfig, fileQualityEnvSchema, type FileQualityConfig } from './file-quality/config.js';
export {
  FileQualityProcessor,
  type FileQualityProcessorOptions,
  type ProcessResult,
} from './file-quality/processor.js';
export { resolveRunWindow, type RunWindow, type TimeWindowSource } from './file-quality/time-window.js';

// Inputs.
export { parseS3Events, decodeS3Key, type ObjectEvent } from './file-quality/input/s3-events.js';
export {
  compileKeyPattern,
  matchKey,
  DEFAULT_KEY_PATTERN,
  type KeyInfo,
  type KeyPattern,
} from './file-quality/input/key-pattern.js';
export {
  s3ObjectFetcher,
  objectStoreFetcher,
  type ObjectFetcher,
  type FetchedObject,
} from './file-quality/input/object-fetcher.js';
export { replayEventsFile } from './file-quality/input/replay.js';
export { runEvents, type BatchSummary, type EventOutcome } from './file-quality/input/run-events.js';
export { SqsEventConsumer, type SqsEventConsumerOptions, type PollSummary } from './file-quality/input/sqs-consumer.js';
export {
  startWebhookServer,
  type WebhookServer,
  type WebhookServerOptions,
} from './file-quality/input/webhook-server.js';

// Parsing.
export {
  ParserRegistry,
  csvParser,
  tsvParser,
  jsonlParser,
  parquetParser,
  type FileParser,
} from './file-quality/parsing/parser-registry.js';
export {
  analyzeFile,
  ParseFailure,
  type AnalyzeOptions,
  type FileAnalysis,
} from './file-quality/parsing/file-analyzer.js';

// Postgres.
export {
  openDatabase,
  pgDatabase,
  pgliteDatabase,
  redactUrl,
  type Database,
  type SqlExecutor,
  type OpenDatabaseOptions,
} from './file-quality/db/database.js';
export { migrateReporting, DEFAULT_POSTGRES_DDL_DIR, type MigrationResult } from './file-quality/db/migrate.js';
export {
  ReportingRepository,
  type MonitoringFileRow,
  type RunInput,
  type RunResults,
  type LatestScoreMode,
} from './file-quality/db/reporting-repository.js';

// Observability.
export {
  FileQualityMetrics,
  emfLine,
  scoreBucket,
  EMF_NAMESPACE,
  type FileObservation,
  type FileOutcome,
} from './file-quality/observability/file-quality-metrics.js';

export {
  BatchError,
  BatchConfigError,
  EventFormatError,
  DatabaseError,
  describeError,
  type BatchErrorCode,
  type BatchErrorDomain,
} from './errors.js';

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

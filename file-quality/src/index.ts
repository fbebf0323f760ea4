/**
 * @coattail/file-quality — the file data-quality scoring service: S3 object events (SQS, a
 * webhook, or a replayed events file) → parse with DuckDB → checks, score and profile
 * (`@coattail/quality`) → Postgres `reporting.*` tables. A long-running service, deployed as its
 * own ECS service; `coattail dq` runs it.
 *
 * @example
 * import { createFileQualityService, loadFileQualityConfig, replayEventsFile } from '@coattail/file-quality';
 * const service = await createFileQualityService(loadFileQualityConfig(process.env), { logger });
 * const summary = await replayEventsFile('events.json', service.processor);
 * await service.close();
 */

// File data-quality service: wiring and configuration.
export { createFileQualityService, type FileQualityService, type FileQualityServiceDeps } from './service.js';
export { loadFileQualityConfig, fileQualityEnvSchema, type FileQualityConfig } from './config.js';
export { FileQualityProcessor, type FileQualityProcessorOptions, type ProcessResult } from './processor.js';
export { resolveRunWindow, type RunWindow, type TimeWindowSource } from './time-window.js';

// Inputs.
export { parseS3Events, decodeS3Key, type ObjectEvent } from './input/s3-events.js';
export {
  compileKeyPattern,
  matchKey,
  DEFAULT_KEY_PATTERN,
  type KeyInfo,
  type KeyPattern,
} from './input/key-pattern.js';
export { s3ObjectFetcher, objectStoreFetcher, type ObjectFetcher, type FetchedObject } from './input/object-fetcher.js';
export { replayEventsFile } from './input/replay.js';
export { runEvents, type BatchSummary, type EventOutcome } from './input/run-events.js';
export { SqsEventConsumer, type SqsEventConsumerOptions, type PollSummary } from './input/sqs-consumer.js';
export { startWebhookServer, type WebhookServer, type WebhookServerOptions } from './input/webhook-server.js';

// Parsing.
export {
  ParserRegistry,
  csvParser,
  tsvParser,
  jsonlParser,
  parquetParser,
  type FileParser,
} from './parsing/parser-registry.js';
export { analyzeFile, ParseFailure, type AnalyzeOptions, type FileAnalysis } from './parsing/file-analyzer.js';

// Postgres.
export {
  openDatabase,
  pgDatabase,
  pgliteDatabase,
  redactUrl,
  type Database,
  type SqlExecutor,
  type OpenDatabaseOptions,
} from './db/database.js';
export { migrateReporting, DEFAULT_POSTGRES_DDL_DIR, type MigrationResult } from './db/migrate.js';
export {
  ReportingRepository,
  type MonitoringFileRow,
  type RunInput,
  type RunResults,
  type LatestScoreMode,
} from './db/reporting-repository.js';

// Observability.
export {
  FileQualityMetrics,
  emfLine,
  scoreBucket,
  EMF_NAMESPACE,
  type FileObservation,
  type FileOutcome,
} from './observability/file-quality-metrics.js';

export {
  FileQualityError,
  FileQualityConfigError,
  EventFormatError,
  DatabaseError,
  describeError,
  type FileQualityErrorCode,
  type FileQualityErrorDomain,
} from './errors.js';

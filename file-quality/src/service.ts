import { SQSClient } from '@aws-sdk/client-sqs';
import { createS3Client } from '@coattail/connectors';
import { noopMetrics, silentLogger, type Logger, type Metrics } from '@coattail/runtime';
import { FileQualityConfigError } from './errors.js';
import type { FileQualityConfig } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { migrateReporting } from './db/migrate.js';
import { s3ObjectFetcher } from './input/object-fetcher.js';
import { SqsEventConsumer } from './input/sqs-consumer.js';
import { FileQualityProcessor } from './processor.js';

/** A wired service: database, processor, and how to close both. */
export interface FileQualityService {
  readonly db: Database;
  readonly processor: FileQualityProcessor;
  /** An SQS consumer for `config.sqs.queueUrl`; throws a config error when it is not set. */
  sqsConsumer(): SqsEventConsumer;
  close(): Promise<void>;
}

/** Process-level wiring around the service. */
export interface FileQualityServiceDeps {
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  readonly emitEmf?: (line: string) => void;
  /** Apply `ddl/postgres` first (always done for the embedded PGlite, which starts empty). @default false */
  readonly migrate?: boolean;
}

/**
 * Wires the service from its configuration: Postgres (or PGlite), the S3 client, the processor.
 *
 * @example
 * const service = await createFileQualityService(loadFileQualityConfig(), { logger });
 * await replayEventsFile('events.json', service.processor);
 * await service.close();
 */
export async function createFileQualityService(
  config: FileQualityConfig,
  deps: FileQualityServiceDeps = {},
): Promise<FileQualityService> {
  const logger = deps.logger ?? silentLogger;
  const db = await openDatabase({
    ...(config.databaseUrl === undefined ? {} : { url: config.databaseUrl }),
    ...(config.pgliteDir === undefined ? {} : { pgliteDir: config.pgliteDir }),
  });
  if (deps.migrate === true || config.databaseUrl === undefined) {
    const { applied } = await migrateReporting(db);
    if (applied.length > 0) logger.info({ applied, database: db.description }, 'reporting schema migrated');
  }
  const s3 = createS3Client({
    region: config.s3.region,
    ...(config.s3.endpoint === undefined ? {} : { endpoint: config.s3.endpoint }),
    ...(config.s3.credentials === undefined ? {} : { credentials: config.s3.credentials }),
  });
  const processor = new FileQualityProcessor({
    db,
    fetcher: s3ObjectFetcher(s3),
    keyPatterns: config.keyPatterns,
    monitoringFileMode: config.monitoringFileMode,
    timeWindow: config.timeWindow,
    latestScore: config.latestScore,
    failedValidationRows: config.failedValidationRows,
    profile: config.profile,
    ...(config.workDir === undefined ? {} : { workDir: config.workDir }),
    ...(config.duckMemoryLimit === undefined ? {} : { duckMemoryLimit: config.duckMemoryLimit }),
    ...(config.duckThreads === undefined ? {} : { duckThreads: config.duckThreads }),
    logger,
    metrics: deps.metrics ?? noopMetrics,
    ...(deps.emitEmf === undefined ? {} : { emitEmf: deps.emitEmf }),
  });
  let sqs: SQSClient | undefined;
  return {
    db,
    processor,
    sqsConsumer() {
      const queueUrl = config.sqs.queueUrl;
      if (queueUrl === undefined)
        throw new FileQualityConfigError(
          'POLL_QUEUE_URL is not set: give the SQS queue that receives the S3 notifications',
        );
      sqs ??= new SQSClient({
        region: config.s3.region,
        ...(config.sqs.endpoint === undefined ? {} : { endpoint: config.sqs.endpoint }),
      });
      return new SqsEventConsumer({
        client: sqs,
        queueUrl,
        processor,
        waitTimeSeconds: config.sqs.waitTimeSeconds,
        maxMessages: config.sqs.maxMessages,
        ...(config.sqs.visibilityTimeoutSeconds === undefined
          ? {}
          : { visibilityTimeoutSeconds: config.sqs.visibilityTimeoutSeconds }),
        concurrency: config.concurrency,
        logger,
      });
    },
    async close() {
      await processor.close();
      s3.destroy();
      sqs?.destroy();
      await db.close();
    },
  };
}

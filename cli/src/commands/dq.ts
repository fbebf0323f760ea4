import { access, readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { port, positiveInteger } from '../options.js';
import pino from 'pino';
import {
  ParseFailure,
  ParserRegistry,
  analyzeFile,
  createFileQualityService,
  loadFileQualityConfig,
  migrateReporting,
  openDatabase,
  replayEventsFile,
  startWebhookServer,
  type FileQualityConfig,
} from '@coattail/file-quality';
import {
  EMPTY_SCHEMA_DEFINITION,
  assessFile,
  assessParseFailure,
  buildProfilePayload,
  parseSchemaDefinition,
} from '@coattail/quality';
import { DuckDBInstance } from '@duckdb/node-api';

/**
 * Structured logs: JSON lines with `level` (a label) and `ts` (ISO time), plus the
 * bucket, key, monitoring_file_id, monitoring_file_run_id and error the service binds. On stderr,
 * so stdout carries results and CloudWatch embedded metrics.
 */
function logger(config: Pick<FileQualityConfig, 'logLevel'>): pino.Logger {
  return pino(
    {
      level: config.logLevel,
      base: undefined,
      timestamp: () => `,"ts":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination(2),
  );
}

const emfToStdout = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** `coattail dq migrate|replay|serve|poll|score`: the file data-quality scoring service. */
export function registerDq(program: Command): void {
  const dq = program
    .command('dq')
    .description(
      'file data-quality scoring: S3 object events → checks, score and profile → Postgres reporting.* (env: DATABASE_URL, S3_ENDPOINT, S3_REGION, POLL_QUEUE_URL, LOG_LEVEL, DQ_*)',
    );

  dq.command('migrate')
    .description('create or upgrade the reporting.* tables in DATABASE_URL (idempotent)')
    .action(async () => {
      const config = loadFileQualityConfig();
      if (config.databaseUrl === undefined)
        throw new Error('DATABASE_URL is not set: migrate needs the Postgres to create reporting.* in');
      const db = await openDatabase({ url: config.databaseUrl });
      try {
        const { applied, skipped } = await migrateReporting(db);
        console.log(
          applied.length === 0
            ? `reporting schema up to date (${skipped.length} migrations)`
            : `applied: ${applied.join(', ')}`,
        );
      } finally {
        await db.close();
      }
    });

  dq.command('replay')
    .description(
      'process the S3 events of a JSON or JSONL file (the simplified {bucket, key} shape, S3 notifications, or arrays); exit code 1 when one failed',
    )
    .argument('<events>', 'events file')
    .option('-c, --concurrency <n>', 'events processed at once', positiveInteger, 1)
    .option('--migrate', 'apply ddl/postgres first')
    .option('--emf', 'also print one CloudWatch embedded-metric line per file on stdout')
    .action(async (events: string, options: { concurrency: number; migrate?: boolean; emf?: boolean }) => {
      const config = loadFileQualityConfig();
      const service = await createFileQualityService(config, {
        logger: logger(config),
        migrate: options.migrate === true,
        ...(options.emf === true ? { emitEmf: emfToStdout } : {}),
      });
      try {
        const summary = await replayEventsFile(events, service.processor, { concurrency: options.concurrency });
        for (const o of summary.outcomes) {
          const detail =
            o.status === 'failed'
              ? o.error
              : o.status === 'skipped'
                ? o.message
                : `score ${o.score}${o.passed ? '' : ' (not passed)'}, run ${o.runId}`;
          console.log(`${o.status.padEnd(12)} s3://${o.bucket}/${o.key}: ${detail}`);
        }
        console.log(
          `${summary.scored} scored, ${summary.parseFailed} parse failures, ${summary.skipped} skipped, ${summary.failed} failed`,
        );
        process.exitCode = summary.failed > 0 ? 1 : 0;
      } finally {
        await service.close();
      }
    });

  dq.command('serve')
    .description('HTTP webhook: POST /events with S3 event notifications')
    .option('-p, --port <port>', 'port (0 = any free port)', port, 8788)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--migrate', 'apply ddl/postgres first')
    .option('--no-emf', 'do not print CloudWatch embedded-metric lines on stdout')
    .action(async (options: { port: number; host: string; migrate?: boolean; emf: boolean }) => {
      const config = loadFileQualityConfig();
      const log = logger(config);
      const service = await createFileQualityService(config, {
        logger: log,
        migrate: options.migrate === true,
        ...(options.emf ? { emitEmf: emfToStdout } : {}),
      });
      const server = await startWebhookServer({
        processor: service.processor,
        port: options.port,
        host: options.host,
        concurrency: config.concurrency,
        logger: log,
      });
      console.error(`file-quality webhook: ${server.url}/events (Ctrl-C to stop)`);
      const stop = (): void => void server.close().then(() => service.close());
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

  dq.command('poll')
    .description('long-poll the SQS queue POLL_QUEUE_URL for S3 event notifications')
    .option('--migrate', 'apply ddl/postgres first')
    .option('--no-emf', 'do not print CloudWatch embedded-metric lines on stdout')
    .action(async (options: { migrate?: boolean; emf: boolean }) => {
      const config = loadFileQualityConfig();
      const service = await createFileQualityService(config, {
        logger: logger(config),
        migrate: options.migrate === true,
        ...(options.emf ? { emitEmf: emfToStdout } : {}),
      });
      const consumer = service.sqsConsumer();
      process.once('SIGINT', () => consumer.stop());
      process.once('SIGTERM', () => consumer.stop());
      try {
        await consumer.run();
      } finally {
        await service.close();
      }
    });

  dq.command('score')
    .description('score one local file without a database: prints the quality row (and profile) as JSON')
    .argument('<file>', 'CSV, TSV, JSONL or Parquet file')
    .option(
      '-d, --definition <json>',
      'schema definition JSON file (the monitoring_file_schema_definition.definition shape)',
    )
    .option('--profile', 'print the profile payload too')
    .action(async (file: string, options: { definition?: string; profile?: boolean }) => {
      const definition =
        options.definition === undefined
          ? EMPTY_SCHEMA_DEFINITION
          : parseSchemaDefinition(await readFile(options.definition, 'utf8'));
      await access(file).catch(() => {
        throw new Error(`cannot read '${file}': no such file (give the path of a CSV, TSV, JSONL or Parquet file)`);
      });
      const parser = ParserRegistry.withDefaults().require(file);
      const duck = await DuckDBInstance.create(':memory:');
      try {
        const analysis = await analyzeFile(duck, file, parser, definition).catch((error: unknown) => {
          if (error instanceof ParseFailure) return error;
          throw error;
        });
        if (analysis instanceof ParseFailure) {
          console.log(JSON.stringify(assessParseFailure(parser.label, analysis.message), null, 2));
          process.exitCode = 2;
          return;
        }
        const quality = assessFile(analysis.facts, definition);
        const out =
          options.profile === true
            ? { ...quality, profile: buildProfilePayload(analysis.profile, analysis.facts, definition) }
            : quality;
        console.log(JSON.stringify(out, null, 2));
        process.exitCode = quality.passed ? 0 : 2;
      } finally {
        duck.closeSync();
      }
    });
}

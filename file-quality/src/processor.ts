import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  EMPTY_SCHEMA_DEFINITION,
  SchemaDefinitionError,
  assessFile,
  assessParseFailure,
  buildProfilePayload,
  parseSchemaDefinition,
  type ProfileOptions,
  type ProfilePayload,
  type QualityAssessment,
  type SchemaDefinition,
} from '@coattail/quality';
import { silentLogger, type Logger, type Metrics } from '@coattail/runtime';
import { FileQualityError, describeError } from './errors.js';
import type { Database } from './db/database.js';
import { ReportingRepository, type LatestScoreMode, type MonitoringFileRow } from './db/reporting-repository.js';
import { DEFAULT_KEY_PATTERN, compileKeyPattern, matchKey, type KeyPattern } from './input/key-pattern.js';
import type { ObjectFetcher } from './input/object-fetcher.js';
import type { ObjectEvent } from './input/s3-events.js';
import { FileQualityMetrics } from './observability/file-quality-metrics.js';
import { ParseFailure, analyzeFile } from './parsing/file-analyzer.js';
import { ParserRegistry } from './parsing/parser-registry.js';
import type { ProcessResult } from './process-result.js';
import { resolveRunWindow, type TimeWindowSource } from './time-window.js';

export type { ProcessResult } from './process-result.js';

/** Options of {@link FileQualityProcessor}; only `db` and `fetcher` are required. */
export interface FileQualityProcessorOptions {
  readonly db: Database;
  readonly fetcher: ObjectFetcher;
  /** Shared DuckDB; one is created (and closed by `close()`) when absent. */
  readonly duck?: DuckDBInstance;
  /** @default ParserRegistry.withDefaults() */
  readonly parsers?: ParserRegistry;
  /** Tried in order. @default [DEFAULT_KEY_PATTERN] */
  readonly keyPatterns?: readonly string[];
  /** Unknown (agency, file): create a monitoring_file, or skip with a warning. @default 'auto-create' */
  readonly monitoringFileMode?: 'auto-create' | 'strict';
  /** @default 'last-modified' */
  readonly timeWindow?: TimeWindowSource;
  /** @default { kind: 'latest' } */
  readonly latestScore?: LatestScoreMode;
  /** Write monitoring_file_failed_validation rows. @default true */
  readonly failedValidationRows?: boolean;
  /** Write monitoring_file_data_profile, with these caps. @default true */
  readonly profile?: boolean | ProfileOptions;
  /** Where objects are downloaded (one sub-folder per file, removed after). @default os.tmpdir() */
  readonly workDir?: string;
  /** DuckDB memory limit, e.g. '1GB' (DuckDB spills to workDir past it). */
  readonly duckMemoryLimit?: string;
  readonly duckThreads?: number;
  readonly logger?: Logger;
  readonly metrics?: Metrics;
  /** Receives one CloudWatch embedded-metric JSON line per file (stdout in production). */
  readonly emitEmf?: (line: string) => void;
  readonly now?: () => Date;
}

/**
 * The processing flow for one object event: parse the key, resolve the monitoring file,
 * download, upsert the run, parse and check, score, profile, persist, update the latest score;
 * with structured logs (bucket, key, monitoring_file_id, monitoring_file_run_id, error) and
 * metrics. Idempotent: the same event again updates the same rows.
 *
 * @example
 * const processor = new FileQualityProcessor({ db, fetcher: s3ObjectFetcher(s3) });
 * for (const event of parseS3Events(body)) await processor.process(event);
 * await processor.close();
 */
export class FileQualityProcessor {
  readonly #o: FileQualityProcessorOptions;
  readonly #repo: ReportingRepository;
  readonly #patterns: KeyPattern[];
  readonly #parsers: ParserRegistry;
  readonly #metrics: FileQualityMetrics;
  readonly #log: Logger;
  #duck: Promise<DuckDBInstance> | undefined;

  constructor(options: FileQualityProcessorOptions) {
    this.#o = options;
    this.#repo = new ReportingRepository(options.db);
    this.#patterns = (options.keyPatterns ?? [DEFAULT_KEY_PATTERN]).map(compileKeyPattern);
    this.#parsers = options.parsers ?? ParserRegistry.withDefaults();
    this.#metrics = new FileQualityMetrics(options.metrics, options.emitEmf);
    this.#log = (options.logger ?? silentLogger).child({ component: 'file-quality' });
    this.#duck = options.duck === undefined ? undefined : Promise.resolve(options.duck);
  }

  /** Processes one event; throws a {@link FileQualityError} (see `retryable`) when it could not finish. */
  async process(event: ObjectEvent): Promise<ProcessResult> {
    const started = performance.now();
    const log = this.#log.child({ bucket: event.bucket, key: event.key });
    let agencySlug: string | undefined;
    try {
      const result = await this.#process(event, log, (slug) => (agencySlug = slug));
      const score = result.status === 'skipped' ? undefined : result.score;
      this.#metrics.record({
        outcome: result.status,
        latencyMs: performance.now() - started,
        bucket: event.bucket,
        key: event.key,
        ...(agencySlug === undefined ? {} : { agencySlug }),
        ...(score === undefined ? {} : { score }),
      });
      return result;
    } catch (error) {
      this.#metrics.record({
        outcome: 'failed',
        latencyMs: performance.now() - started,
        bucket: event.bucket,
        key: event.key,
        ...(agencySlug === undefined ? {} : { agencySlug }),
      });
      const retryable = error instanceof FileQualityError ? error.retryable : true;
      log.error({ error: describeError(error), retryable }, 'file not processed');
      throw error;
    }
  }

  async #process(event: ObjectEvent, log: Logger, onAgency: (slug: string) => void): Promise<ProcessResult> {
    const info = matchKey(this.#patterns, event.key);
    if (info === undefined) {
      const message = `key matches no pattern (${this.#patterns.map((p) => p.source).join(' | ')})`;
      log.warn({ reason: 'key_unmatched' }, message);
      return { status: 'skipped', bucket: event.bucket, key: event.key, reason: 'key_unmatched', message };
    }
    onAgency(info.agencySlug);
    const file = await this.#resolveFile(info.agencySlug, info.fileName, log);
    if (file === undefined) {
      const message = `no monitoring_file for agency '${info.agencySlug}' and file '${info.fileName}' (strict lookup)`;
      log.warn({ reason: 'unknown_file', agency_slug: info.agencySlug, file_name: info.fileName }, message);
      return { status: 'skipped', bucket: event.bucket, key: event.key, reason: 'unknown_file', message };
    }
    const fileLog = log.child({ monitoring_file_id: file.id });
    const dir = join(this.#o.workDir ?? tmpdir(), `dq-${randomUUID()}`);
    await mkdir(dir, { recursive: true });
    try {
      const path = join(dir, basename(event.key) || 'object');
      const fetched = await this.#o.fetcher.download(event.bucket, event.key, path);
      const lastModified = event.lastModified ?? fetched.lastModified;
      const now = (this.#o.now ?? (() => new Date()))();
      const window = resolveRunWindow(info, lastModified, event.eventTime, now, this.#o.timeWindow);
      const run = await this.#repo.upsertRun({
        monitoringFileId: file.id,
        runDate: window.runDate,
        runHour: window.runHour,
        fileLastModified: lastModified ?? event.eventTime ?? now,
        fileSize: fetched.size || (event.size ?? 0),
        fileRangeLowerLimit: window.fileRangeLowerLimit,
        agencyId: info.agencyId ?? null,
      });
      const runLog = fileLog.child({ monitoring_file_run_id: run.id });
      runLog.debug(
        { run_date: window.runDate, run_hour: window.runHour, decided_by: window.decidedBy, created: run.created },
        'run upserted',
      );
      const { quality, profile, rows, parseError } = await this.#score(path, event.key, fetched.contentType, file);
      const written = await this.#repo.writeResults(
        { id: run.id, monitoringFileId: file.id, runDate: window.runDate, runHour: window.runHour },
        {
          quality,
          ...(profile === undefined ? {} : { profile }),
          failedValidationRows: this.#o.failedValidationRows ?? true,
          latestScore: this.#o.latestScore ?? { kind: 'latest' },
        },
      );
      const status = parseError === undefined ? 'scored' : 'parse_failed';
      const fields = {
        score: quality.score,
        passed: quality.passed,
        rows,
        deductions: quality.deductions,
        latest_score: written.latestScore,
      };
      if (parseError === undefined) runLog.info(fields, 'file scored');
      else runLog.warn({ ...fields, error: parseError }, 'file could not be parsed');
      return {
        status,
        bucket: event.bucket,
        key: event.key,
        monitoringFileId: file.id,
        runId: run.id,
        runCreated: run.created,
        runDate: window.runDate,
        runHour: window.runHour,
        score: quality.score,
        passed: quality.passed,
        latestScore: written.latestScore,
        rows,
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async #resolveFile(agencySlug: string, fileName: string, log: Logger): Promise<MonitoringFileRow | undefined> {
    const found = await this.#repo.findMonitoringFile(agencySlug, fileName);
    if (found !== undefined || this.#o.monitoringFileMode === 'strict') return found;
    const { file, created } = await this.#repo.ensureMonitoringFile(agencySlug, fileName);
    if (created)
      log.info(
        { monitoring_file_id: file.id, agency_slug: agencySlug, file_name: fileName },
        'monitoring file created',
      );
    return file;
  }

  async #score(
    path: string,
    key: string,
    contentType: string | undefined,
    file: MonitoringFileRow,
  ): Promise<{ quality: QualityAssessment; profile?: ProfilePayload; rows: number | null; parseError?: string }> {
    const parser = this.#parsers.resolve(key, contentType);
    if (parser === undefined) {
      const error = `no parser for this object (known endings: ${this.#parsers.parsers.flatMap((p) => p.extensions).join(', ')})`;
      return { quality: assessParseFailure('file', error), rows: null, parseError: error };
    }
    let definition: SchemaDefinition = EMPTY_SCHEMA_DEFINITION;
    let invalidDefinition: string | undefined;
    if (file.definition !== null) {
      try {
        definition = parseSchemaDefinition(file.definition);
      } catch (error) {
        if (!(error instanceof SchemaDefinitionError)) throw error;
        invalidDefinition = error.message;
      }
    }
    const profileOptions =
      this.#o.profile === false
        ? undefined
        : this.#o.profile === true || this.#o.profile === undefined
          ? {}
          : this.#o.profile;
    try {
      const analysis = await analyzeFile(await this.#duckdb(), path, parser, definition, {
        ...(profileOptions?.sampleRows === undefined ? {} : { sampleRows: profileOptions.sampleRows }),
        ...(profileOptions?.distributionItems === undefined
          ? {}
          : { distributionItems: profileOptions.distributionItems }),
      });
      const quality = assessFile(
        analysis.facts,
        definition,
        invalidDefinition === undefined ? {} : { invalidDefinition },
      );
      const profile =
        profileOptions === undefined
          ? undefined
          : buildProfilePayload(analysis.profile, analysis.facts, definition, profileOptions);
      return { quality, ...(profile === undefined ? {} : { profile }), rows: analysis.facts.rowCount };
    } catch (error) {
      if (!(error instanceof ParseFailure)) throw error;
      return { quality: assessParseFailure(parser.label, error.message), rows: null, parseError: error.message };
    }
  }

  #duckdb(): Promise<DuckDBInstance> {
    this.#duck ??= (async () => {
      const settings: Record<string, string> = { temp_directory: join(this.#o.workDir ?? tmpdir(), 'dq-duckdb-spill') };
      if (this.#o.duckMemoryLimit !== undefined) settings.memory_limit = this.#o.duckMemoryLimit;
      if (this.#o.duckThreads !== undefined) settings.threads = String(this.#o.duckThreads);
      return DuckDBInstance.create(':memory:', settings);
    })();
    return this.#duck;
  }

  /** Closes the DuckDB instance this processor created (not an injected one, nor the database). */
  async close(): Promise<void> {
    if (this.#o.duck === undefined && this.#duck !== undefined) (await this.#duck).closeSync();
    this.#duck = undefined;
  }
}

import { z } from 'zod';
import { FileQualityConfigError } from './errors.js';
import type { LatestScoreMode } from './db/reporting-repository.js';
import { DEFAULT_KEY_PATTERN, compileKeyPattern } from './input/key-pattern.js';
import type { TimeWindowSource } from './time-window.js';

const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * The service's environment. Every variable is optional; defaults in `.default()`.
 * `S3_ACCESS_KEY`/`S3_SECRET_KEY` are for CI and tests against s3rver or MinIO only: production
 * uses the task role (IAM).
 */
export const fileQualityEnvSchema = z
  .object({
    /** Postgres; absent → embedded PGlite (`DQ_PGLITE_DIR`, or memory). */
    DATABASE_URL: z.string().min(1).optional(),
    DQ_PGLITE_DIR: z.string().min(1).optional(),
    /** S3-compatible endpoint (s3rver, MinIO); absent → AWS. */
    S3_ENDPOINT: z.url().optional(),
    /** @default us-east-1 */
    S3_REGION: z.string().min(1).default('us-east-1'),
    S3_ACCESS_KEY: z.string().min(1).optional(),
    S3_SECRET_KEY: z.string().min(1).optional(),
    /** SQS queue of S3 notifications for `coattail dq poll`. */
    POLL_QUEUE_URL: z.url().optional(),
    /** SQS endpoint override (ElasticMQ, LocalStack). */
    SQS_ENDPOINT: z.url().optional(),
    /** @default 20 */
    SQS_WAIT_SECONDS: int(0, 20).default(20),
    /** @default 10 */
    SQS_MAX_MESSAGES: int(1, 10).default(10),
    SQS_VISIBILITY_TIMEOUT: int(0, 43_200).optional(),
    /** @default info */
    LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    /** Key patterns, `;`-separated, tried in order. @default DEFAULT_KEY_PATTERN */
    DQ_KEY_PATTERNS: z.string().min(1).default(DEFAULT_KEY_PATTERN),
    /** @default auto-create */
    DQ_MONITORING_FILE_MODE: z.enum(['auto-create', 'strict']).default('auto-create'),
    /** @default last-modified */
    DQ_TIME_WINDOW: z.enum(['last-modified', 'key']).default('last-modified'),
    /** `latest`, or `rolling:N` for the rounded mean of the newest N runs. @default latest */
    DQ_LATEST_SCORE: z
      .string()
      .regex(/^(latest|rolling:[1-9]\d*)$/, 'expected latest or rolling:N')
      .default('latest'),
    /** @default true */
    DQ_FAILED_VALIDATION_ROWS: flag.default(true),
    /** @default true */
    DQ_PROFILE: flag.default(true),
    /** 25–50. @default 25 */
    DQ_SAMPLE_ROWS: int(25, 50).default(25),
    /** 10–25. @default 10 */
    DQ_DISTRIBUTION_ITEMS: int(10, 25).default(10),
    /** Download and spill folder. @default the OS temp folder */
    DQ_WORK_DIR: z.string().min(1).optional(),
    DQ_DUCKDB_MEMORY_LIMIT: z.string().min(1).optional(),
    DQ_DUCKDB_THREADS: int(1, 256).optional(),
    /** Events processed at once. @default 2 */
    DQ_CONCURRENCY: int(1, 64).default(2),
  })
  .refine((env) => (env.S3_ACCESS_KEY === undefined) === (env.S3_SECRET_KEY === undefined), {
    message: 'set both S3_ACCESS_KEY and S3_SECRET_KEY, or neither',
    path: ['S3_SECRET_KEY'],
  });

/** The parsed configuration. */
export interface FileQualityConfig {
  readonly databaseUrl?: string;
  readonly pgliteDir?: string;
  readonly s3: {
    readonly endpoint?: string;
    readonly region: string;
    readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  };
  readonly sqs: {
    readonly queueUrl?: string;
    readonly endpoint?: string;
    readonly waitTimeSeconds: number;
    readonly maxMessages: number;
    readonly visibilityTimeoutSeconds?: number;
  };
  readonly logLevel: string;
  readonly keyPatterns: readonly string[];
  readonly monitoringFileMode: 'auto-create' | 'strict';
  readonly timeWindow: TimeWindowSource;
  readonly latestScore: LatestScoreMode;
  readonly failedValidationRows: boolean;
  readonly profile: false | { sampleRows: number; distributionItems: number };
  readonly workDir?: string;
  readonly duckMemoryLimit?: string;
  readonly duckThreads?: number;
  readonly concurrency: number;
}

/**
 * Reads the service's configuration from the environment, once, at the process boundary. Throws
 * a {@link FileQualityConfigError} listing every invalid variable.
 *
 * @example
 * const config = loadFileQualityConfig(process.env);
 */
export function loadFileQualityConfig(env: Record<string, string | undefined> = process.env): FileQualityConfig {
  const parsed = fileQualityEnvSchema.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')),
  );
  if (!parsed.success) {
    throw new FileQualityConfigError(
      `file-quality configuration is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`).join('; ')}`,
      parsed.error,
    );
  }
  const e = parsed.data;
  const keyPatterns = e.DQ_KEY_PATTERNS.split(';')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  keyPatterns.forEach(compileKeyPattern); // fail now, not at the first event
  return {
    ...(e.DATABASE_URL === undefined ? {} : { databaseUrl: e.DATABASE_URL }),
    ...(e.DQ_PGLITE_DIR === undefined ? {} : { pgliteDir: e.DQ_PGLITE_DIR }),
    s3: {
      region: e.S3_REGION,
      ...(e.S3_ENDPOINT === undefined ? {} : { endpoint: e.S3_ENDPOINT }),
      ...(e.S3_ACCESS_KEY === undefined || e.S3_SECRET_KEY === undefined
        ? {}
        : { credentials: { accessKeyId: e.S3_ACCESS_KEY, secretAccessKey: e.S3_SECRET_KEY } }),
    },
    sqs: {
      waitTimeSeconds: e.SQS_WAIT_SECONDS,
      maxMessages: e.SQS_MAX_MESSAGES,
      ...(e.POLL_QUEUE_URL === undefined ? {} : { queueUrl: e.POLL_QUEUE_URL }),
      ...(e.SQS_ENDPOINT === undefined ? {} : { endpoint: e.SQS_ENDPOINT }),
      ...(e.SQS_VISIBILITY_TIMEOUT === undefined ? {} : { visibilityTimeoutSeconds: e.SQS_VISIBILITY_TIMEOUT }),
    },
    logLevel: e.LOG_LEVEL,
    keyPatterns,
    monitoringFileMode: e.DQ_MONITORING_FILE_MODE,
    timeWindow: e.DQ_TIME_WINDOW,
    latestScore:
      e.DQ_LATEST_SCORE === 'latest'
        ? { kind: 'latest' }
        : { kind: 'rolling', runs: Number(e.DQ_LATEST_SCORE.split(':')[1]) },
    failedValidationRows: e.DQ_FAILED_VALIDATION_ROWS,
    profile: e.DQ_PROFILE ? { sampleRows: e.DQ_SAMPLE_ROWS, distributionItems: e.DQ_DISTRIBUTION_ITEMS } : false,
    ...(e.DQ_WORK_DIR === undefined ? {} : { workDir: e.DQ_WORK_DIR }),
    ...(e.DQ_DUCKDB_MEMORY_LIMIT === undefined ? {} : { duckMemoryLimit: e.DQ_DUCKDB_MEMORY_LIMIT }),
    ...(e.DQ_DUCKDB_THREADS === undefined ? {} : { duckThreads: e.DQ_DUCKDB_THREADS }),
    concurrency: e.DQ_CONCURRENCY,
  };
}

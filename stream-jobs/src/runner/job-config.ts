import { catalogConfigSchema, DEFAULT_WAREHOUSE_BUCKET } from '@coattail/iceberg';
import { z } from 'zod';

const list = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0),
);
const ms = z.coerce.number().int().positive();

/**
 * Configuration of a stream job, from the environment. Every field has a default that matches the
 * embedded local stack, so `coattail job <name>` runs with nothing set.
 */
export const jobConfigSchema = z.object({
  /** Kinesis stream the producer writes. */
  STREAM_NAME: z.string().default('coattail-trades'),
  /** Where a shard without a checkpoint starts: TRIM_HORIZON (everything kept) or LATEST. */
  STREAM_START: z.enum(['TRIM_HORIZON', 'LATEST']).default('TRIM_HORIZON'),
  ALERTS_TABLE: z.string().default('coattail-alerts'),
  /** Bucket of the DLQ (`dlq/{reason}/dt=…`). */
  RAW_BUCKET: z.string().default('coattail-raw'),
  WAREHOUSE_BUCKET: z.string().default(DEFAULT_WAREHOUSE_BUCKET),
  /** The Iceberg catalog (ICEBERG_CATALOG=local|glue, GLUE_ENDPOINT, GLUE_CATALOG_ID): shared by every job. */
  ...catalogConfigSchema.shape,
  CHECKPOINT_BUCKET: z.string().default('coattail-checkpoints'),
  CHECKPOINT_INTERVAL_MS: ms.default(30_000),
  /** With leases: how often shards are listed again and ownership re-checked. */
  SPLIT_DISCOVERY_MS: ms.default(5_000),
  /** With leases: a lease not renewed for this long is taken over by another worker. */
  LEASE_FAILOVER_MS: ms.default(10_000),
  /** Out-of-orderness bound of the watermarks. */
  OUT_OF_ORDERNESS_MS: z.coerce.number().int().nonnegative().default(5_000),
  /** A shard silent this long stops holding the watermark back. */
  IDLENESS_MS: ms.default(30_000),
  ALLOWED_SYMBOLS: list.default(['BTC-USDT', 'ETH-USDT', 'SOL-USDT']),
  ALLOWED_EXCHANGES: list.default(['binance', 'coinbase']),
  ANOMALY_WINDOW_MS: ms.default(60_000),
  ANOMALY_Z_THRESHOLD: z.coerce.number().positive().default(2.5),
  ANOMALY_MIN_HISTORY: z.coerce.number().int().positive().default(10),
  WHALE_THRESHOLD: z.coerce.number().positive().default(100_000),
  SPREAD_WINDOW_MS: ms.default(30_000),
  SPREAD_THRESHOLD_PCT: z.coerce.number().positive().default(0.5),
  /** How often the quality gate publishes RecordsProcessed/Failed/Late and QualityScore. */
  QUALITY_PUBLISH_MS: ms.default(60_000),
  /** Where the trades come from: `kinesis` (STREAM_NAME) or `kafka` (KAFKA_TOPIC on KAFKA_BROKERS). */
  SOURCE: z.enum(['kinesis', 'kafka']).default('kinesis'),
  /** Kafka bootstrap brokers, `host:port,host:port`; required with SOURCE=kafka. */
  KAFKA_BROKERS: list.default([]),
  /** Kafka topic the producer writes (keyed by symbol). */
  KAFKA_TOPIC: z.string().min(1).default('coattail-trades'),
  /** Consumer group whose assignment shares the partitions among this job's workers; empty: `coattail-<job>`. */
  KAFKA_GROUP_ID: z.string().default(''),
  /** A worker silent this long leaves the group and its partitions move to the others. */
  KAFKA_SESSION_TIMEOUT_MS: ms.default(30_000),
  /**
   * Longest a broker holds a Kafka fetch open while a partition has nothing new: a trade produced
   * meanwhile waits at most this long before the job sees it (a broker that answers as soon as data
   * arrives never waits it out). Lower is faster alerts for more idle fetches.
   */
  KAFKA_FETCH_MAX_WAIT_MS: ms.default(50),
  /**
   * Ceiling of a task's back-off while its input has nothing new (starting at 5 ms, doubled per
   * empty poll): a record that arrives during the back-off waits up to this long. Alerting is
   * real-time, so it is kept short; an idle task costs a few wake-ups a second.
   */
  IDLE_POLL_MAX_MS: ms.default(50),
  /**
   * When a checkpoint's Iceberg appends run: `behind` the job, which reads and alerts on meanwhile,
   * or `at-checkpoint`, before it reads on (records read then wait for the commit). Exactly once
   * either way.
   */
  SINK_COMMIT: z.enum(['behind', 'at-checkpoint']).default('at-checkpoint'),
});

export type JobConfig = z.infer<typeof jobConfigSchema>;

/** Checks across variables, listed with the others by {@link parseJobConfig}. */
const checkedJobConfigSchema = jobConfigSchema.superRefine((c, ctx) => {
  if (c.SOURCE === 'kafka' && c.KAFKA_BROKERS.length === 0) {
    ctx.addIssue({
      code: 'custom',
      path: ['KAFKA_BROKERS'],
      message: 'required with SOURCE=kafka (host:port,host:port)',
    });
  }
});

/** Parses the environment, failing with every problem listed (variable, value, what is wrong). */
export function parseJobConfig(env: Record<string, string | undefined>): JobConfig {
  const known = Object.fromEntries(
    Object.keys(jobConfigSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = checkedJobConfigSchema.safeParse(known);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (i) => `  ${i.path.join('.')}=${JSON.stringify(env[String(i.path[0])])}: ${i.message}`,
  );
  throw new Error(`invalid job configuration:\n${problems.join('\n')}`);
}

/** Help text: each variable and its default. */
export function describeJobConfig(): string {
  const defaults = jobConfigSchema.parse({});
  return Object.entries(defaults)
    .map(([k, v]) => `  ${k.padEnd(24)} default ${Array.isArray(v) ? v.join(',') : String(v)}`)
    .join('\n');
}

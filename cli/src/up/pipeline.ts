import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { LocalStack } from '@coattail/local-stack';
import { startLocalStack, startMockKafkaCluster } from '../local-stack-loader.js';
import type { StackAnnouncer } from './up-state.js';
import {
  createSink,
  loadConfig,
  Producer,
  startExchangeSimulator,
  type ExchangeSimulator,
  type ExchangeSimulatorOptions,
} from '@coattail/producer';
import type { QualityMetricsPublisher } from '@coattail/quality';
import { InMemoryMetrics, type JobClient, type Logger } from '@coattail/runtime';
import {
  JOB_NAMES,
  parseJobConfig,
  platformTables,
  runStreamJob,
  type JobConfig,
  type JobName,
  type JobTrade,
} from '@coattail/stream-jobs';

/**
 * Timings of the embedded demo, so a one-minute run shows every kind of alert: 2 s volume windows
 * with 10 windows of history, 5 s spread windows, checkpoints and quality metrics every 5 s. Production defaults are
 * in `coattail job --help`.
 */
export const DEMO_JOB_ENV: Record<string, string> = {
  ANOMALY_WINDOW_MS: '2000',
  ANOMALY_MIN_HISTORY: '10',
  SPREAD_WINDOW_MS: '5000',
  CHECKPOINT_INTERVAL_MS: '5000',
  OUT_OF_ORDERNESS_MS: '2000',
  IDLENESS_MS: '5000',
  STREAM_START: 'TRIM_HORIZON',
  // The operations console shows the quality gate's figures within seconds, not once a minute.
  QUALITY_PUBLISH_MS: '5000',
};

export interface PipelineStats {
  tradesGenerated: number;
  tradesPublished: number;
  alerts: Record<string, number>;
  tables: Record<string, number>;
  dlqObjects: number;
  checkpoints: number;
  watermarkLagMs: number | undefined;
}

export interface RunningPipeline {
  stats(): Promise<PipelineStats>;
  /** What the operations console reads: the emulators' clients, the jobs' settings, tables and counters. */
  readonly stack: LocalStack;
  readonly config: JobConfig;
  readonly tables: ReturnType<typeof platformTables>;
  readonly jobMetrics: InMemoryMetrics;
  readonly jobs: ReadonlyMap<JobName, JobClient>;
  /** Trades the producer received from the exchanges. */
  tradesPublished(): number;
  /** The exchange simulator (undefined with `live`). */
  readonly simulator: ExchangeSimulator | undefined;
  /** Stops reading, lets every job take its final checkpoint, and returns the final figures. */
  stop(): Promise<PipelineStats>;
}

const PIPELINE_SYMBOLS = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'];

/** How far the slowest task's watermark is behind now; undefined before any task has one. */
export function watermarkLagMs(jobs: ReadonlyMap<JobName, JobClient>, now = Date.now()): number | undefined {
  const watermarks = [...jobs.values()]
    .flatMap((j) => [...j.tasks().values()].map((t) => t.watermark))
    .filter((w) => w > 0);
  return watermarks.length > 0 ? now - Math.min(...watermarks) : undefined;
}

/** Options of {@link startPipeline}. */
export interface PipelineOptions {
  stateDir: string;
  tradesPerSecond: number;
  logger: Logger;
  /** Read the real Binance and Coinbase feeds (the config's default URLs): no simulator. */
  live?: boolean;
  /**
   * The stream between the producer and the jobs: the local Kinesis, or Kafka on librdkafka's
   * mock cluster (3 brokers, started through `kcat`; it keeps nothing between runs). @default 'kinesis'
   */
  broker?: 'kinesis' | 'kafka';
  /** Sees every batch of trades once the broker acknowledged it (the operations console's feed). */
  onPublished?: (trades: readonly JobTrade[]) => void;
  /** Where the jobs' quality gates publish their metrics. @default none (the terminal belongs to the live view) */
  qualityMetrics?: QualityMetricsPublisher;
  /** Overrides of the simulator's settings (e.g. no random whales in a test that injects its own). */
  simulator?: Partial<ExchangeSimulatorOptions>;
  /** Told where the emulators serve once the jobs run, and before they stop (`coattail up`'s state file). @default none */
  announce?: StackAnnouncer;
}

/** The exchange simulator `up` starts, or undefined with `live` (the real exchanges instead). */
export function pipelineSimulatorOptions(
  options: Pick<PipelineOptions, 'live' | 'tradesPerSecond'>,
): ExchangeSimulatorOptions | undefined {
  if (options.live === true) return undefined;
  return {
    symbols: PIPELINE_SYMBOLS,
    tradesPerSecond: options.tradesPerSecond,
    seed: Date.now() % 1_000_000,
    // Scripted events often enough that a minute shows them all.
    whaleProbability: 0.003,
    burstProbabilityPerSecond: 0.02,
    dislocationProbabilityPerSecond: 0.03,
  };
}

/**
 * The producer's environment inside `up`: the local stack's Kinesis, and the simulator's URLs when
 * one runs; without a simulator no exchange URL is set, so the config's defaults (the public
 * Binance and Coinbase endpoints) apply.
 */
export function pipelineProducerEnv(
  simulator: Pick<ExchangeSimulator, 'binanceUrl' | 'coinbaseUrl'> | undefined,
  stack: { kinesisEndpoint: string; region: string },
  kafka?: { brokers: readonly string[]; topic: string },
): Record<string, string> {
  return {
    ...(kafka !== undefined ? { SINK: 'kafka', KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_TOPIC: kafka.topic } : {}),
    SYMBOLS: PIPELINE_SYMBOLS.join(','),
    ...(simulator !== undefined
      ? { BINANCE_WS_URL: simulator.binanceUrl, COINBASE_WS_URL: simulator.coinbaseUrl }
      : {}),
    COATTAIL_KINESIS_ENDPOINT: stack.kinesisEndpoint,
    AWS_REGION: stack.region,
    HEALTH_PORT: '0',
    EMF_INTERVAL_MS: '0',
    LOG_LEVEL: 'warn',
  };
}

/**
 * Starts the local stack, the exchange simulator (unless `live`), the producer and the three
 * stream jobs, in this process.
 */
export async function startPipeline(options: PipelineOptions): Promise<RunningPipeline> {
  const { logger, stateDir } = options;
  const stack: LocalStack = await startLocalStack({ dataDir: join(stateDir, 'local-stack'), logger });
  process.env.AWS_ACCESS_KEY_ID ??= stack.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY ??= stack.credentials.secretAccessKey;
  const defaults = pipelineSimulatorOptions(options);
  const simulatorOptions = defaults !== undefined ? { ...defaults, ...options.simulator } : undefined;
  const simulator: ExchangeSimulator | undefined =
    simulatorOptions !== undefined ? await startExchangeSimulator(simulatorOptions) : undefined;
  // The mock cluster starts empty every run: a fresh topic keeps old checkpoints' offsets out of it.
  const cluster = options.broker === 'kafka' ? await startMockKafkaCluster(3) : undefined;
  const kafka = cluster ? { brokers: cluster.brokers, topic: `coattail-trades-${Date.now()}` } : undefined;
  const producerConfig = loadConfig(
    pipelineProducerEnv(simulator, { kinesisEndpoint: stack.endpoints.kinesis, region: stack.region }, kafka),
  );
  const producerMetrics = new InMemoryMetrics();
  const brokerSink = await createSink(producerConfig, logger, producerMetrics);
  const { onPublished } = options;
  const producer = new Producer({
    settings: producerConfig,
    sink:
      onPublished === undefined
        ? brokerSink
        : {
            kind: brokerSink.kind,
            publish: async (trades) => {
              await brokerSink.publish(trades);
              onPublished(trades);
            },
            close: () => brokerSink.close(),
          },
    logger,
    metrics: producerMetrics,
    onFatal: (error) => logger.error({ err: error }, 'producer failed'),
  });
  producer.start();

  const config = parseJobConfig({
    ...DEMO_JOB_ENV,
    ...process.env,
    ...(kafka ? { SOURCE: 'kafka', KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_TOPIC: kafka.topic } : {}),
  });
  const jobMetrics = new InMemoryMetrics();
  // Quality metrics stay off stdout here: the live view owns the terminal.
  const deps = {
    clients: stack.clients,
    catalogDir: join(stateDir, 'catalog'),
    logger,
    metrics: jobMetrics,
    qualityMetrics: options.qualityMetrics ?? (false as const),
  };
  const jobs = new Map<JobName, JobClient>(JOB_NAMES.map((name) => [name, runStreamJob(name, config, deps)]));
  const tables = platformTables(deps, config);
  await options.announce?.publish({
    region: stack.region,
    endpoints: stack.endpoints,
    alertsTable: config.ALERTS_TABLE,
  });

  const pipeline: RunningPipeline = {
    stack,
    config,
    tables,
    jobMetrics,
    jobs,
    simulator,
    tradesPublished: () => producer.received,
    async stats() {
      const items =
        (
          await stack.clients.dynamodb.send(
            new ScanCommand({ TableName: config.ALERTS_TABLE, ProjectionExpression: 'alert_type' }),
          )
        ).Items ?? [];
      const alerts: Record<string, number> = { VOLUME_ANOMALY: 0, WHALE: 0, SPREAD: 0 };
      for (const item of items) {
        const type = item.alert_type?.S ?? 'unknown';
        alerts[type] = (alerts[type] ?? 0) + 1;
      }
      const counts: Record<string, number> = {};
      for (const name of ['raw_trades', 'volume_aggregates', 'alerts', 'whale_trades', 'spreads'] as const) {
        const snapshot = (await (await tables(name)).refresh()).currentSnapshot();
        counts[name] = Number(snapshot?.summary['total-records'] ?? 0);
      }
      const dlq = await stack.clients.s3.send(new ListObjectsV2Command({ Bucket: config.RAW_BUCKET, Prefix: 'dlq/' }));
      return {
        // Live: what the exchanges sent us is what was "generated".
        tradesGenerated:
          simulator !== undefined ? simulator.generated.binance + simulator.generated.coinbase : producer.received,
        tradesPublished: producer.received,
        alerts,
        tables: counts,
        dlqObjects: dlq.KeyCount ?? 0,
        checkpoints: jobMetrics.total('checkpointsCompleted'),
        watermarkLagMs: watermarkLagMs(jobs),
      };
    },
    async stop() {
      await producer.stop(10_000).catch((error: unknown) => logger.warn({ err: error }, 'producer stop'));
      await Promise.all([...jobs.values()].map((j) => j.stop()));
      const final = await pipeline.stats();
      await simulator?.close();
      await cluster?.stop();
      await options.announce?.withdraw();
      await stack.stop();
      return final;
    },
  };
  return pipeline;
}

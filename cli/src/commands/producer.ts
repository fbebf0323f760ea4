import type { Command } from 'commander';
import pino from 'pino';
import type { LocalStack } from '@coattail/local-stack';
import { startLocalStack } from '../local-stack-loader.js';
import {
  Producer,
  createSink,
  loadConfig,
  startExchangeSimulator,
  startHealthServer,
  type ExchangeSimulator,
} from '@coattail/producer';
import { InMemoryMetrics } from '@coattail/runtime';
import { positiveNumber } from '../options.js';

interface ProducerCommandOptions {
  live?: boolean;
  symbols?: string;
  rate: number;
  duration?: number;
  stream?: string;
  aggregation: boolean;
  healthPort: string;
}

/**
 * Runs the producer in this process. Default: the exchange simulator, and the in-process local
 * stack unless a Kinesis endpoint is configured (or SINK=kafka). `--live`: the real exchanges.
 * Every other setting comes from the same environment variables as the container.
 */
async function runProducer(options: ProducerCommandOptions): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KINESIS_AGGREGATION: String(options.aggregation),
    HEALTH_PORT: options.healthPort,
  };
  if (options.symbols !== undefined) env.SYMBOLS = options.symbols;
  if (options.stream !== undefined) env.STREAM_NAME = options.stream;
  let config = loadConfig(env);
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
  let sim: ExchangeSimulator | undefined;
  let stack: LocalStack | undefined;
  if (options.live !== true) {
    sim = await startExchangeSimulator({
      symbols: config.symbols,
      coinbaseProducts: config.coinbaseProducts,
      tradesPerSecond: options.rate,
    });
    env.BINANCE_WS_URL = sim.binanceUrl;
    env.COINBASE_WS_URL = sim.coinbaseUrl;
  }
  if (config.sink === 'kinesis' && config.kinesisEndpoint === undefined && options.live !== true) {
    stack = await startLocalStack({
      streams: [{ name: config.streamName, shards: 2 }],
      tables: [],
      buckets: [],
      logger,
    });
    env.COATTAIL_KINESIS_ENDPOINT = stack.endpoints.kinesis;
  }
  config = loadConfig(env);
  const metrics = new InMemoryMetrics();
  const producer = new Producer({ settings: config, sink: await createSink(config, logger, metrics), logger, metrics });
  producer.start();
  const health =
    config.healthPort > 0 ? await startHealthServer(producer, metrics, config.healthPort, '127.0.0.1') : undefined;
  console.log(
    `coattail producer: ${options.live === true ? 'live Binance + Coinbase' : `simulated exchanges (${options.rate} trades/s)`} → ${config.sink} '${config.sink === 'kinesis' ? config.streamName : config.kafkaTopic}'${stack !== undefined ? ` on the local stack (${stack.endpoints.kinesis})` : ''}`,
  );
  if (health !== undefined)
    console.log(`  health: http://127.0.0.1:${health.port}/healthz  metrics: http://127.0.0.1:${health.port}/metrics`);
  const progress = setInterval(() => {
    const l = producer.publisher.latency;
    console.log(
      `  received=${producer.received} published=${producer.publisher.published} p50=${l.percentile(0.5)}ms p99=${l.percentile(0.99)}ms`,
    );
  }, 5_000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
    if (options.duration !== undefined) setTimeout(resolve, options.duration * 1_000).unref();
  });
  clearInterval(progress);
  const summary = await producer.stop(config.shutdownDeadlineMs);
  console.log(
    `coattail producer: stopped; received=${summary.received} published=${summary.published} (flushed ${summary.pendingAtStop} on stop in ${summary.durationMs} ms)`,
  );
  await health?.close();
  await sim?.close();
  await stack?.stop();
}

/** `coattail producer`: exchange trades into Kinesis (or Kafka), simulated by default. */
export function registerProducer(program: Command): void {
  program
    .command('producer')
    .description(
      'normalize Binance and Coinbase trades into the trades stream (simulated exchanges and local Kinesis unless told otherwise)',
    )
    .option('--live', 'connect to the real exchanges instead of the simulator')
    .option(
      '--symbols <list>',
      'canonical symbols, e.g. BTC-USDT,ETH-USDT (default: $SYMBOLS or BTC-USDT,ETH-USDT,SOL-USDT)',
    )
    .option('--rate <n>', 'simulated trades per second over all symbols and both exchanges', positiveNumber, 200)
    .option('--duration <seconds>', 'stop after this long (default: until Ctrl-C)', positiveNumber)
    .option('--stream <name>', 'Kinesis stream (default: $STREAM_NAME or coattail-trades)')
    .option('--no-aggregation', 'send one Kinesis record per trade instead of KPL aggregates')
    .option('--health-port <port>', 'port of /healthz and /metrics (0 = off)', '0')
    .action((options: ProducerCommandOptions) => runProducer(options));
}

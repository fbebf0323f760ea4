import { Option, type Command } from 'commander';
import pino from 'pino';
import { positiveNumber } from '../options.js';
import { renderStats } from '../up/live-view.js';
import { startPipeline, type PipelineStats } from '../up/pipeline.js';
import { lockStateDir } from '../up/state-lock.js';

interface UpOptions {
  live?: boolean;
  duration?: number;
  rate: number;
  stateDir: string;
  broker: 'kinesis' | 'kafka';
}

async function up(options: UpOptions): Promise<void> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
  // One `up` per state directory: a second one says who holds it instead of failing in the emulators' stores.
  const lock = await lockStateDir(options.stateDir);
  try {
    await run(options, logger);
  } finally {
    await lock.release();
  }
}

async function run(options: UpOptions, logger: pino.Logger): Promise<void> {
  const exchanges = options.live === true ? 'live Binance + Coinbase feeds' : 'exchange simulator';
  console.log(
    `coattail up: local ${options.broker === 'kafka' ? 'Kafka (librdkafka mock cluster)' : 'Kinesis'}/DynamoDB/S3, ${exchanges}, producer, volume-anomaly, whale-detector, spread-calculator and raw-archiver jobs`,
  );
  const pipeline = await startPipeline({
    stateDir: options.stateDir,
    tradesPerSecond: options.rate,
    logger,
    live: options.live === true,
    broker: options.broker,
  });
  const started = Date.now();
  let previous: { stats: PipelineStats; elapsedMs: number } | undefined;
  let stopping = false;
  const tick = async (): Promise<void> => {
    const elapsedMs = Date.now() - started;
    const stats = await pipeline.stats();
    console.log(renderStats(stats, elapsedMs, previous));
    previous = { stats, elapsedMs };
  };
  const timer = setInterval(() => void tick().catch((error: unknown) => logger.warn({ err: error }, 'stats')), 5_000);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      if (!stopping) resolve();
      stopping = true;
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (options.duration !== undefined) setTimeout(stop, options.duration * 1000);
  });
  clearInterval(timer);
  console.log('coattail up: stopping — final checkpoints');
  const summary = await pipeline.stop();
  console.log(`\ncoattail up: summary after ${Math.round((Date.now() - started) / 1000)} s`);
  console.log(
    `  trades ${options.live === true ? 'received' : 'generated'} ${summary.tradesGenerated}, published ${summary.tradesPublished}`,
  );
  console.log(
    `  alerts written to DynamoDB: anomalies ${summary.alerts.VOLUME_ANOMALY ?? 0}, whales ${summary.alerts.WHALE ?? 0}, spreads ${summary.alerts.SPREAD ?? 0}`,
  );
  console.log(
    `  Iceberg rows: ${Object.entries(summary.tables)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ')}`,
  );
  console.log(`  DLQ objects ${summary.dlqObjects}; state kept in ${options.stateDir} (delete it to start fresh)`);
}

/** `coattail up`: the whole platform on the embedded default (what `npm start` runs). */
export function registerUp(program: Command): void {
  program
    .command('up')
    .description(
      'run the whole pipeline on the embedded default: local AWS emulators, exchange simulator, producer and the four stream jobs',
    )
    .option(
      '--live',
      'read the real Binance and Coinbase feeds instead of the exchange simulator (needs network access; --rate is ignored)',
    )
    .option(
      '--duration <seconds>',
      'stop after this many seconds and print a summary (default: until Ctrl-C)',
      positiveNumber,
    )
    .option('--rate <trades>', 'simulated trades per second over all symbols and exchanges', positiveNumber, 200)
    .option('--state-dir <dir>', 'where the emulators, catalog and checkpoints keep their data', '.coattail')
    .addOption(
      new Option(
        '--broker <broker>',
        "the stream between producer and jobs: local Kinesis, or Kafka on librdkafka's mock cluster (needs kcat: apt-get install -y kcat)",
      )
        .choices(['kinesis', 'kafka'])
        .default('kinesis'),
    )
    .addHelpText(
      'after',
      '\nDemo timings (2 s volume windows, 5 s spread windows) make a minute show every alert kind;\nrun `coattail job <name>` for production defaults.',
    )
    .action((options: UpOptions) => up(options));
}

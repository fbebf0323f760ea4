import { Option, type Command } from 'commander';
import pino from 'pino';
import { checkListenAddress } from '@coattail/console';
import { parseJobConfig } from '@coattail/stream-jobs';
import { port, positiveNumber } from '../options.js';
import { renderStats } from '../up/live-view.js';
import { DEMO_JOB_ENV, startPipeline, type PipelineStats } from '../up/pipeline.js';
import { reconLink } from '../console/recon-link.js';
import { upConsoleHub, type UpConsole } from '../up/up-console.js';
import { lockStateDir, type StateLock } from '../up/up-state.js';

interface UpOptions {
  live?: boolean;
  duration?: number;
  rate: number;
  stateDir: string;
  broker: 'kinesis' | 'kafka';
  console: boolean;
  consolePort: number;
  consoleHost: string;
  token?: string;
  databaseUrl?: string;
  reconUrl?: string;
  reconDir?: string;
}

async function up(options: UpOptions): Promise<void> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
  const token = options.token ?? process.env.COATTAIL_CONSOLE_TOKEN;
  // Refuse an open console before starting anything, not after the stack is up.
  if (options.console) checkListenAddress(options.consoleHost, token);
  // One `up` per state directory: a second one says who holds it instead of failing in the emulators' stores.
  const lock = await lockStateDir(options.stateDir);
  for (const notice of lock.replaced) console.log(`coattail up: ${notice}`);
  try {
    await run(options, logger, token, lock);
  } finally {
    await lock.release();
  }
}

async function run(
  options: UpOptions,
  logger: pino.Logger,
  token: string | undefined,
  announce: StateLock,
): Promise<void> {
  const exchanges = options.live === true ? 'live Binance + Coinbase feeds' : 'exchange simulator';
  console.log(
    `coattail up: local ${options.broker === 'kafka' ? 'Kafka (librdkafka mock cluster)' : 'Kinesis'}/DynamoDB/S3, ${exchanges}, producer, volume-anomaly, whale-detector, spread-calculator and raw-archiver jobs`,
  );
  const recon = options.console ? await reconLink(options, logger) : {};
  const ops = options.console
    ? upConsoleHub(parseJobConfig({ ...DEMO_JOB_ENV, ...process.env }), {
        logger,
        ...(recon.url !== undefined ? { reconUrl: recon.url } : {}),
      })
    : undefined;
  const pipeline = await startPipeline({
    stateDir: options.stateDir,
    tradesPerSecond: options.rate,
    logger,
    live: options.live === true,
    broker: options.broker,
    announce,
    ...(ops ? { onPublished: (trades) => ops.hub.ingest(trades), qualityMetrics: ops.quality } : {}),
  });
  let opsConsole: UpConsole | undefined;
  if (ops !== undefined) {
    const databaseUrl = options.databaseUrl ?? process.env.DATABASE_URL;
    opsConsole = await ops.attach(pipeline, {
      host: options.consoleHost,
      port: options.consolePort,
      logger,
      ...(token !== undefined ? { token } : {}),
      ...(databaseUrl !== undefined ? { databaseUrl } : {}),
    });
    console.log(
      `coattail up: operations console at ${opsConsole.server.url}${token !== undefined ? ' (add ?token=<your token> once)' : ''}`,
    );
  }
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
  await opsConsole?.close();
  await recon.server?.close();
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
    .option('--no-console', 'do not serve the operations console')
    .option('--console-port <port>', 'port of the operations console (0 = any free port)', port, 8790)
    .option(
      '--console-host <host>',
      'interface the console listens on; anything beyond loopback needs --token (or an authenticating proxy in front of 127.0.0.1)',
      '127.0.0.1',
    )
    .option('--token <secret>', 'console token, checked on every request (default: $COATTAIL_CONSOLE_TOKEN)')
    .option('--database-url <url>', 'Postgres with the file-quality reporting tables (default: $DATABASE_URL)')
    .option('--recon-url <url>', 'link the console shows to a reconciliation dashboard (coattail recon serve)')
    .option(
      '--recon-dir <dir>',
      'serve the reconciliation dashboard of this recon output folder and link it from the console',
    )
    .addHelpText(
      'after',
      '\nDemo timings (2 s volume windows, 5 s spread windows) make a minute show every alert kind;\nrun `coattail job <name>` for production defaults.',
    )
    .action((options: UpOptions) => up(options));
}

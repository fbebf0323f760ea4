import { join } from 'node:path';
import type { Command } from 'commander';
import pino from 'pino';
import { LocalCheckpointStore, systemClock, type Sink } from '@coattail/runtime';
import { simulatedTrades } from '../demo/simulated-trades.js';
import { buildVwapJob, type WindowSummary } from '../demo/vwap-job.js';
import { positiveNumber } from '../options.js';

interface DemoOptions {
  duration?: number;
  window: number;
  rate: number;
  stateDir: string;
}

function consoleSink(): Sink<WindowSummary> {
  return {
    name: 'console',
    createWriter: () => ({
      write: (rows) => {
        for (const r of rows) {
          const window = `${new Date(r.windowStart).toISOString().slice(11, 19)}–${new Date(r.windowEnd).toISOString().slice(11, 19)}`;
          console.log(
            `${window}  ${r.symbol.padEnd(9)} ${r.exchange.padEnd(8)} trades=${String(r.trades).padStart(4)} ` +
              `volume=${r.volume.toFixed(4).padStart(10)} vwap=${r.vwap.toFixed(2).padStart(10)} range=${r.minPrice.toFixed(2)}..${r.maxPrice.toFixed(2)}`,
          );
        }
      },
    }),
  };
}

async function runDemo(options: DemoOptions): Promise<void> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' });
  const windowMs = Math.round(options.window * 1000);
  const env = buildVwapJob(
    simulatedTrades({ ratePerSecond: options.rate, jitterMs: 1_500, clock: systemClock }),
    consoleSink(),
    windowMs,
    2_000,
  );
  console.log(
    `coattail demo: simulated Binance/Coinbase trades → ${options.window}s tumbling windows per symbol and exchange (Ctrl-C to stop)`,
  );
  const job = env.executeAsync({
    jobId: 'runtime-demo',
    checkpointStore: new LocalCheckpointStore(join(options.stateDir, 'checkpoints')),
    checkpointIntervalMs: 5_000,
    // The generator's splits are not partitioned by symbol, so one task reads both (see docs/runtime.md).
    tasks: 'single',
    logger,
  });
  const stop = (): void => void job.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const timer = options.duration === undefined ? undefined : setTimeout(stop, options.duration * 1000);
  const result = await job.done;
  if (timer) clearTimeout(timer);
  console.log(`coattail demo: ${result.status.toLowerCase()}; state checkpointed in ${options.stateDir}`);
}

export function registerDemo(program: Command): void {
  const configure = (command: Command): Command =>
    command
      .option('--duration <seconds>', 'stop after this many seconds (default: run until Ctrl-C)', positiveNumber)
      .option('--window <seconds>', 'tumbling window size', positiveNumber, 10)
      .option('--rate <trades>', 'simulated trades per second per split', positiveNumber, 200)
      .option('--state-dir <dir>', 'where checkpoints go', '.coattail')
      .action((options: DemoOptions) => runDemo(options));
  configure(
    program.command('demo').description('run the runtime demo job over simulated trades and print windowed results'),
  );
}

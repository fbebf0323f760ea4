/**
 * The producer process (the container's entry point): configuration from the environment only,
 * JSON logs on stdout, `/healthz` + `/metrics`, CloudWatch embedded metrics, and a graceful
 * SIGTERM: stop reading, flush everything received, exit 0 before ECS's stopTimeout.
 *
 * Run: `node --import tsx producer/src/main.ts` (see producer/README.md for the variables).
 */
import { InMemoryMetrics } from '@coattail/runtime';
import pino from 'pino';
import { fetchBinanceExchangeInfo, type BinanceSymbolInfo } from './binance-symbols.js';
import { loadConfig, type ProducerConfig } from './config.js';
import { ProducerConfigError } from './errors.js';
import { producerEmfDocuments } from './ops/metrics-format.js';
import { startHealthServer } from './ops/health-server.js';
import { Producer } from './producer.js';
import { createSink } from './publish/create-sink.js';

async function main(): Promise<void> {
  let config: ProducerConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ProducerConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  const logger = pino({ level: config.logLevel, base: { service: 'coattail-producer' } });
  const metrics = new InMemoryMetrics();
  const sink = await createSink(config, logger, metrics);
  let binanceSymbolInfo: BinanceSymbolInfo[] = [];
  if (config.binanceExchangeInfoUrl !== undefined && config.exchanges.includes('binance')) {
    try {
      binanceSymbolInfo = await fetchBinanceExchangeInfo(config.binanceExchangeInfoUrl);
    } catch (error) {
      // Only symbols outside the configuration depend on it; they fall back to splitting by quote asset.
      logger.warn({ err: error }, 'could not read Binance exchangeInfo; splitting unknown symbols by quote asset');
    }
  }
  const producer = new Producer({
    settings: { ...config, binanceSymbolInfo },
    sink,
    logger,
    metrics,
    onFatal: (error) => {
      logger.fatal({ err: error }, 'publishing failed for good; exiting so the orchestrator restarts us');
      process.exit(1);
    },
  });
  producer.start();
  const health = config.healthPort > 0 ? await startHealthServer(producer, metrics, config.healthPort) : undefined;
  const previous = new Map<string, number>();
  // stdout is synchronous for files and pipes on Linux, so a batch written before exit is not lost.
  const emitEmf = (): void => {
    for (const doc of producerEmfDocuments(metrics, producer.publisher.latency, previous, Date.now()))
      process.stdout.write(`${doc}\n`);
  };
  const emf = config.emfIntervalMs > 0 ? setInterval(emitEmf, config.emfIntervalMs) : undefined;
  logger.info(
    { sink: config.sink, stream: config.streamName, symbols: config.symbols, exchanges: config.exchanges },
    'producer running',
  );

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(emf);
    logger.info({ signal, deadlineMs: config.shutdownDeadlineMs }, 'shutting down: no more reads, flushing');
    try {
      const summary = await producer.stop(config.shutdownDeadlineMs);
      // The final batch: the increments since the last interval, including the shutdown's flush.
      if (config.emfIntervalMs > 0) emitEmf();
      logger.info(summary, 'producer stopped');
      await health?.close();
      process.exit(0);
    } catch (error) {
      if (config.emfIntervalMs > 0) emitEmf();
      logger.fatal({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

await main();

import { ConsoleHub, QualityTally, serveConsole, type ConsoleServer, type PipelineHealth } from '@coattail/console';
import type { Logger } from '@coattail/runtime';
import type { JobConfig } from '@coattail/stream-jobs';
import { storeSources } from '../console/store-sources.js';
import { watermarkLagMs, type RunningPipeline } from './pipeline.js';

/** Where and how `up` serves the operations console. */
export interface UpConsoleOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 8790; 0 picks a free port */
  port?: number;
  token?: string;
  /** Postgres with the file-quality `reporting.*` tables. */
  databaseUrl?: string;
  reconUrl?: string;
  logger: Logger;
}

/** A console attached to a running pipeline. */
export interface UpConsole {
  hub: ConsoleHub;
  server: ConsoleServer;
  close(): Promise<void>;
}

/** The console's charts on the jobs' own windows and thresholds. */
export function marketOptionsFor(config: JobConfig) {
  return {
    spreadWindowMs: config.SPREAD_WINDOW_MS,
    spreadThresholdPct: config.SPREAD_THRESHOLD_PCT,
    zWindowMs: config.ANOMALY_WINDOW_MS,
    zHistory: Math.round(3_600_000 / config.ANOMALY_WINDOW_MS),
    zMinHistory: config.ANOMALY_MIN_HISTORY,
    zThreshold: config.ANOMALY_Z_THRESHOLD,
  };
}

/**
 * The hub of the console `up` serves, before the pipeline starts: the pipeline needs the hub's
 * trade tap and quality tally, and the hub's health source needs the pipeline.
 */
export function upConsoleHub(config: JobConfig, options: Pick<UpConsoleOptions, 'reconUrl' | 'logger'>) {
  const quality = new QualityTally();
  let pipeline: RunningPipeline | undefined;
  const health = (): PipelineHealth => {
    if (pipeline === undefined) return { quality: quality.view() };
    return {
      tradesPublished: pipeline.tradesPublished(),
      recordsRead: pipeline.jobMetrics.total('kinesisRecordsRead'),
      alertsWritten: pipeline.jobMetrics.total('dynamoItemsWritten'),
      checkpoints: pipeline.jobMetrics.total('checkpointsCompleted'),
      watermarkLagMs: watermarkLagMs(pipeline.jobs) ?? null,
      quality: quality.view(),
    };
  };
  const hub = new ConsoleHub({
    sources: { health },
    symbols: config.ALLOWED_SYMBOLS,
    market: marketOptionsFor(config),
    ...(options.reconUrl !== undefined ? { reconUrl: options.reconUrl } : {}),
    logger: options.logger,
  });
  return {
    hub,
    quality,
    /** Connects the hub to the started pipeline's tables, alerts and DLQ, starts it and serves the page. */
    attach: async (running: RunningPipeline, serve: Omit<UpConsoleOptions, 'reconUrl'>): Promise<UpConsole> => {
      pipeline = running;
      const { clients } = running.stack;
      const stores = storeSources({
        dynamodb: clients.dynamodb,
        s3: clients.s3,
        config: running.config,
        openTable: running.tables,
        ...(serve.databaseUrl !== undefined ? { databaseUrl: serve.databaseUrl } : {}),
        logger: serve.logger,
      });
      Object.assign(hub.sources, stores.sources);
      hub.start();
      const listen = (port: number | undefined) =>
        serveConsole({
          hub,
          ...(serve.host !== undefined ? { host: serve.host } : {}),
          ...(port !== undefined ? { port } : {}),
          ...(serve.token !== undefined ? { token: serve.token } : {}),
          logger: serve.logger,
        });
      // A second `npm start` (or anything else on the port) must not stop the pipeline: take a free port.
      const server = await listen(serve.port).catch((error: unknown) => {
        if ((error as { code?: unknown }).code !== 'EADDRINUSE') throw error;
        serve.logger.warn({ port: serve.port }, 'console port in use: serving on a free port instead');
        return listen(0);
      });
      return {
        hub,
        server,
        close: async () => {
          hub.stop();
          await server.close();
          await stores.close();
        },
      };
    },
  };
}

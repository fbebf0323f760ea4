import { join } from 'node:path';
import { ConsoleHub, serveConsole, tailKinesis, type ConsoleServer } from '@coattail/console';
import {
  createDynamoDbClient,
  createKinesisClient,
  createS3Client,
  endpointsFromEnv,
  S3ObjectStore,
} from '@coattail/connectors';
import { NoSuchTableError, openCatalog, TABLES, type TableName } from '@coattail/iceberg';
import type { Logger } from '@coattail/runtime';
import { parseJobConfig } from '@coattail/stream-jobs';
import { marketOptionsFor } from '../up/up-console.js';
import { storeSources } from './store-sources.js';

/** Options of `coattail console`. */
export interface ConsoleCommandOptions {
  host: string;
  port: number;
  token?: string;
  databaseUrl?: string;
  reconUrl?: string;
  /** Folder of the local Iceberg catalog (ICEBERG_CATALOG=local). */
  stateDir: string;
  /** Follow the trade stream for the charts and trade rates. @default true */
  trades?: boolean;
  logger: Logger;
  /** The environment to read endpoints and job settings from. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** A running `coattail console`. */
export interface RunningConsole {
  hub: ConsoleHub;
  server: ConsoleServer;
  close(): Promise<void>;
}

/**
 * The operations console against any endpoints: the alerts table, the trade stream (read from its
 * tip, never shared with the jobs), the raw bucket's DLQ and the Iceberg catalog named by the same
 * variables the jobs read (COATTAIL_*_ENDPOINT unset = real AWS). Counters only a job process
 * knows (checkpoints, watermark lag, quality totals) are shown by `coattail up`, not here; in AWS
 * they are the jobs' CloudWatch metrics.
 */
export async function runConsole(options: ConsoleCommandOptions): Promise<RunningConsole> {
  const env = options.env ?? process.env;
  const config = parseJobConfig(env);
  const endpoints = endpointsFromEnv(env);
  const clients = {
    kinesis: createKinesisClient(endpoints.kinesis ? { endpoint: endpoints.kinesis } : {}),
    dynamodb: createDynamoDbClient(endpoints.dynamodb ? { endpoint: endpoints.dynamodb } : {}),
    s3: createS3Client(endpoints.s3 ? { endpoint: endpoints.s3 } : {}),
  };
  const catalog = openCatalog(config, {
    store: new S3ObjectStore({ client: clients.s3, bucket: config.WAREHOUSE_BUCKET, logger: options.logger }),
    localDir: join(options.stateDir, 'catalog'),
    logger: options.logger,
  });
  const openTable = async (name: TableName) => {
    const def = TABLES[name];
    try {
      return await catalog.loadTable(`${def.namespace}.${def.name}`);
    } catch (error) {
      if (error instanceof NoSuchTableError) return undefined;
      throw error;
    }
  };
  const stores = storeSources({
    dynamodb: clients.dynamodb,
    s3: clients.s3,
    config,
    openTable,
    ...(options.databaseUrl !== undefined ? { databaseUrl: options.databaseUrl } : {}),
    logger: options.logger,
  });
  const hub = new ConsoleHub({
    sources: stores.sources,
    symbols: config.ALLOWED_SYMBOLS,
    market: marketOptionsFor(config),
    ...(options.reconUrl !== undefined ? { reconUrl: options.reconUrl } : {}),
    logger: options.logger,
  });
  const tail =
    options.trades !== false && config.SOURCE === 'kinesis'
      ? tailKinesis({
          client: clients.kinesis,
          streamName: config.STREAM_NAME,
          onTrades: (trades) => hub.ingest(trades),
          logger: options.logger,
        })
      : undefined;
  hub.start();
  const server = await serveConsole({
    hub,
    host: options.host,
    port: options.port,
    ...(options.token !== undefined ? { token: options.token } : {}),
    logger: options.logger,
  }).catch(async (error: unknown) => {
    hub.stop();
    await tail?.stop();
    await stores.close();
    throw error;
  });
  return {
    hub,
    server,
    close: async () => {
      hub.stop();
      await server.close();
      await tail?.stop();
      await stores.close();
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}

import { join } from 'node:path';
import { ConsoleHub, serveConsole, tailKinesis, type ConsoleServer } from '@coattail/console';
import {
  createDynamoDbClient,
  createKinesisClient,
  createS3Client,
  endpointsFromEnv,
  S3ObjectStore,
  type AwsEndpoints,
} from '@coattail/connectors';
import { NoSuchTableError, openCatalog, TABLES, type TableName } from '@coattail/iceberg';
import type { Logger } from '@coattail/runtime';
import { parseJobConfig } from '@coattail/stream-jobs';
import { marketOptionsFor } from '../up/up-console.js';
import { findStack } from '../up/running-stack.js';
import { storeSources } from './store-sources.js';

/** Options of `coattail console`. */
export interface ConsoleCommandOptions {
  host: string;
  port: number;
  token?: string;
  databaseUrl?: string;
  reconUrl?: string;
  /**
   * The folder `npm start` (coattail up) keeps its state in: with no endpoint in the environment,
   * the console reads the stack running there; and the local Iceberg catalog (ICEBERG_CATALOG=local).
   */
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
  /** What the console reads, e.g. "the npm start running on .coattail, pid 123" or "AWS". */
  origin: string;
  close(): Promise<void>;
}

const HOW_TO_POINT =
  'start the platform with `npm start` in another terminal (or pass --state-dir where it keeps its state), ' +
  'set COATTAIL_KINESIS_ENDPOINT, COATTAIL_DYNAMODB_ENDPOINT and COATTAIL_S3_ENDPOINT (or AWS_ENDPOINT_URL), ' +
  'or configure AWS (AWS_REGION, AWS_PROFILE) to read the deployed platform';

/**
 * The endpoints the environment names; else those of the `npm start` running on `stateDir`, the
 * way `coattail alerts` and `coattail iceberg` find it; else real AWS when configured for it.
 */
async function connection(
  stateDir: string,
  env: NodeJS.ProcessEnv,
): Promise<{ endpoints: AwsEndpoints; region?: string; env: NodeJS.ProcessEnv; origin: string }> {
  const endpoints = endpointsFromEnv(env);
  if (Object.values(endpoints).some(Boolean)) return { endpoints, env, origin: 'endpoints from the environment' };
  const found = await findStack({ stateDir, env, missing: 'no endpoints set', howToPoint: HOW_TO_POINT });
  if (found.kind === 'aws') return { endpoints, env, origin: found.origin };
  const { stack } = found;
  return {
    endpoints: stack.endpoints,
    region: stack.region,
    env: { ...env, ALERTS_TABLE: env.ALERTS_TABLE ?? stack.alertsTable },
    origin: found.origin,
  };
}

/**
 * The operations console against any endpoints: the alerts table, the trade stream (read from its
 * tip, never shared with the jobs), the raw bucket's DLQ and the Iceberg catalog named by the same
 * variables the jobs read; with those unset, the stack of the `npm start` running on the state
 * directory, else real AWS when the environment is configured for it. Counters only a job process
 * knows (checkpoints, watermark lag, quality totals) are shown by `coattail up`, not here; in AWS
 * they are the jobs' CloudWatch metrics.
 */
export async function runConsole(options: ConsoleCommandOptions): Promise<RunningConsole> {
  const { endpoints, region, env, origin } = await connection(options.stateDir, options.env ?? process.env);
  const config = parseJobConfig(env);
  const at = (endpoint: string | undefined) => ({
    ...(endpoint ? { endpoint } : {}),
    ...(region !== undefined ? { region } : {}),
  });
  const clients = {
    kinesis: createKinesisClient(at(endpoints.kinesis)),
    dynamodb: createDynamoDbClient(at(endpoints.dynamodb)),
    s3: createS3Client(at(endpoints.s3)),
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
    origin,
    close: async () => {
      hub.stop();
      await server.close();
      await tail?.stop();
      await stores.close();
      for (const client of Object.values(clients)) client.destroy();
    },
  };
}

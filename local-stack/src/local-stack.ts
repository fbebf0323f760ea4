import { once } from 'node:events';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import { silentLogger, type Logger } from '@coattail/runtime';
import {
  LOCAL_CREDENTIALS,
  createDynamoDbClient,
  createKinesisClient,
  createS3Client,
  loadTableDefinitions,
  type AwsClientOptions,
  type StaticCredentials,
  type TableDefinition,
} from '@coattail/connectors';
import { S3rver, dynalite, kinesalite } from './emulators.js';
import { createPlatformResources, type StreamSpec } from './platform-resources.js';

/** What {@link startLocalStack} starts and creates. Every field has a default. */
export interface LocalStackOptions {
  /** Interface the emulators listen on. @default '127.0.0.1' */
  host?: string;
  /** Fixed ports; 0 (the default) picks free ones. */
  ports?: { kinesis?: number; dynamodb?: number; s3?: number };
  /** Keep data in this folder across runs (kinesis/, dynamodb/, s3/ inside); in memory otherwise. */
  dataDir?: string;
  /** Streams to create. @default [{ name: 'coattail-trades', shards: 2 }] */
  streams?: StreamSpec[];
  /** Tables to create. @default every definition in ddl/dynamodb */
  tables?: TableDefinition[];
  /** Buckets to create. @default ['coattail-raw', 'coattail-warehouse', 'coattail-checkpoints'] */
  buckets?: string[];
  /** Region the clients are configured with. @default 'us-east-1' */
  region?: string;
  logger?: Logger;
}

/** A running local stack: endpoints, ready clients, and `stop()`. */
export interface LocalStack {
  readonly endpoints: { kinesis: string; dynamodb: string; s3: string };
  readonly region: string;
  readonly credentials: StaticCredentials;
  readonly clients: { kinesis: KinesisClient; dynamodb: DynamoDBClient; s3: S3Client };
  readonly streams: readonly StreamSpec[];
  readonly tables: readonly string[];
  readonly buckets: readonly string[];
  /** Options for a client factory to reach one of the emulators (e.g. in another component). */
  clientOptions(service: 'kinesis' | 'dynamodb' | 's3'): AwsClientOptions;
  /** Stops S3 (only), keeping its data: for fault tests. */
  stopS3(): Promise<void>;
  /** Starts S3 again on the same port after {@link stopS3}. */
  startS3(): Promise<void>;
  /** Destroys the clients, closes the emulators and frees their ports; removes in-memory data. */
  stop(): Promise<void>;
}

export const DEFAULT_STREAMS: StreamSpec[] = [{ name: 'coattail-trades', shards: 2 }];
export const DEFAULT_BUCKETS = ['coattail-raw', 'coattail-warehouse', 'coattail-checkpoints'];

async function listen(server: Server, port: number, host: string): Promise<number> {
  server.listen(port, host);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections?.();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

/**
 * Starts kinesalite, dynalite and s3rver in this process on loopback, creates the platform's
 * streams, tables and buckets, and returns endpoints and clients. The embedded default of `npm
 * start`, and what every connector test runs against.
 *
 * @example
 * const stack = await startLocalStack({ streams: [{ name: 'trades', shards: 2 }] });
 * try {
 *   await stack.clients.kinesis.send(new PutRecordCommand({ StreamName: 'trades', PartitionKey: 'BTC', Data: bytes }));
 * } finally {
 *   await stack.stop();
 * }
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'us-east-1';
  const log = (options.logger ?? silentLogger).child({ component: 'local-stack' });
  const ephemeral = options.dataDir === undefined;
  const root = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'coattail-stack-')));
  const persisted = (name: string): string | undefined => (ephemeral ? undefined : join(root, name));
  for (const dir of ['kinesis', 'dynamodb', 's3'])
    if (!ephemeral || dir === 's3') await mkdir(join(root, dir), { recursive: true });

  const kinesisPath = persisted('kinesis');
  const dynamoPath = persisted('dynamodb');
  const kinesisServer = kinesalite({
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    shardLimit: 1000,
    ...(kinesisPath ? { path: kinesisPath } : {}),
  });
  const dynamoServer = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(dynamoPath ? { path: dynamoPath } : {}),
  });
  const kinesisPort = await listen(kinesisServer, options.ports?.kinesis ?? 0, host);
  const dynamoPort = await listen(dynamoServer, options.ports?.dynamodb ?? 0, host);
  const s3Options = { address: host, silent: true, directory: join(root, 's3') };
  let s3 = new S3rver({ ...s3Options, port: options.ports?.s3 ?? 0 });
  const s3Port = (await s3.run()).port;
  let s3Running = true;

  const url = (port: number): string => `http://${host}:${port}`;
  const endpoints = { kinesis: url(kinesisPort), dynamodb: url(dynamoPort), s3: url(s3Port) };
  const clientOptions = (service: keyof typeof endpoints): AwsClientOptions => ({
    region,
    endpoint: endpoints[service],
    credentials: LOCAL_CREDENTIALS,
  });
  const clients = {
    kinesis: createKinesisClient(clientOptions('kinesis')),
    dynamodb: createDynamoDbClient(clientOptions('dynamodb')),
    s3: createS3Client(clientOptions('s3')),
  };
  const streams = options.streams ?? DEFAULT_STREAMS;
  const tables = options.tables ?? (await loadTableDefinitions());
  const buckets = options.buckets ?? DEFAULT_BUCKETS;
  let stopped = false;

  const stack: LocalStack = {
    endpoints,
    region,
    credentials: LOCAL_CREDENTIALS,
    clients,
    streams,
    tables: tables.map((t) => t.TableName),
    buckets,
    clientOptions,
    stopS3: async () => {
      if (!s3Running) return;
      s3Running = false;
      // Drop open connections too: close() alone waits for in-flight requests, and an outage does not.
      const closing = s3.close();
      s3.httpServer?.closeAllConnections();
      await closing;
    },
    startS3: async () => {
      if (s3Running) return;
      s3 = new S3rver({ ...s3Options, port: s3Port });
      await s3.run();
      s3Running = true;
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      for (const client of Object.values(clients)) client.destroy();
      const s3Closing = s3Running ? s3.close() : Promise.resolve();
      s3.httpServer?.closeAllConnections();
      await Promise.allSettled([close(kinesisServer), close(dynamoServer), s3Closing]);
      if (ephemeral) await rm(root, { recursive: true, force: true });
      log.info({}, 'local stack stopped');
    },
  };
  try {
    await createPlatformResources(clients, { streams, tables, buckets });
  } catch (error) {
    await stack.stop();
    throw error;
  }
  log.info({ endpoints, dataDir: ephemeral ? undefined : root }, 'local stack started');
  return stack;
}

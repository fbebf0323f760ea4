import { join } from 'node:path';
import { Argument, InvalidArgumentError, Option, type Command } from 'commander';
import pino from 'pino';
import { hostname } from 'node:os';
import {
  createDynamoDbClient,
  createKinesisClient,
  createS3Client,
  endpointsFromEnv,
  ensureTable,
  kinesisLeaseShards,
  LeaseCoordinator,
  loadTableDefinitions,
} from '@coattail/connectors';
import type { JobClient } from '@coattail/runtime';
import { describeJobConfig, JOB_NAMES, parseJobConfig, runStreamJob, type JobName } from '@coattail/stream-jobs';
import { installSignalLatch, onStopSignal, stopSignal } from '../signal-latch.js';

interface JobOptions {
  stateDir: string;
  /** undefined: on when the catalog is shared (ICEBERG_CATALOG=glue), i.e. when deployed. */
  leases?: boolean;
  source?: 'kinesis' | 'kafka';
  brokers?: string;
  topic?: string;
  group?: string;
}

/** Command-line options win over the environment's SOURCE, KAFKA_BROKERS, KAFKA_TOPIC and KAFKA_GROUP_ID. */
function sourceEnv(options: JobOptions): Record<string, string> {
  return {
    ...(options.source !== undefined ? { SOURCE: options.source } : {}),
    ...(options.brokers !== undefined ? { KAFKA_BROKERS: options.brokers } : {}),
    ...(options.topic !== undefined ? { KAFKA_TOPIC: options.topic } : {}),
    ...(options.group !== undefined ? { KAFKA_GROUP_ID: options.group } : {}),
  };
}

async function runJob(name: JobName, options: JobOptions): Promise<void> {
  // First, before anything slow: a SIGTERM during start-up must still end in a clean stop.
  installSignalLatch();
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
  let job: JobClient | undefined;
  onStopSignal((signal) => {
    logger.info({ signal, running: job !== undefined }, 'stopping: final checkpoint');
    void job?.stop();
  });
  const config = parseJobConfig({ ...process.env, ...sourceEnv(options) });
  const endpoints = endpointsFromEnv();
  const clients = {
    kinesis: createKinesisClient(endpoints.kinesis ? { endpoint: endpoints.kinesis } : {}),
    dynamodb: createDynamoDbClient(endpoints.dynamodb ? { endpoint: endpoints.dynamodb } : {}),
    s3: createS3Client(endpoints.s3 ? { endpoint: endpoints.s3 } : {}),
  };
  const input =
    config.SOURCE === 'kafka'
      ? { topic: config.KAFKA_TOPIC, brokers: config.KAFKA_BROKERS }
      : { stream: config.STREAM_NAME };
  // A shared catalog means several tasks may run this job: they must split the shards, not each read all.
  // Kafka workers share partitions through their consumer group, not through shard leases.
  const useLeases = (options.leases ?? config.ICEBERG_CATALOG === 'glue') && config.SOURCE !== 'kafka';
  logger.info(
    { job: name, ...input, catalog: config.ICEBERG_CATALOG, leases: useLeases, endpoints },
    'starting stream job',
  );
  let leases: LeaseCoordinator | undefined;
  if (useLeases && stopSignal() === undefined) {
    // One lease table per job: the lease key is the shard id, which every job shares.
    const tableName = `coattail-leases-${name}`;
    const [definition] = (await loadTableDefinitions()).filter((d) => d.TableName === 'coattail-leases');
    await ensureTable(clients.dynamodb, definition!, tableName);
    leases = new LeaseCoordinator({
      client: clients.dynamodb,
      tableName,
      workerId: `${hostname()}-${process.pid}`,
      listShards: kinesisLeaseShards(clients.kinesis, config.STREAM_NAME),
      failoverTimeMs: config.LEASE_FAILOVER_MS,
      logger,
    });
    await leases.start();
    logger.info({ table: tableName }, 'leases started');
  }
  if (stopSignal() === undefined) {
    job = runStreamJob(name, config, {
      clients,
      catalogDir: join(options.stateDir, 'catalog'),
      logger,
      ...(leases ? { leases } : {}),
    });
    logger.info({ job: name }, 'stream job running');
    // SIGTERM (ECS stopping the task) and Ctrl-C: every task takes a final checkpoint, then we exit 0.
    const result = await job.done;
    logger.info({ status: result.status, tasks: result.tasks.length }, 'stream job stopped');
  } else logger.info({ signal: stopSignal() }, 'stopped before reading: nothing to checkpoint');
  await leases?.stop(); // hands the leases over at once instead of after the failover time
  for (const client of Object.values(clients)) client.destroy();
}

/** Commander parser for `--brokers`: a non-empty list of host:port. */
function brokerList(value: string): string {
  const brokers = value.split(',').map((b) => b.trim());
  const bad = brokers.filter((b) => !/^[^\s:]+:\d{1,5}$/.test(b));
  if (brokers.length === 0 || bad.length > 0)
    throw new InvalidArgumentError(`expected host:port[,host:port…], got '${value}' (bad: ${bad.join(', ')})`);
  return brokers.join(',');
}

/** `coattail job <name>`: runs one stream job until stopped. */
export function registerJob(program: Command): void {
  program
    .command('job')
    .description('run a stream job (volume-anomaly, whale-detector, spread-calculator, raw-archiver) until SIGTERM')
    .addArgument(new Argument('<name>', 'the job').choices(JOB_NAMES))
    .option('--state-dir <dir>', 'local state of the embedded Iceberg catalog (ICEBERG_CATALOG=local)', '.coattail')
    .option(
      '--leases',
      'share the shards with other workers of this job through a DynamoDB lease table (coattail-leases-<job>); ' +
        'the default with ICEBERG_CATALOG=glue',
    )
    .option('--no-leases', 'read every shard in this process even with a shared catalog')
    .addOption(
      new Option('--source <source>', 'where trades come from (env SOURCE, default kinesis)').choices([
        'kinesis',
        'kafka',
      ]),
    )
    .option('--brokers <list>', 'Kafka bootstrap brokers host:port,host:port (env KAFKA_BROKERS)', brokerList)
    .option('--topic <name>', 'Kafka topic of the trades (env KAFKA_TOPIC, default coattail-trades)')
    .option(
      '--group <id>',
      'Kafka consumer group shared by the workers of this job (env KAFKA_GROUP_ID, default coattail-<job>)',
    )
    .addHelpText(
      'after',
      `\nEndpoints: COATTAIL_KINESIS_ENDPOINT, COATTAIL_DYNAMODB_ENDPOINT, COATTAIL_S3_ENDPOINT (unset: real AWS),\n` +
        `e.g. as printed by \`coattail local-stack\`.\n` +
        `Catalog: ICEBERG_CATALOG=local (under --state-dir) or glue (shared; GLUE_ENDPOINT, GLUE_CATALOG_ID override).\n` +
        `\nConfiguration (environment variables):\n${describeJobConfig()}\n`,
    )
    .action((name: JobName, options: JobOptions) => runJob(name, options));
}

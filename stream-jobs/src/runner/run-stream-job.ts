import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  DlqSink,
  DynamoDbIdempotentSink,
  FencedCheckpointStore,
  KinesisSource,
  S3ObjectStore,
  kinesisStateKeyFilter,
  leaseSplitFilter,
  type LeaseCoordinator,
} from '@coattail/connectors';
import { openCatalog, TABLES, tablePartitionSpec, tableSchema, type Table, type TableName } from '@coattail/iceberg';
import { emfQualityPublisher, type QualityMetricsPublisher } from '@coattail/quality';
import { systemClock, type Clock, type JobClient, type Logger, type Metrics } from '@coattail/runtime';
import type { AlertBase } from '../model/records.js';
import { IcebergSink } from '../sinks/iceberg-sink.js';
import { buildJob, type JobName } from './build-job.js';
import type { JobConfig } from './job-config.js';
import { kafkaJobClient, kafkaJobInput, type KafkaClient } from './kafka-input.js';
import { decodeEnvelope, type QualityGate } from './quality-gate.js';
import { ALERT_TTL_MS, alertItem } from './table-rows.js';

export interface StreamJobDeps {
  clients: { kinesis: KinesisClient; dynamodb: DynamoDBClient; s3: S3Client };
  /** Folder of the local Iceberg catalog's pointers (the embedded default; unused with ICEBERG_CATALOG=glue). */
  catalogDir: string;
  logger: Logger;
  metrics?: Metrics;
  clock?: Clock;
  /**
   * Shares the stream's shards with other workers of this job (KCL-style leases): this worker
   * reads the shards it holds, picks up and gives up shards as leases move, and every checkpoint
   * is fenced on the lease so a worker that lost one can never record progress. Started by the caller.
   */
  leases?: LeaseCoordinator;
  /** Where quality metrics go. @default CloudWatch embedded metrics (stdout locally); false for none */
  qualityMetrics?: QualityMetricsPublisher | false;
  /** With SOURCE=kafka: the client to read with. @default one for KAFKA_BROKERS */
  kafka?: KafkaClient;
}

/**
 * Opens the platform's Iceberg tables in the warehouse bucket through the configured catalog (local
 * or Glue), creating missing ones from their definitions.
 */
export function platformTables(
  deps: Pick<StreamJobDeps, 'clients' | 'catalogDir' | 'logger'>,
  config: JobConfig,
): (name: TableName) => Promise<Table> {
  const catalog = openCatalog(config, {
    store: new S3ObjectStore({ client: deps.clients.s3, bucket: config.WAREHOUSE_BUCKET, logger: deps.logger }),
    localDir: deps.catalogDir,
    logger: deps.logger,
  });
  const open = new Map<TableName, Promise<Table>>();
  return (name) => {
    let table = open.get(name);
    if (table === undefined) {
      const def = TABLES[name];
      table = catalog.loadOrCreateTable(`${def.namespace}.${def.name}`, {
        schema: tableSchema(def),
        spec: tablePartitionSpec(def),
      });
      open.set(name, table);
    }
    return table;
  };
}

/**
 * Runs a stream job against Kinesis, DynamoDB and S3 (real AWS, or the local stack when the
 * clients point at it): one task per shard, checkpoints in the checkpoint bucket, alerts with
 * conditional puts, results in Iceberg once per checkpoint, failures in the DLQ. With
 * SOURCE=kafka it reads a Kafka topic in the job's consumer group instead: one task per partition
 * assigned to this worker, started and released as the group rebalances, offsets in the same
 * checkpoints, so the output is exactly once as on Kinesis.
 */
export function runStreamJob(name: JobName, config: JobConfig, deps: StreamJobDeps): JobClient {
  const clock = deps.clock ?? systemClock;
  const log = deps.logger.child({ job: name });
  const tables = platformTables(deps, config);
  // Leases share Kinesis shards; a Kafka job's workers share partitions through their consumer group.
  if (config.SOURCE === 'kafka' && deps.leases)
    log.warn({}, 'SOURCE=kafka: partitions are shared by the consumer group, the shard leases are not used');
  const kafka = config.SOURCE === 'kafka' ? kafkaJobInput(name, config, log, deps.kafka) : undefined;
  let gate: QualityGate | undefined;
  const env = buildJob(name, config, {
    onQualityGate: (g) => {
      gate = g;
    },
    source:
      kafka?.source ??
      new KinesisSource({
        client: deps.clients.kinesis,
        streamName: config.STREAM_NAME,
        start: config.STREAM_START,
        deserialize: decodeEnvelope,
        logger: log,
        ...(deps.metrics ? { metrics: deps.metrics } : {}),
      }),
    alerts: () =>
      new DynamoDbIdempotentSink<AlertBase>({
        client: deps.clients.dynamodb,
        tableName: config.ALERTS_TABLE,
        toItem: (a) => alertItem(a as Parameters<typeof alertItem>[0]),
        ttl: { attribute: 'expires_at', afterMs: ALERT_TTL_MS, from: (a) => a.event_time },
        logger: log,
        ...(deps.metrics ? { metrics: deps.metrics } : {}),
      }),
    table: (table, toRow) => new IcebergSink({ name: `iceberg:${table}`, table: () => tables(table), toRow }),
    dlq: () =>
      new DlqSink({
        store: new S3ObjectStore({ client: deps.clients.s3, bucket: config.RAW_BUCKET, logger: log }),
        logger: log,
      }),
    clock,
    ...(deps.qualityMetrics === false ? {} : { publisher: deps.qualityMetrics ?? emfQualityPublisher() }),
  });
  const checkpoints = new S3ObjectStore({
    client: deps.clients.s3,
    bucket: config.CHECKPOINT_BUCKET,
    prefix: 'jobs',
    logger: log,
  });
  if (kafka) {
    const job = env.executeAsync({
      jobId: name,
      checkpointStore: kafka.fence(checkpoints),
      splitFilter: kafka.splitFilter,
      splitDiscoveryIntervalMs: config.SPLIT_DISCOVERY_MS,
      checkpointIntervalMs: config.CHECKPOINT_INTERVAL_MS,
      commitBehind: config.SINK_COMMIT === 'behind',
      ...idlePolls(config),
      clock,
      logger: log,
      ...(deps.metrics ? { metrics: deps.metrics } : {}),
    });
    return kafkaJobClient(job, kafka.source, {
      sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
      logger: log,
      flush: async () => {
        await gate?.flush();
      },
    });
  }
  const client = env.executeAsync({
    jobId: name,
    checkpointStore: deps.leases ? new FencedCheckpointStore(checkpoints, deps.leases) : checkpoints,
    ...(deps.leases
      ? { splitFilter: leaseSplitFilter(deps.leases), splitDiscoveryIntervalMs: config.SPLIT_DISCOVERY_MS }
      : {}),
    checkpointIntervalMs: config.CHECKPOINT_INTERVAL_MS,
    commitBehind: config.SINK_COMMIT === 'behind',
    ...idlePolls(config),
    // Keys start with the symbol, the producer's partition key: a reshard hands each child its symbols.
    stateKeyFilter: kinesisStateKeyFilter((key) => String(key).split('|')[0]!),
    clock,
    logger: log,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  // However the job ends (SIGTERM, failure, end of input), the gate's last partial interval is published.
  const done = client.done.then(async (result) => {
    await gate?.flush();
    return result;
  });
  return {
    jobId: client.jobId,
    done,
    stop: async () => {
      await client.stop();
      return done;
    },
    tasks: () => client.tasks(),
  };
}

/** A task with nothing new to read polls again within IDLE_POLL_MAX_MS: alerts wait no longer than that. */
function idlePolls(config: JobConfig): { idlePollDelayMs: number; maxIdlePollDelayMs: number } {
  return { idlePollDelayMs: Math.min(5, config.IDLE_POLL_MAX_MS), maxIdlePollDelayMs: config.IDLE_POLL_MAX_MS };
}

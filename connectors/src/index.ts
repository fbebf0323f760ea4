/**
 * @coattail/connectors — the runtime's connections to the outside: object stores (local folder,
 * S3), the S3 checkpoint store, Kinesis (source, writer, KPL aggregation, leases), DynamoDB (the
 * idempotent sink and the alerts client), the DLQ writer and Kafka. The in-process emulators live in @coattail/local-stack,
 * which production images do not install.
 *
 * @example
 * import { S3ObjectStore, createS3Client } from '@coattail/connectors';
 * const store = new S3ObjectStore({ client: createS3Client({ region: 'us-east-1' }), bucket: 'coattail-checkpoints' });
 * await store.put('raw/dt=2026-11-21/part-0.parquet', bytes);
 */
export type { ObjectInfo, ObjectStore } from './object-store/object-store.js';
export { LocalObjectStore } from './object-store/local-object-store.js';
export { S3ObjectStore, type S3ObjectStoreOptions } from './object-store/s3-object-store.js';

export {
  ConnectorError,
  ConnectorConfigError,
  PeerUnavailableError,
  LeaseLostError,
  type ErrorDomain,
} from './errors.js';
export { withRetry, backoffDelay, type RetryOptions } from './retry.js';
export { isTransientAwsError, isThrottlingError, awsErrorName, sdkAttempts } from './aws/aws-errors.js';
export {
  createKinesisClient,
  createDynamoDbClient,
  createS3Client,
  endpointsFromEnv,
  LOCAL_CREDENTIALS,
  type AwsClientOptions,
  type AwsEndpoints,
  type StaticCredentials,
} from './aws/aws-clients.js';

export {
  loadTableDefinitions,
  ensureTable,
  tableDefinitionSchema,
  DEFAULT_DDL_DIR,
  type TableDefinition,
} from './dynamodb/table-definitions.js';

export { KinesisWriter, KINESIS_LIMITS, type KinesisWriterOptions } from './kinesis/kinesis-writer.js';
export {
  encodeAggregated,
  deaggregate,
  looksAggregated,
  KPL_MAGIC,
  type UserRecord,
} from './kinesis/kpl-aggregation.js';
export { KinesisSource, type KinesisSourceOptions } from './kinesis/kinesis-source.js';
export type { KinesisRecord, KinesisStart, KinesisPosition } from './kinesis/shard-reader.js';
export {
  kinesisHashKey,
  shardHoldsKey,
  shardMetaOf,
  kinesisStateKeyFilter,
  listAllShards,
  type ShardMeta,
} from './kinesis/shards.js';

export { DynamoDbIdempotentSink, type DynamoDbIdempotentSinkOptions } from './dynamodb/idempotent-sink.js';
export { toItem, toAttribute, fromItem, fromAttribute } from './dynamodb/marshal.js';
export {
  AlertsClient,
  type AlertsClientOptions,
  type AlertPage,
  type AlertLookup,
  type PageOptions,
} from './dynamodb/alerts-client.js';
export type { AlertQuery } from './dynamodb/alert-query.js';
export { followAlerts, type FollowOptions, type AlertReader } from './dynamodb/alert-follower.js';
export {
  ALERT_KINDS,
  alertSchema,
  parseAlertItem,
  type Alert,
  type AlertKind,
  type VolumeAnomalyAlert,
  type WhaleAlertItem,
  type SpreadAlertItem,
  type MalformedAlert,
  type ParsedAlertItem,
} from './dynamodb/alert-schema.js';
export { LeaseCoordinator, type LeaseCoordinatorOptions } from './leases/lease-coordinator.js';
export { LeaseTable, SHARD_END, type Lease, type LeaseShard } from './leases/lease-table.js';
export { kinesisLeaseShards, leaseSplitFilter, FencedCheckpointStore } from './leases/lease-integration.js';
export {
  DlqWriter,
  DlqSink,
  dlqKey,
  sanitizeKeySegment,
  type DlqEntry,
  type DlqWriterOptions,
  type DlqSinkOptions,
} from './dlq/dlq-writer.js';

export { KafkaSource, type KafkaSourceOptions, type KafkaRecord } from './kafka/kafka-source.js';
export { createKafkaClient, type KafkaClientOptions } from './kafka/kafka-client.js';
export { KafkaWriter, KafkaSink, type KafkaWriterOptions, type KafkaOutRecord } from './kafka/kafka-writer.js';

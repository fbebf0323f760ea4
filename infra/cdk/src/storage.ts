import type { TableDefinition as DynamoTableDefinition } from '@coattail/connectors';
import { Duration, RemovalPolicy, aws_dynamodb as dynamodb, aws_kinesis as kinesis, aws_s3 as s3 } from 'aws-cdk-lib';
import { type Construct } from 'constructs';
import { PREFIXES } from './access.js';
import type { DeploymentConfig } from './config.js';

/** The platform's stream name: what the producer and the jobs default to. */
export const STREAM_NAME = 'coattail-trades';

const ATTRIBUTE_TYPES: Record<string, dynamodb.AttributeType> = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
  B: dynamodb.AttributeType.BINARY,
};

function attribute(def: DynamoTableDefinition, name: string | undefined): dynamodb.Attribute {
  const declared = def.AttributeDefinitions.find((a) => a.AttributeName === name);
  const type = declared === undefined ? undefined : ATTRIBUTE_TYPES[declared.AttributeType];
  if (name === undefined || type === undefined)
    throw new Error(`ddl/dynamodb ${def.TableName}: key attribute ${String(name)} has no S/N/B definition`);
  return { name, type };
}

const keyOf = (def: DynamoTableDefinition, keys: DynamoTableDefinition['KeySchema'], kind: 'HASH' | 'RANGE') =>
  keys.find((k) => k.KeyType === kind)?.AttributeName;

/**
 * A DynamoDB table from its definition in `ddl/dynamodb/` — the file the local stack and the jobs'
 * ensureTable create from — so the deployed table has the same keys, indexes and TTL.
 */
export function dynamoTableFrom(
  scope: Construct,
  id: string,
  def: DynamoTableDefinition,
  tableName: string = def.TableName,
): dynamodb.Table {
  const sortKey = keyOf(def, def.KeySchema, 'RANGE');
  const table = new dynamodb.Table(scope, id, {
    tableName,
    partitionKey: attribute(def, keyOf(def, def.KeySchema, 'HASH')),
    ...(sortKey === undefined ? {} : { sortKey: attribute(def, sortKey) }),
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    ...(def.TimeToLiveSpecification?.Enabled ? { timeToLiveAttribute: def.TimeToLiveSpecification.AttributeName } : {}),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  for (const index of def.GlobalSecondaryIndexes ?? []) {
    const indexSortKey = keyOf(def, index.KeySchema, 'RANGE');
    table.addGlobalSecondaryIndex({
      indexName: index.IndexName,
      partitionKey: attribute(def, keyOf(def, index.KeySchema, 'HASH')),
      ...(indexSortKey === undefined ? {} : { sortKey: attribute(def, indexSortKey) }),
      projectionType: dynamodb.ProjectionType[index.Projection?.ProjectionType ?? 'ALL'],
    });
  }
  return table;
}

/** The platform's buckets: raw (DLQ objects), warehouse (Iceberg), checkpoints; each private, encrypted, TLS-only and access-logged. */
export interface Buckets {
  /** The buckets' names, known before deployment (so policies name them exactly). */
  names: { raw: string; warehouse: string; checkpoints: string };
  raw: s3.Bucket;
  warehouse: s3.Bucket;
  checkpoints: s3.Bucket;
  accessLogs: s3.Bucket;
}

export function platformBuckets(scope: Construct, config: DeploymentConfig): Buckets {
  const secure = {
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  } as const;
  const accessLogs = new s3.Bucket(scope, 'AccessLogs', {
    ...secure,
    lifecycleRules: [{ expiration: Duration.days(90) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const name = (suffix: string): string => `${config.bucketPrefix}-${suffix}`;
  const bucket = (id: string, suffix: string, props: s3.BucketProps = {}): s3.Bucket =>
    new s3.Bucket(scope, id, {
      ...secure,
      bucketName: name(suffix),
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: `${suffix}/`,
      removalPolicy: RemovalPolicy.RETAIN,
      ...props,
    });
  return {
    names: { raw: name('raw'), warehouse: name('warehouse'), checkpoints: name('checkpoints') },
    accessLogs,
    raw: bucket('Raw', 'raw', {
      lifecycleRules: [
        { id: 'expire-dead-letters', prefix: PREFIXES.dlq, expiration: Duration.days(config.dlqRetentionDays) },
      ],
      // Counts puts under dlq/ so an alarm can watch dead letters grow.
      metrics: [{ id: 'dead-letters', prefix: PREFIXES.dlq }],
    }),
    warehouse: bucket('Warehouse', 'warehouse'),
    checkpoints: bucket('Checkpoints', 'checkpoints', {
      // Checkpoint files are small single puts; only an interrupted multipart upload could linger.
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    }),
  };
}

/** The trades stream, encrypted with the AWS-managed key (no key policy for the tasks to need). */
export function tradesStream(scope: Construct, config: DeploymentConfig): kinesis.Stream {
  return new kinesis.Stream(scope, 'Trades', {
    streamName: STREAM_NAME,
    shardCount: config.shards,
    retentionPeriod: Duration.hours(24),
    encryption: kinesis.StreamEncryption.MANAGED,
  });
}

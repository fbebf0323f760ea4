import type { TableName } from '@coattail/iceberg';

/** The stream jobs the platform deploys, each as its own ECS service running `coattail job <name> --leases`. */
export const DEPLOYED_JOBS = ['volume-anomaly', 'whale-detector', 'spread-calculator', 'raw-archiver'] as const;
export type DeployedJob = (typeof DEPLOYED_JOBS)[number];

/**
 * What a stream job's code touches, and so what its task role grants; nothing else. Every job
 * reads the trades stream, holds leases in its own table, checkpoints under its own prefix and
 * dead-letters bad records; they differ in the Iceberg tables they commit to and whether they put
 * alerts. A test builds each job's graph and checks this table against the sinks it really has.
 */
export interface JobAccess {
  /** Iceberg tables the job commits to (through the Glue catalog). */
  tables: readonly TableName[];
  /** Conditional PutItem into the alerts table. */
  alerts: boolean;
}

export const JOB_ACCESS: Record<DeployedJob, JobAccess> = {
  'volume-anomaly': { tables: ['volume_aggregates', 'alerts'], alerts: true },
  'whale-detector': { tables: ['whale_trades'], alerts: true },
  'spread-calculator': { tables: ['spreads'], alerts: true },
  'raw-archiver': { tables: ['raw_trades'], alerts: false },
};

/** The API calls behind each piece of code, as IAM actions. One place, so roles and tests agree. */
export const ACTIONS = {
  /** KinesisSource: ListShards (shard discovery), GetShardIterator and GetRecords (shard readers). */
  readStream: ['kinesis:ListShards', 'kinesis:GetShardIterator', 'kinesis:GetRecords'],
  /** KinesisWriter: PutRecords only. */
  writeStream: ['kinesis:PutRecords'],
  /** DynamoDbIdempotentSink: PutItem with attribute_not_exists(alert_id). */
  putAlerts: ['dynamodb:PutItem'],
  /**
   * `coattail job --leases`: ensureTable (CreateTable, answered ResourceInUse since the stack made the
   * table, then DescribeTable until ACTIVE) and the LeaseTable's Scan, PutItem and UpdateItem.
   */
  leases: [
    'dynamodb:CreateTable',
    'dynamodb:DescribeTable',
    'dynamodb:Scan',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
  ],
  /** S3ObjectStore as checkpoint store and Iceberg FileIO: get, put, delete (DeleteObjects) objects... */
  objects: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
  /** ...and ListObjects, limited to the prefix by an s3:prefix condition. */
  list: ['s3:ListBucket'],
  /** DlqWriter: puts JSONL objects only. */
  putDeadLetters: ['s3:PutObject'],
  /** GluePointerStore: load, create and swap (VersionId-checked UpdateTable) a table's metadata pointer. */
  catalog: ['glue:GetTable', 'glue:CreateTable', 'glue:UpdateTable'],
  /** The file-quality service's SQS consumer: ReceiveMessage, then DeleteMessage once handled. */
  consumeQueue: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'],
  /** The file-quality service's ObjectFetcher. */
  readObjects: ['s3:GetObject'],
} as const;

/** Key prefixes of the platform's objects: the jobs write there, the file-quality service reads there. */
export const PREFIXES = {
  /** DlqWriter: `dlq/{reason}/dt={yyyy-mm-dd}/{job}-{split}-{first}-{last}.jsonl` in the raw bucket. */
  dlq: 'dlq/',
  /** The run-stream-job checkpoint store: `jobs/<job>/...` in the checkpoint bucket. */
  checkpoints: (job: string): string => `jobs/${job}/`,
  /** Iceberg tables: `warehouse/<namespace>/<table>/` in the warehouse bucket (the catalog's default). */
  table: (namespace: string, table: string): string => `warehouse/${namespace}/${table}/`,
} as const;

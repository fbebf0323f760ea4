import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { setTimeout as sleep } from 'node:timers/promises';
import { awsErrorName, ensureTable, type TableDefinition } from '@coattail/connectors';

/** A Kinesis stream to create. */
export interface StreamSpec {
  name: string;
  shards: number;
}

/** Creates a stream unless it exists, and waits until it is ACTIVE. */
export async function ensureStream(kinesis: KinesisClient, spec: StreamSpec): Promise<void> {
  try {
    await kinesis.send(new CreateStreamCommand({ StreamName: spec.name, ShardCount: spec.shards }));
  } catch (error) {
    if (awsErrorName(error) !== 'ResourceInUseException') throw error;
  }
  await waitForStreamActive(kinesis, spec.name);
}

/** Waits until a stream is ACTIVE again (after create, split or merge); gives up after about 12 s. */
export async function waitForStreamActive(kinesis: KinesisClient, name: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const { StreamDescriptionSummary: s } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    if (s?.StreamStatus === 'ACTIVE') return;
    await sleep(20);
  }
}

/** Creates a bucket unless it exists. */
export async function ensureBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const name = awsErrorName(error);
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
  }
}

/** Creates (idempotently) every stream, table and bucket named. */
export async function createPlatformResources(
  clients: { kinesis: KinesisClient; dynamodb: DynamoDBClient; s3: S3Client },
  resources: { streams: readonly StreamSpec[]; tables: readonly TableDefinition[]; buckets: readonly string[] },
): Promise<void> {
  await Promise.all([
    ...resources.streams.map((s) => ensureStream(clients.kinesis, s)),
    ...resources.tables.map((t) => ensureTable(clients.dynamodb, t)),
    ...resources.buckets.map((b) => ensureBucket(clients.s3, b)),
  ]);
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ensureTable, KafkaWriter, loadTableDefinitions } from '@coattail/connectors';
import { ensureBucket, kcatInstalled, MockKafkaCluster, startLocalStack, type LocalStack } from '@coattail/local-stack';
import type { JobTrade } from '../src/index.js';

/** Runs wherever kcat is installed, and always in CI, where a missing kcat fails the suite. */
export const runKafkaJobTests = kcatInstalled() || process.env.CI === 'true';

/** librdkafka's mock cluster (3 brokers) beside the local AWS stack, for stream jobs over Kafka. */
export interface KafkaJobStack {
  cluster: MockKafkaCluster;
  stack: LocalStack;
  dir: string;
  /** A fresh topic, alerts table and buckets for test `id`: the environment a job gets. */
  setUp(id: string, sessionTimeoutMs?: number): Promise<Record<string, string>>;
  /** Writes trades (and raw payloads) keyed by symbol, as the producer does. */
  publish(topic: string, trades: readonly JobTrade[], extra?: { key: string; value: string }[]): Promise<void>;
  /** Keys of the DLQ objects under `dlq/{reason}/`. */
  dlqKeys(env: Record<string, string>, reason: string): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startKafkaJobStack(): Promise<KafkaJobStack> {
  const cluster = await MockKafkaCluster.start(3);
  const stack = await startLocalStack();
  const dir = await mkdtemp(join(tmpdir(), 'kafka-jobs-'));
  return {
    cluster,
    stack,
    dir,
    async setUp(id, sessionTimeoutMs = 3_000) {
      const [definition] = (await loadTableDefinitions()).filter((d) => d.TableName === 'coattail-alerts');
      await ensureTable(stack.clients.dynamodb, definition!, `alerts-${id}`);
      for (const b of ['warehouse', 'checkpoints', 'raw']) await ensureBucket(stack.clients.s3, `${b}-${id}`);
      return {
        COATTAIL_DYNAMODB_ENDPOINT: stack.endpoints.dynamodb,
        COATTAIL_S3_ENDPOINT: stack.endpoints.s3,
        AWS_ACCESS_KEY_ID: stack.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: stack.credentials.secretAccessKey,
        AWS_REGION: stack.region,
        SOURCE: 'kafka',
        KAFKA_BROKERS: cluster.brokers.join(','),
        KAFKA_TOPIC: `trades-${id}`,
        KAFKA_GROUP_ID: `group-${id}`,
        // A worker that vanished holds its partitions until the group gives up on it.
        KAFKA_SESSION_TIMEOUT_MS: String(sessionTimeoutMs),
        ALERTS_TABLE: `alerts-${id}`,
        WAREHOUSE_BUCKET: `warehouse-${id}`,
        CHECKPOINT_BUCKET: `checkpoints-${id}`,
        RAW_BUCKET: `raw-${id}`,
        CHECKPOINT_INTERVAL_MS: '200',
        SPLIT_DISCOVERY_MS: '200',
        IDLENESS_MS: '1000',
        LOG_LEVEL: 'error',
      };
    },
    async publish(topic, trades, extra = []) {
      const writer = new KafkaWriter({ kafka: cluster.kafka('publisher'), topic });
      await writer.write(trades.map((t) => ({ key: t.symbol, value: JSON.stringify(t) })));
      if (extra.length > 0) await writer.write(extra);
      await writer.close();
    },
    async dlqKeys(env, reason) {
      const listed = await stack.clients.s3.send(
        new ListObjectsV2Command({ Bucket: env.RAW_BUCKET, Prefix: `dlq/${reason}/` }),
      );
      return (listed.Contents ?? []).map((o) => o.Key!);
    },
    async stop() {
      await cluster.stop();
      await stack.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function waitFor(what: string, ok: () => boolean | Promise<boolean>, timeoutMs = 45_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

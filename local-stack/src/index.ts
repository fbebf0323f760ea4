/**
 * @coattail/local-stack — the platform's AWS peers in one process, for `coattail up`, `coattail
 * local-stack` and the tests: kinesalite (Kinesis), dynalite (DynamoDB) and s3rver (S3) on
 * loopback, with the platform's streams, tables and buckets created. Never installed in a
 * production image: the deployed platform talks to AWS itself.
 *
 * @example
 * import { S3ObjectStore } from '@coattail/connectors';
 * import { startLocalStack } from '@coattail/local-stack';
 * const stack = await startLocalStack();
 * const store = new S3ObjectStore({ client: stack.clients.s3, bucket: 'coattail-checkpoints' });
 * await store.put('raw/dt=2026-11-21/part-0.parquet', bytes);
 * await stack.stop();
 */
export {
  startLocalStack,
  DEFAULT_STREAMS,
  DEFAULT_BUCKETS,
  type LocalStack,
  type LocalStackOptions,
} from './local-stack.js';
export {
  ensureStream,
  ensureBucket,
  waitForStreamActive,
  createPlatformResources,
  type StreamSpec,
} from './platform-resources.js';
export { MockKafkaCluster, kcatInstalled } from './kafka-mock-cluster.js';

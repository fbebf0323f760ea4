import { CollectSink, InMemoryMetrics, StreamEnvironment, WatermarkStrategy } from '@coattail/runtime';
import {
  FencedCheckpointStore,
  KinesisSource,
  KinesisWriter,
  LeaseCoordinator,
  S3ObjectStore,
  ensureTable,
  kinesisLeaseShards,
  leaseSplitFilter,
  loadTableDefinitions,
} from '@coattail/connectors';
import { ensureStream, startLocalStack, type LocalStack } from '@coattail/local-stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ streams: [], tables: [], buckets: ['coattail-checkpoints'] });
  await ensureTable(
    stack.clients.dynamodb,
    (await loadTableDefinitions()).find((t) => t.TableName === 'coattail-leases')!,
    'job-leases',
  );
  await ensureStream(stack.clients.kinesis, { name: 'leased', shards: 2 });
});
afterAll(() => stack.stop());

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('a runtime job on leased shards', () => {
  it('reads only the shards its worker holds and cannot complete a checkpoint once a shard’s lease is taken', async () => {
    const coordinator = (workerId: string): LeaseCoordinator =>
      new LeaseCoordinator({
        client: stack.clients.dynamodb,
        tableName: 'job-leases',
        workerId,
        listShards: kinesisLeaseShards(stack.clients.kinesis, 'leased'),
        failoverTimeMs: 60_000,
        shardSyncIntervalMs: 0,
      });
    const a = coordinator('worker-a');
    const b = coordinator('worker-b');
    await a.runRound();
    await b.runRound(); // b steals one of a's two shards to balance
    await a.runRound();
    expect(a.held().size).toBe(1);
    const [mine] = [...a.held()];
    const [theirs] = [...b.held()];

    const writer = new KinesisWriter({ client: stack.clients.kinesis, streamName: 'leased' });
    await writer.write(
      Array.from({ length: 200 }, (_, i) => ({ partitionKey: `k${i}`, data: Buffer.from(String(i)) })),
    );
    await writer.close();

    const metrics = new InMemoryMetrics();
    const sink = new CollectSink<string>();
    const env = StreamEnvironment.create();
    env
      .fromSource(
        new KinesisSource({
          client: stack.clients.kinesis,
          streamName: 'leased',
          deserialize: (r) => r.shardId,
          minPollIntervalMs: 10,
          idleDelayMs: 10,
          maxIdleDelayMs: 50,
        }),
        WatermarkStrategy.noWatermarks(),
      )
      .sinkTo(sink);
    const store = new FencedCheckpointStore(
      new S3ObjectStore({ client: stack.clients.s3, bucket: 'coattail-checkpoints', prefix: 'leased' }),
      a,
    );
    const job = env.executeAsync({
      jobId: 'leased',
      splitFilter: leaseSplitFilter(a),
      checkpointStore: store,
      checkpointIntervalMs: 100,
      metrics,
      idlePollDelayMs: 5,
      maxIdlePollDelayMs: 50,
    });
    await sleep(600);
    expect(new Set(sink.values)).toEqual(new Set([mine]));
    expect((await a.table.list()).find((l) => l.leaseKey === mine)!.checkpoint).toMatch(/^chk-\d+$/);
    expect(metrics.total('checkpointsFailed')).toBe(0);

    // Another worker takes the shard (as after a missed renewal): this job's next checkpoints are refused.
    let taken: { counter: number; checkpoint: string } | undefined;
    while (taken === undefined) {
      const lease = (await b.table.list()).find((l) => l.leaseKey === mine)!;
      const counter = await b.table.take(lease, 'worker-b');
      if (counter !== undefined) taken = { counter, checkpoint: lease.checkpoint };
    }
    await sleep(500);
    expect(metrics.total('checkpointsFailed')).toBeGreaterThan(0);
    expect((await a.table.list()).find((l) => l.leaseKey === mine)).toMatchObject({
      leaseOwner: 'worker-b',
      leaseCounter: taken.counter,
      checkpoint: taken.checkpoint,
    });
    expect(theirs).not.toBe(mine);

    // Hand the lease back so the job can take its final checkpoint and stop cleanly.
    await b.table.release(mine!, 'worker-b', taken.counter);
    await a.runRound();
    expect(a.holds(mine!)).toBe(true);
    await job.stop();
    await a.stop(false);
    await b.stop(false);
  });
});

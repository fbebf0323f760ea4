import { MergeShardsCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { InMemoryMetrics } from '@coattail/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureStream, waitForStreamActive, startLocalStack, type LocalStack } from '@coattail/local-stack';
import { KinesisSource } from './kinesis-source.js';
import type { KinesisRecord } from './shard-reader.js';
import { kinesisHashKey } from './shards.js';
import { runKeyedCountJob, type KeyedTrade } from './kinesis-test-support.js';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ streams: [], tables: [], buckets: [] });
});
afterAll(() => stack.stop());

const HALF = 2n ** 127n;
const ALL_KEYS = Array.from({ length: 64 }, (_, i) => `SYM${i}`);
/** Keys of the lower and upper half of the hash range, i.e. of shard 0 and shard 1 of a 2-shard stream. */
const LOW = ALL_KEYS.filter((k) => kinesisHashKey(k) < HALF).slice(0, 4);
const HIGH = ALL_KEYS.filter((k) => kinesisHashKey(k) >= HALF).slice(0, 4);

/** Plain PutRecords (the SDK, not our writer): record i goes under `keys[i % keys.length]`. */
async function put(client: KinesisClient, stream: string, from: number, count: number, keys: string[]): Promise<void> {
  for (let start = from; start < from + count; start += 500) {
    const end = Math.min(from + count, start + 500);
    const Records = Array.from({ length: end - start }, (_, j) => {
      const i = start + j;
      const key = keys[i % keys.length]!;
      return { PartitionKey: key, Data: Buffer.from(JSON.stringify({ key, i })) };
    });
    const out = await client.send(new PutRecordsCommand({ StreamName: stream, Records }));
    expect(out.FailedRecordCount ?? 0).toBe(0);
  }
}

describe('KinesisSource across a shard merge (kinesalite)', () => {
  it('reads the merged child only after BOTH parents ended, and the child continues both parents’ keyed state', async () => {
    const stream = 'merge-0';
    const kinesis = stack.clients.kinesis;
    await ensureStream(kinesis, { name: stream, shards: 2 });
    // Parent 0 holds few records, parent 1 many: read 10 per GetRecords, parent 1 ends long after
    // parent 0, so a child started after the first parent alone would interleave with parent 1.
    await put(kinesis, stream, 0, 20, LOW);
    await put(kinesis, stream, 20, 400, HIGH);
    await kinesis.send(
      new MergeShardsCommand({
        StreamName: stream,
        ShardToMerge: 'shardId-000000000000',
        AdjacentShardToMerge: 'shardId-000000000001',
      }),
    );
    await waitForStreamActive(kinesis, stream);
    await put(kinesis, stream, 420, 200, [...LOW, ...HIGH]);

    const metrics = new InMemoryMetrics();
    const parse = (r: KinesisRecord): KeyedTrade => ({
      ...(JSON.parse(Buffer.from(r.data).toString()) as Omit<KeyedTrade, 'shardId'>),
      shardId: r.shardId,
    });
    const source = new KinesisSource({
      client: kinesis,
      streamName: stream,
      deserialize: parse,
      stopAtLatest: true,
      metrics,
      maxRecordsPerCall: 10,
      minPollIntervalMs: 0,
      idleDelayMs: 5,
      maxIdleDelayMs: 20,
    });
    const { result, out, counts, emitted } = await runKeyedCountJob(source, 'kinesis-merge');
    expect(result.tasks.map((t) => [t.id, t.status]).sort()).toEqual([
      ['shardId-000000000000', 'HANDED_OFF'],
      ['shardId-000000000001', 'HANDED_OFF'],
      ['shardId-000000000002', 'FINISHED'],
    ]);
    expect(out.map((r) => r.i).sort((a, b) => a - b)).toEqual(Array.from({ length: 620 }, (_, i) => i));
    const firstChild = out.findIndex((r) => r.shardId === 'shardId-000000000002');
    const lastOf = (shard: string): number => out.map((r) => r.shardId).lastIndexOf(shard);
    expect(lastOf('shardId-000000000000')).toBeLessThan(firstChild);
    expect(lastOf('shardId-000000000001')).toBeLessThan(firstChild);
    expect(out.slice(firstChild).every((r) => r.shardId === 'shardId-000000000002' && r.i >= 420)).toBe(true);
    expect(out.slice(0, firstChild).every((r) => r.i < 420)).toBe(true);

    // Each key's window result comes once, from the child, counting both parents' records too.
    expect(emitted).toBe(LOW.length + HIGH.length);
    for (const key of [...LOW, ...HIGH]) {
      expect(counts.get(key)).toMatchObject({
        count: out.filter((r) => r.key === key).length,
        task: 'shardId-000000000002',
      });
    }

    // millisBehindLatest per shard: kinesalite reports 0 for an open shard and, on the last
    // GetRecords of a closed one, the time since it closed; so the parents' gauges are > 0 and the child's is 0.
    expect(metrics.gaugeValue('millisBehindLatest', { shard: 'shardId-000000000000' })).toBeGreaterThan(0);
    expect(metrics.gaugeValue('millisBehindLatest', { shard: 'shardId-000000000001' })).toBeGreaterThan(0);
    expect(metrics.gaugeValue('millisBehindLatest', { shard: 'shardId-000000000002' })).toBe(0);
  });
});

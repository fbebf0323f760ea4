import {
  GetRecordsCommand,
  KinesisClient,
  SplitShardCommand,
  type GetRecordsCommandOutput,
} from '@aws-sdk/client-kinesis';
import { InMemoryMetrics } from '@coattail/runtime/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureStream, waitForStreamActive, startLocalStack, type LocalStack } from '@coattail/local-stack';
import { KinesisSource } from './kinesis-source.js';
import { KinesisWriter } from './kinesis-writer.js';
import type { KinesisRecord } from './shard-reader.js';
import { kinesisHashKey } from './shards.js';
import { runKeyedCountJob, type KeyedTrade } from './kinesis-test-support.js';

let stack: LocalStack;
let n = 0;
beforeAll(async () => {
  stack = await startLocalStack({ streams: [], tables: [], buckets: [] });
});
afterAll(() => stack.stop());

interface Trade {
  key: string;
  i: number;
}
const KEYS = Array.from({ length: 16 }, (_, i) => `SYM${i}`);

async function write(stream: string, from: number, count: number, aggregation: boolean): Promise<void> {
  const writer = new KinesisWriter({
    client: stack.clients.kinesis,
    streamName: stream,
    aggregation,
    strictOrder: true,
  });
  await writer.write(
    Array.from({ length: count }, (_, j) => {
      const i = from + j;
      const key = KEYS[i % KEYS.length]!;
      return { partitionKey: key, data: Buffer.from(JSON.stringify({ key, i })) };
    }),
  );
  await writer.close();
}

const fast = { minPollIntervalMs: 0, idleDelayMs: 5, maxIdleDelayMs: 20 };
const parse = (r: KinesisRecord): KeyedTrade => ({
  ...(JSON.parse(Buffer.from(r.data).toString()) as Trade),
  shardId: r.shardId,
});

describe('KinesisSource in a runtime job', () => {
  it('reads every record once across a shard split: children start after the parent and continue its keyed state', async () => {
    const stream = `e2e-${n++}`;
    await ensureStream(stack.clients.kinesis, { name: stream, shards: 1 });
    await write(stream, 0, 300, false);
    await write(stream, 300, 300, true);
    await stack.clients.kinesis.send(
      new SplitShardCommand({
        StreamName: stream,
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: String(2n ** 127n),
      }),
    );
    await waitForStreamActive(stack.clients.kinesis, stream);
    await write(stream, 600, 400, true);

    const metrics = new InMemoryMetrics();
    const source = new KinesisSource({
      client: stack.clients.kinesis,
      streamName: stream,
      deserialize: parse,
      stopAtLatest: true,
      metrics,
      ...fast,
    });
    const { result, out, counts: byKey, emitted } = await runKeyedCountJob(source, 'kinesis-e2e');
    expect(result.tasks.map((t) => [t.id, t.status]).sort()).toEqual([
      ['shardId-000000000000', 'HANDED_OFF'],
      ['shardId-000000000001', 'FINISHED'],
      ['shardId-000000000002', 'FINISHED'],
    ]);
    expect(out.map((r) => r.i).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    const lastParent = out.map((r) => r.shardId).lastIndexOf('shardId-000000000000');
    expect(out.slice(0, lastParent + 1).every((r) => r.i < 600)).toBe(true);
    expect(out.slice(lastParent + 1).every((r) => r.i >= 600)).toBe(true);
    for (const key of KEYS) {
      const mine = out.filter((r) => r.key === key);
      expect(mine.map((r) => r.i)).toEqual([...mine.map((r) => r.i)].sort((a, b) => a - b));
      const child = kinesisHashKey(key) < 2n ** 127n ? 'shardId-000000000001' : 'shardId-000000000002';
      expect(mine.filter((r) => r.i >= 600).every((r) => r.shardId === child)).toBe(true);
    }
    // One window result per key, from the child owning the key, counting the parent's records too.
    expect(emitted).toBe(KEYS.length);
    for (const key of KEYS) {
      const child = kinesisHashKey(key) < 2n ** 127n ? 'shardId-000000000001' : 'shardId-000000000002';
      expect(byKey.get(key)).toEqual({
        key,
        count: out.filter((r) => r.key === key).length,
        last: Math.max(...out.filter((r) => r.key === key).map((r) => r.i)),
        task: child,
      });
    }
    expect(metrics.total('kinesisRecordsRead')).toBe(1000);
    expect(metrics.gaugeValue('millisBehindLatest', { shard: 'shardId-000000000001' })).toBe(0);
  });

  it('resumes after the checkpointed sequence number, and re-acquires an expired iterator without loss', async () => {
    const stream = `resume-${n++}`;
    await ensureStream(stack.clients.kinesis, { name: stream, shards: 1 });
    await write(stream, 0, 50, false);
    const metrics = new InMemoryMetrics();
    const source = new KinesisSource({
      client: stack.clients.kinesis,
      streamName: stream,
      deserialize: parse,
      metrics,
      ...fast,
    });
    const [split] = await source.listSplits();
    const reader = source.createReader(split!, undefined);
    const first = await reader.poll(20);
    expect(first.records.map((r) => r.i)).toEqual(Array.from({ length: 20 }, (_, i) => i));

    const rest: number[] = [];
    for (let k = 0; k < 10 && rest.length < 30; k++) rest.push(...(await reader.poll(100)).records.map((r) => r.i));
    expect(rest).toEqual(Array.from({ length: 30 }, (_, i) => i + 20));

    // kinesalite runs in this process: moving Date six minutes ahead expires the iterator it issued.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 6 * 60_000);
      await write(stream, 50, 5, false);
      const late: number[] = [];
      for (let k = 0; k < 10 && late.length < 5; k++) late.push(...(await reader.poll(100)).records.map((r) => r.i));
      expect(late).toEqual([50, 51, 52, 53, 54]);
    } finally {
      vi.useRealTimers();
    }
    expect(metrics.total('kinesisIteratorsExpired')).toBe(1);

    const resumed = source.createReader(split!, first.position);
    const again: number[] = [];
    for (let k = 0; k < 10 && again.length < 35; k++) again.push(...(await resumed.poll(100)).records.map((r) => r.i));
    expect(again).toEqual(Array.from({ length: 35 }, (_, i) => i + 20));
  });

  it('starts at LATEST or AT_TIMESTAMP when there is no checkpoint', async () => {
    const stream = `start-${n++}`;
    await ensureStream(stack.clients.kinesis, { name: stream, shards: 1 });
    await write(stream, 0, 10, false);
    await new Promise((r) => setTimeout(r, 600));
    const cut = Date.now();
    await new Promise((r) => setTimeout(r, 600));
    await write(stream, 10, 10, false);
    const read = async (start: 'LATEST' | { atTimestamp: number }): Promise<number[]> => {
      const source = new KinesisSource({
        client: stack.clients.kinesis,
        streamName: stream,
        deserialize: parse,
        start,
        ...fast,
      });
      const reader = source.createReader((await source.listSplits())[0]!, undefined);
      const got = (await reader.poll(100)).records.map((r) => r.i);
      if (start === 'LATEST') await write(stream, 20, 3, false);
      for (let k = 0; k < 50 && got.length < (start === 'LATEST' ? 3 : 10); k++) {
        await new Promise((r) => setTimeout(r, 10));
        got.push(...(await reader.poll(100)).records.map((r) => r.i));
      }
      return got;
    };
    expect(await read({ atTimestamp: cut })).toEqual(Array.from({ length: 10 }, (_, i) => i + 10));
    expect(await read('LATEST')).toEqual([20, 21, 22]);
  });

  it('backs off when GetRecords is throttled and then reads on', async () => {
    const stream = `throttled-${n++}`;
    await ensureStream(stack.clients.kinesis, { name: stream, shards: 1 });
    await write(stream, 0, 10, false);
    /** kinesalite never throttles reads, so this client (a fake by necessity) refuses the first two GetRecords. */
    class Throttled extends KinesisClient {
      refusals = 2;
      constructor(private readonly real: KinesisClient) {
        super({});
      }
      override send(command: GetRecordsCommand): Promise<GetRecordsCommandOutput> {
        if (command instanceof GetRecordsCommand && this.refusals-- > 0) {
          return Promise.reject(
            Object.assign(new Error('Rate exceeded for shard'), {
              name: 'ProvisionedThroughputExceededException',
              $metadata: { httpStatusCode: 400 },
            }),
          );
        }
        return this.real.send(command);
      }
    }
    const metrics = new InMemoryMetrics();
    const source = new KinesisSource({
      client: new Throttled(stack.clients.kinesis),
      streamName: stream,
      deserialize: parse,
      metrics,
      ...fast,
      retryBaseMs: 20,
    });
    const reader = source.createReader((await source.listSplits())[0]!, undefined);
    const got: number[] = [];
    for (let k = 0; k < 100 && got.length < 10; k++) {
      got.push(...(await reader.poll(100)).records.map((r) => r.i));
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(got).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(metrics.total('kinesisReadThrottled')).toBe(2);
  });
});

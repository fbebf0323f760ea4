import {
  GetRecordsCommand,
  KinesisClient,
  PutRecordsCommand,
  type GetRecordsCommandOutput,
} from '@aws-sdk/client-kinesis';
import { InMemoryMetrics } from '@coattail/runtime/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureStream, startLocalStack, type LocalStack } from '@coattail/local-stack';
import { KinesisSource } from './kinesis-source.js';

// Poll pacing is judged by the reader's injected clock (`now`), so these tests step time by hand;
// kinesalite itself runs on the real clock.
let stack: LocalStack;
let n = 0;
beforeAll(async () => {
  stack = await startLocalStack({ streams: [], tables: [], buckets: [] });
});
afterAll(() => stack.stop());
afterEach(() => vi.restoreAllMocks());

async function put(stream: string, from: number, count: number): Promise<void> {
  const Records = Array.from({ length: count }, (_, j) => ({ PartitionKey: 'k', Data: Buffer.from(String(from + j)) }));
  await stack.clients.kinesis.send(new PutRecordsCommand({ StreamName: stream, Records }));
}

/** kinesalite, with each GetRecords call's clock time noted; the first `failures` of them fail with `error` instead. */
class Recorded extends KinesisClient {
  readonly calls: number[] = [];
  constructor(
    private readonly real: KinesisClient,
    private readonly clock: { t: number },
    private failures = 0,
    private readonly error: Error = new Error('no failure configured'),
  ) {
    super({});
  }
  override send(command: GetRecordsCommand): Promise<GetRecordsCommandOutput> {
    if (command instanceof GetRecordsCommand) {
      this.calls.push(this.clock.t);
      if (this.failures-- > 0) return Promise.reject(this.error);
    }
    return this.real.send(command);
  }
}

function reader(client: KinesisClient, stream: string, clock: { t: number }, metrics = new InMemoryMetrics()) {
  const source = new KinesisSource({
    client,
    streamName: stream,
    deserialize: (r) => Number(Buffer.from(r.data).toString()),
    metrics,
    now: () => clock.t,
    minPollIntervalMs: 0,
    idleDelayMs: 100,
    maxIdleDelayMs: 400,
    retryBaseMs: 100,
    retryMaxMs: 10_000,
  });
  return source.listSplits().then((splits) => source.createReader(splits[0]!, undefined));
}

describe('ShardReader pacing', () => {
  it('backs off with growing, jittered delays when GetRecords fails with a 5xx, then reads on', async () => {
    const stream = `5xx-${n++}`;
    await ensureStream(stack.clients.kinesis, { name: stream, shards: 1 });
    await put(stream, 0, 10);
    // kinesalite never answers 5xx, so this client (a fake by necessity) fails the first two GetRecords
    // with an error that is transient only by its status code.
    const unavailable = Object.assign(new Error('Service Unavailable'), {
      name: 'UnknownError',
      $metadata: { httpStatusCode: 503 },
    });
    const clock = { t: 0 };
    const client = new Recorded(stack.clients.kinesis, clock, 2, unavailable);
    const metrics = new InMemoryMetrics();
    const r = await reader(client, stream, clock, metrics);
    // Full jitter draws up to base * 2^attempt; pin the draw near its ceiling: delays 99, then 199.
    vi.spyOn(Math, 'random').mockReturnValue(0.999);
    const got: number[] = [];
    for (const t of [0, 0, 50, 98, 99, 100, 200, 297, 298]) {
      clock.t = t;
      got.push(...(await r.poll(100)).records);
    }
    expect(client.calls).toEqual([0, 99, 298]);
    expect(got).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(metrics.total('kinesisReadThrottled')).toBe(0); // a 5xx is not throttling
  });

  it('polls an empty shard less and less often (adaptive delay up to maxIdleDelayMs) and at once again after records', async () => {
    const stream = `idle-${n++}`;
    await ensureStream(stack.clients.kinesis, { name: stream, shards: 1 });
    const clock = { t: 0 };
    const client = new Recorded(stack.clients.kinesis, clock);
    const r = await reader(client, stream, clock);
    for (clock.t = 0; clock.t <= 1_500; clock.t += 10) expect((await r.poll(100)).records).toEqual([]);
    // idleDelayMs 100 doubling per empty poll, capped at 400.
    expect(client.calls).toEqual([0, 100, 300, 700, 1_100, 1_500]);

    await put(stream, 0, 3);
    client.calls.length = 0;
    const got: number[] = [];
    for (clock.t = 1_900; clock.t <= 2_300; clock.t += 10) got.push(...(await r.poll(100)).records);
    expect(got).toEqual([0, 1, 2]);
    // Records at 1900: the next poll goes at once (minPollIntervalMs 0), and the empty ones after it back off from 100 again.
    expect(client.calls).toEqual([1_900, 1_910, 2_010, 2_210]);
  });
});

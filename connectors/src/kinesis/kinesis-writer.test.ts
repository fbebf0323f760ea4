import { KinesisClient, PutRecordsCommand, type PutRecordsCommandOutput } from '@aws-sdk/client-kinesis';
import { InMemoryMetrics } from '@coattail/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorConfigError } from '../errors.js';
import { ensureStream, startLocalStack, type LocalStack } from '@coattail/local-stack';
import { readWholeStream } from './kinesis-test-support.js';
import { KinesisWriter } from './kinesis-writer.js';

let stack: LocalStack;
let streams = 0;
beforeAll(async () => {
  stack = await startLocalStack({ streams: [], tables: [], buckets: [] });
});
afterAll(() => stack.stop());

async function freshStream(shards = 2): Promise<string> {
  const name = `writer-${streams++}`;
  await ensureStream(stack.clients.kinesis, { name, shards });
  return name;
}

const trades = (n: number, keys: string[]): { partitionKey: string; data: Uint8Array }[] =>
  Array.from({ length: n }, (_, i) => ({
    partitionKey: keys[i % keys.length]!,
    data: Buffer.from(JSON.stringify({ key: keys[i % keys.length], i })),
  }));

function perKeySequence(records: { partitionKey: string; data: Uint8Array }[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const r of records) {
    const { i } = JSON.parse(Buffer.from(r.data).toString()) as { i: number };
    out.set(r.partitionKey, [...(out.get(r.partitionKey) ?? []), i]);
  }
  return out;
}

/**
 * kinesalite never throttles or fails part of a PutRecords call, so this client (a fake by
 * necessity) fails every `n`-th entry (none for 0) on its first attempt and passes the rest to kinesalite.
 */
class FlakyKinesis extends KinesisClient {
  calls: number[] = [];
  #seen = new Set<string>();
  constructor(
    private readonly real: KinesisClient,
    private readonly n: number,
  ) {
    super({});
  }
  override send(command: PutRecordsCommand): Promise<PutRecordsCommandOutput> {
    const entries = command.input.Records ?? [];
    this.calls.push(entries.length);
    const pass: number[] = [];
    const verdict = entries.map((e, i) => {
      const id = Buffer.from(e.Data!).toString('base64');
      const fail = this.n > 0 && i % this.n === 0 && !this.#seen.has(id);
      this.#seen.add(id);
      if (!fail) pass.push(i);
      return fail;
    });
    return this.real
      .send(new PutRecordsCommand({ ...command.input, Records: pass.map((i) => entries[i]!) }))
      .then((out) => {
        const real = [...(out.Records ?? [])];
        return {
          ...out,
          FailedRecordCount: verdict.filter(Boolean).length,
          Records: verdict.map((fail) =>
            fail
              ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' }
              : real.shift()!,
          ),
        };
      });
  }
}

describe('KinesisWriter', () => {
  it('delivers every record once, in order per partition key, in calls of at most 500', async () => {
    const stream = await freshStream();
    const flaky = new FlakyKinesis(stack.clients.kinesis, 0);
    const writer = new KinesisWriter({ client: flaky, streamName: stream });
    const input = trades(1_234, ['BTC', 'ETH', 'SOL', 'XRP']);
    for (let i = 0; i < input.length; i += 100) await writer.write(input.slice(i, i + 100));
    await writer.close();
    const { records } = await readWholeStream(stack.clients.kinesis, stream);
    expect(records).toHaveLength(1_234);
    expect(perKeySequence(records)).toEqual(perKeySequence(input));
    expect(Math.max(...flaky.calls)).toBe(500);
  });

  it('keeps each call under 5 MiB', async () => {
    const stream = await freshStream(1);
    const flaky = new FlakyKinesis(stack.clients.kinesis, 0);
    const writer = new KinesisWriter({ client: flaky, streamName: stream });
    await writer.write(
      Array.from({ length: 8 }, (_, i) => ({ partitionKey: `k${i}`, data: new Uint8Array(700 * 1024) })),
    );
    await writer.close();
    expect(flaky.calls).toEqual([7, 1]);
  });

  // Every 7th entry of a call fails once: 30 keys are not a multiple of 7, so a failed entry
  // shares its call with later entries of its own key (the case that can reorder a key).
  it('retries only the entries that failed, and keeps per-key order in strict mode', async () => {
    const stream = await freshStream();
    const metrics = new InMemoryMetrics();
    const flaky = new FlakyKinesis(stack.clients.kinesis, 7);
    const writer = new KinesisWriter({ client: flaky, streamName: stream, retryBaseMs: 1, strictOrder: true, metrics });
    const input = trades(
      300,
      Array.from({ length: 30 }, (_, i) => `S${i}`),
    );
    await writer.write(input);
    await writer.close();
    const { records } = await readWholeStream(stack.clients.kinesis, stream);
    expect(records).toHaveLength(300);
    expect(perKeySequence(records)).toEqual(perKeySequence(input));
    expect(metrics.total('kinesisEntriesRetried')).toBeGreaterThan(0);
    expect(metrics.total('kinesisEntriesRetried')).toBeLessThan(300);
  });

  it('keeps per-key order with aggregation by default when aggregates of one key fail part-way', async () => {
    const stream = await freshStream();
    const flaky = new FlakyKinesis(stack.clients.kinesis, 7);
    const writer = new KinesisWriter({
      client: flaky,
      streamName: stream,
      retryBaseMs: 1,
      aggregation: { maxBytes: 200 },
    });
    const input = trades(
      600,
      Array.from({ length: 30 }, (_, i) => `S${i}`),
    );
    await writer.write(input);
    await writer.close();
    const { records } = await readWholeStream(stack.clients.kinesis, stream);
    expect(records).toHaveLength(600);
    expect(perKeySequence(records)).toEqual(perKeySequence(input));
  });

  it('without strict order (the default without aggregation), a partial failure can reorder a key', async () => {
    const stream = await freshStream();
    const flaky = new FlakyKinesis(stack.clients.kinesis, 7);
    const writer = new KinesisWriter({ client: flaky, streamName: stream, retryBaseMs: 1 });
    const input = trades(
      300,
      Array.from({ length: 30 }, (_, i) => `S${i}`),
    );
    await writer.write(input);
    await writer.close();
    const { records } = await readWholeStream(stack.clients.kinesis, stream);
    expect(records).toHaveLength(300);
    expect(perKeySequence(records)).not.toEqual(perKeySequence(input));
    expect(Math.max(...flaky.calls)).toBe(300);
  });

  it('aggregates many small records per Kinesis record, readable record by record', async () => {
    const stream = await freshStream();
    const writer = new KinesisWriter({
      client: stack.clients.kinesis,
      streamName: stream,
      aggregation: { maxBytes: 4096 },
    });
    const input = trades(2_000, ['BTC', 'ETH', 'SOL']);
    await writer.write(input);
    await writer.close();
    const { kinesisRecords, records } = await readWholeStream(stack.clients.kinesis, stream);
    expect(records).toHaveLength(2_000);
    expect(kinesisRecords).toBeLessThan(2_000 / 50);
    expect(perKeySequence(records)).toEqual(perKeySequence(input));
  });

  it('rejects a record over the 1 MiB limit with an error that names its key', async () => {
    const writer = new KinesisWriter({ client: stack.clients.kinesis, streamName: 'unused' });
    await expect(writer.write([{ partitionKey: 'BIG', data: new Uint8Array(1024 * 1024) }])).rejects.toThrow(
      ConnectorConfigError,
    );
    await expect(writer.write([{ partitionKey: 'BIG', data: new Uint8Array(1) }])).resolves.toBeUndefined();
  });
});

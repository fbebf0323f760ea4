import {
  CollectSink,
  InMemoryMetrics,
  OutputTag,
  StreamEnvironment,
  WatermarkStrategy,
  type ProcessFunction,
} from '@coattail/runtime';
import {
  DlqSink,
  KinesisSource,
  KinesisWriter,
  S3ObjectStore,
  type DlqEntry,
  type KinesisRecord,
} from '@coattail/connectors';
import { ensureStream, startLocalStack, type LocalStack } from '@coattail/local-stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ streams: [], tables: [], buckets: ['coattail-raw', 'coattail-checkpoints'] });
});
afterAll(() => stack.stop());

const fast = { minPollIntervalMs: 10, idleDelayMs: 10, maxIdleDelayMs: 50 };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const trade = z.object({ symbol: z.string(), price: z.number().positive(), i: z.number() }).strict();
type Trade = z.infer<typeof trade>;

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  for (const start = Date.now(); !predicate(); await sleep(20))
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
}

describe('fault tolerance against the local stack', () => {
  it('keeps processing while S3 is down for seconds: checkpoints fail, later ones complete, nothing is lost or repeated', async () => {
    await ensureStream(stack.clients.kinesis, { name: 's3-outage', shards: 2 });
    const writer = new KinesisWriter({ client: stack.clients.kinesis, streamName: 's3-outage', lingerMs: 10 });
    const store = new S3ObjectStore({
      client: stack.clients.s3,
      bucket: 'coattail-checkpoints',
      retry: { attempts: 2, baseMs: 50, maxMs: 100 },
    });
    const metrics = new InMemoryMetrics();
    const build = (sink: CollectSink<number>): StreamEnvironment => {
      const env = StreamEnvironment.create();
      env
        .fromSource(
          new KinesisSource({
            client: stack.clients.kinesis,
            streamName: 's3-outage',
            deserialize: (r) => Number(Buffer.from(r.data).toString()),
            ...fast,
          }),
          WatermarkStrategy.noWatermarks(),
        )
        .sinkTo(sink);
      return env;
    };
    const first = new CollectSink<number>();
    const job = build(first).executeAsync({
      jobId: 's3-outage',
      checkpointStore: store,
      checkpointIntervalMs: 150,
      metrics,
      idlePollDelayMs: 5,
      maxIdlePollDelayMs: 50,
    });
    let sent = 0;
    const produce = async (ms: number): Promise<void> => {
      for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) {
        await writer.write(
          Array.from({ length: 20 }, () => ({ partitionKey: `k${sent % 7}`, data: Buffer.from(String(sent++)) })),
        );
      }
    };
    await produce(600);
    await stack.stopS3();
    const readBeforeOutage = first.values.length;
    await produce(2_500);
    const completedDuringOutage = metrics.total('checkpointsCompleted');
    expect(first.values.length).toBeGreaterThan(readBeforeOutage);
    await stack.startS3();
    await produce(600);
    await writer.close();
    await waitFor(() => first.values.length >= sent, 20_000);
    await sleep(400);
    await job.stop();

    expect(metrics.total('checkpointsFailed')).toBeGreaterThan(0);
    expect(metrics.total('checkpointsCompleted')).toBeGreaterThan(completedDuringOutage);
    expect(first.values.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: sent }, (_, i) => i));

    // A restart resumes after the last durable checkpoint: nothing new to read, nothing replayed twice.
    const second = new CollectSink<number>();
    const again = build(second).executeAsync({
      jobId: 's3-outage',
      checkpointStore: store,
      idlePollDelayMs: 5,
      maxIdlePollDelayMs: 50,
    });
    await sleep(700);
    await again.stop();
    expect(second.values).toEqual([]);
  });

  it('routes a poisoned record to the S3 DLQ with its failure and keeps processing the rest', async () => {
    await ensureStream(stack.clients.kinesis, { name: 'poison', shards: 1 });
    const writer = new KinesisWriter({ client: stack.clients.kinesis, streamName: 'poison' });
    const payloads = [
      '{"symbol":"BTC","price":1,"i":0}',
      'not json at all',
      '{"symbol":"ETH","price":"high","i":2}',
      '{"symbol":"SOL","price":3,"i":3}',
    ];
    await writer.write(payloads.map((p) => ({ partitionKey: 'k', data: Buffer.from(p) })));
    await writer.close();

    const rejected = new OutputTag<DlqEntry>('dlq');
    const validate: ProcessFunction<KinesisRecord, Trade> = {
      processElement(r, ctx, out) {
        const text = Buffer.from(r.data).toString();
        const fail = (reason: string, detail: string): void =>
          ctx.output(rejected, {
            reason,
            rulesFailed: [reason],
            severity: 'ERROR',
            split: r.shardId,
            sequenceNumber: r.sequenceNumber,
            ingestTime: r.arrivalTime,
            payload: text,
            detail,
          });
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch (error) {
          return fail('not_json', String(error));
        }
        const parsed = trade.safeParse(json);
        if (parsed.success) out.collect(parsed.data);
        else fail('schema', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      },
    };
    const good = new CollectSink<Trade>();
    const raw = new S3ObjectStore({ client: stack.clients.s3, bucket: 'coattail-raw' });
    const env = StreamEnvironment.create();
    const checked = env
      .fromSource(
        new KinesisSource({ client: stack.clients.kinesis, streamName: 'poison', stopAtLatest: true, ...fast }),
        WatermarkStrategy.noWatermarks(),
      )
      .process(validate);
    checked.sinkTo(good);
    checked.getSideOutput(rejected).sinkTo(new DlqSink({ store: raw }));
    await env.execute({ jobId: 'quality-gate' });

    expect(good.values.map((t) => t.i)).toEqual([0, 3]);
    const keys = (await raw.list('dlq/')).sort();
    expect(keys.map((k) => k.split('/').slice(0, 2).join('/'))).toEqual(['dlq/not_json', 'dlq/schema']);
    expect(
      keys.every((k) => /dlq\/\w+\/dt=\d{4}-\d{2}-\d{2}\/quality-gate-shardId-000000000000-\d+-\d+\.jsonl$/.test(k)),
    ).toBe(true);
    const line = JSON.parse(Buffer.from((await raw.get(keys[1]!))!).toString()) as Record<string, unknown>;
    expect(line).toMatchObject({
      job: 'quality-gate',
      reason: 'schema',
      severity: 'ERROR',
      payload: '{"symbol":"ETH","price":"high","i":2}',
    });
    expect(String(line.detail)).toContain('price');
  });
});

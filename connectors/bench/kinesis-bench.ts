/**
 * Connector benchmarks against in-process kinesalite: trades/s into Kinesis through the
 * KinesisWriter without and with KPL aggregation, against plain SDK loops measured in the same
 * run, and read throughput through the KinesisSource in a runtime job against a plain GetRecords
 * loop. Appends a dated section to docs/benchmarks.md (BENCH_NO_DOCS=1 to skip).
 * Size: BENCH_TRADES (default 50 000); use a small value while developing.
 */
import { appendFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetRecordsCommand, GetShardIteratorCommand, PutRecordCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { CountingSink, StreamEnvironment, WatermarkStrategy } from '@coattail/runtime';
import { KinesisSource, KinesisWriter, deaggregate, ensureStream, listAllShards, startLocalStack, type LocalStack } from '@coattail/connectors';

const N = Number(process.env.BENCH_TRADES ?? 50_000);
const NAIVE_N = Math.min(N, 500);
const SHARDS = 4;
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'XRPUSDT', 'ADAUSDT', 'DOGEUSDT', 'BNBUSDT', 'AVAXUSDT', 'LINKUSDT', 'DOTUSDT', 'BTC-USD', 'ETH-USD', 'SOL-USD', 'LTC-USD', 'BCH-USD', 'UNI-USD'];

function trades(n: number): { partitionKey: string; data: Uint8Array }[] {
  return Array.from({ length: n }, (_, i) => {
    const symbol = SYMBOLS[i % SYMBOLS.length]!;
    const t = { event_id: `bench-${i}`, exchange: symbol.includes('-') ? 'coinbase' : 'binance', symbol, price: 50_000 + (i % 1000), quantity: 0.01 + (i % 7) / 100, side: i % 2 === 0 ? 'buy' : 'sell', event_time: 1_763_700_000_000 + i };
    return { partitionKey: symbol, data: Buffer.from(JSON.stringify(t)) };
  });
}

async function time(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

let streams = 0;
async function fresh(stack: LocalStack): Promise<string> {
  const name = `bench-${streams++}`;
  await ensureStream(stack.clients.kinesis, { name, shards: SHARDS });
  return name;
}

/** Runs a contender on a fresh, empty local stack (kinesalite's in-memory store slows as it fills) and returns seconds. */
async function isolated(run: (stack: LocalStack, stream: string) => Promise<void>, keep?: (stack: LocalStack, stream: string) => Promise<void>): Promise<number> {
  const stack = await startLocalStack({ streams: [], tables: [], buckets: [] });
  try {
    const stream = await fresh(stack);
    const seconds = await time(() => run(stack, stream));
    await keep?.(stack, stream);
    return seconds;
  } finally {
    await stack.stop();
  }
}

const rate = (n: number, s: number): string => `${Math.round(n / s).toLocaleString('en-US')}/s`;

async function main(): Promise<void> {
  const input = trades(N);
  const rows: [string, number, number, string][] = [];
  const naive = await isolated(async ({ clients: { kinesis } }, stream) => {
    for (const r of input.slice(0, NAIVE_N)) await kinesis.send(new PutRecordCommand({ StreamName: stream, PartitionKey: r.partitionKey, Data: r.data }));
  });
  rows.push(['plain SDK loop, PutRecord per trade', NAIVE_N, naive, 'one call per trade, awaited in turn']);

  const sdk = await isolated(async ({ clients: { kinesis } }, stream) => {
    for (let i = 0; i < N; i += 500) {
      const out = await kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: input.slice(i, i + 500).map((r) => ({ PartitionKey: r.partitionKey, Data: r.data })) }));
      if ((out.FailedRecordCount ?? 0) > 0) throw new Error('PutRecords failed entries (baseline has no retry)');
    }
  });
  rows.push(['plain SDK loop, PutRecords × 500 (baseline)', N, sdk, 'no retries, no ordering guarantees']);

  const writeAll = async (writer: KinesisWriter): Promise<void> => {
    for (let i = 0; i < N; i += 1_000) await writer.write(input.slice(i, i + 1_000));
    await writer.close();
  };
  const plain = await isolated((stack, stream) => writeAll(new KinesisWriter({ client: stack.clients.kinesis, streamName: stream })));
  rows.push(['KinesisWriter, no aggregation', N, plain, 'batches of 500, retries failed entries']);

  let readSdk = 0;
  let readSource = 0;
  const agg = await isolated(
    (stack, stream) => writeAll(new KinesisWriter({ client: stack.clients.kinesis, streamName: stream, aggregation: true })),
    async ({ clients: { kinesis } }, stream) => {
      // Reads of the aggregated stream: the source in a runtime job, against a plain GetRecords loop.
      readSdk = await time(async () => {
        let count = 0;
        for (const shard of await listAllShards(kinesis, stream)) {
          let it = (await kinesis.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
          while (it !== undefined) {
            const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: it }));
            if ((out.Records ?? []).length === 0) break;
            for (const r of out.Records ?? []) for (const u of deaggregate(r.Data!, r.PartitionKey!)) count += JSON.parse(Buffer.from(u.data).toString()) === null ? 0 : 1;
            it = out.NextShardIterator;
          }
        }
        if (count !== N) throw new Error(`plain read saw ${count} of ${N}`);
      });
      const sink = new CountingSink<unknown>();
      readSource = await time(async () => {
        const env = StreamEnvironment.create();
        env
          .fromSource(
            new KinesisSource({ client: kinesis, streamName: stream, stopAtLatest: true, minPollIntervalMs: 0, idleDelayMs: 5, deserialize: (r) => JSON.parse(Buffer.from(r.data).toString()) as unknown }),
            WatermarkStrategy.noWatermarks(),
          )
          .sinkTo(sink);
        await env.execute({ jobId: 'bench-read', maxBatchSize: 10_000, idlePollDelayMs: 5 });
      });
      if (sink.count !== N) throw new Error(`source read ${sink.count} of ${N}`);
    },
  );
  rows.push(['KinesisWriter, KPL aggregation', N, agg, 'one aggregate per symbol up to 50 KiB']);
  rows.push(['plain SDK GetRecords loop + JSON.parse (read baseline)', N, readSdk, 'shard after shard, de-aggregated']);
  rows.push(['KinesisSource in a runtime job (4 shard tasks)', N, readSource, 'GetRecords, de-aggregation, JSON.parse, CountingSink; includes job start and the empty poll that ends each shard']);

  const table = [
    '| contender | trades | seconds | trades/s | notes |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(([name, n, s, notes]) => `| ${name} | ${n.toLocaleString('en-US')} | ${s.toFixed(2)} | ${rate(n, s)} | ${notes} |`),
  ].join('\n');
  const per = (i: number): number => rows[i]![1] / rows[i]![2];
  const summary = [
    `- Aggregation vs our writer without it: **${(per(3) / per(2)).toFixed(1)}×** trades/s (target ≥ 10×); vs the plain PutRecords loop: ${(per(3) / per(1)).toFixed(1)}×.`,
    `- Our writer without aggregation vs the plain PutRecords loop: ${(per(2) / per(1)).toFixed(2)}× (the same calls, plus retry and ordering bookkeeping; differences within noise are expected).`,
    `- Read through the source vs the plain GetRecords loop: ${(per(5) / per(4)).toFixed(2)}×.`,
  ].join('\n');
  console.log(`\n${table}\n\n${summary}`);
  if (process.env.BENCH_NO_DOCS === '1') return;
  const doc = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/benchmarks.md');
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  await appendFile(
    doc,
    `\n### Connectors: Kinesis writer and source on kinesalite (@coattail/connectors) — ${when} UTC\n\n` +
      `\`npm run bench -w @coattail/connectors\` (BENCH_TRADES=${N}); in-process kinesalite on loopback, ${SHARDS} shards, ` +
      `trades of ~190 bytes JSON over ${SYMBOLS.length} symbols (partition key = symbol), Node ${process.version}, the same process runs kinesalite, ` +
      `each contender on a fresh stack; these figures measure the client side and kinesalite's per-record cost together (real Kinesis prices records and calls differently), on a 2-core machine shared with other work.\n\n${table}\n\n${summary}\n`,
  );
}

await main();

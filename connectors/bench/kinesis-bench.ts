/**
 * Connector benchmarks against kinesalite in a peer process: trades/s into Kinesis through the
 * KinesisWriter without and with KPL aggregation, against plain SDK loops measured in the same
 * run, and read throughput through the KinesisSource in a runtime job against a plain GetRecords
 * loop. Appends a dated section to docs/benchmarks.md (BENCH_NO_DOCS=1 to skip).
 * Size: BENCH_TRADES (default 100 000); use a small value while developing.
 */
import { appendFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  PutRecordCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { CountingSink, StreamEnvironment, WatermarkStrategy } from '@coattail/runtime';
import { KinesisSource, KinesisWriter, createKinesisClient, deaggregate, listAllShards } from '@coattail/connectors';
import { ensureStream } from '@coattail/local-stack';
import { z } from 'zod';

const N = Number(process.env.BENCH_TRADES ?? 100_000);
const NAIVE_N = Math.min(N, 500);
/** The strict-order writer without aggregation sends one record per key per call: slow, so fewer trades. */
const STRICT_N = Math.min(N, 5_000);
const SHARDS = 4;
const SYMBOLS = [
  'BTCUSDT',
  'ETHUSDT',
  'SOLUSDT',
  'XRPUSDT',
  'ADAUSDT',
  'DOGEUSDT',
  'BNBUSDT',
  'AVAXUSDT',
  'LINKUSDT',
  'DOTUSDT',
  'BTC-USD',
  'ETH-USD',
  'SOL-USD',
  'LTC-USD',
  'BCH-USD',
  'UNI-USD',
];

function trades(n: number): { partitionKey: string; data: Uint8Array }[] {
  return Array.from({ length: n }, (_, i) => {
    const symbol = SYMBOLS[i % SYMBOLS.length]!;
    const t = {
      event_id: `bench-${i}`,
      exchange: symbol.includes('-') ? 'coinbase' : 'binance',
      symbol,
      price: 50_000 + (i % 1000),
      quantity: 0.01 + (i % 7) / 100,
      side: i % 2 === 0 ? 'buy' : 'sell',
      event_time: 1_763_700_000_000 + i,
    };
    return { partitionKey: symbol, data: Buffer.from(JSON.stringify(t)) };
  });
}

async function time(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

const PEER = fileURLToPath(new URL('./kinesalite-peer.ts', import.meta.url));
/** Trades written before each writer contender is timed, to a stream of their own: JIT and sockets warm. */
const WARMUP = Math.min(N, 20_000);

/** A fresh kinesalite in a peer process (its in-memory store slows as it fills), with a client for it. */
async function startPeer(): Promise<{ kinesis: KinesisClient; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', PEER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`kinesalite peer exited with ${String(code)}`)));
    createInterface({ input: child.stdout }).once('line', (line) =>
      resolve(z.object({ kinesis: z.string() }).parse(JSON.parse(line)).kinesis),
    );
  });
  const kinesis = createKinesisClient({ endpoint });
  return {
    kinesis,
    stop: async () => {
      kinesis.destroy();
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

let streams = 0;
async function fresh(kinesis: KinesisClient): Promise<string> {
  const name = `bench-${streams++}`;
  await ensureStream(kinesis, { name, shards: SHARDS });
  return name;
}

/**
 * Runs a contender against a fresh kinesalite peer and returns seconds; `warm` (if given) first
 * runs on a throwaway stream of the same peer.
 */
async function isolated(
  run: (kinesis: KinesisClient, stream: string) => Promise<void>,
  options: {
    warm?: (kinesis: KinesisClient, stream: string) => Promise<void>;
    keep?: (kinesis: KinesisClient, stream: string) => Promise<void>;
  } = {},
): Promise<number> {
  const peer = await startPeer();
  try {
    if (options.warm) await options.warm(peer.kinesis, await fresh(peer.kinesis));
    const stream = await fresh(peer.kinesis);
    const seconds = await time(() => run(peer.kinesis, stream));
    await options.keep?.(peer.kinesis, stream);
    return seconds;
  } finally {
    await peer.stop();
  }
}

const rate = (n: number, s: number): string => `${Math.round(n / s).toLocaleString('en-US')}/s`;

async function main(): Promise<void> {
  const input = trades(N);
  const rows: [string, number, number, string][] = [];
  const naive = await isolated(async (kinesis, stream) => {
    for (const r of input.slice(0, NAIVE_N))
      await kinesis.send(new PutRecordCommand({ StreamName: stream, PartitionKey: r.partitionKey, Data: r.data }));
  });
  rows.push(['plain SDK loop, PutRecord per trade', NAIVE_N, naive, 'one call per trade, awaited in turn']);

  const sdkLoop = async (kinesis: KinesisClient, stream: string, records = input): Promise<void> => {
    for (let i = 0; i < records.length; i += 500) {
      const out = await kinesis.send(
        new PutRecordsCommand({
          StreamName: stream,
          Records: records.slice(i, i + 500).map((r) => ({ PartitionKey: r.partitionKey, Data: r.data })),
        }),
      );
      if ((out.FailedRecordCount ?? 0) > 0) throw new Error('PutRecords failed entries (baseline has no retry)');
    }
  };
  const warmup = input.slice(0, WARMUP);
  const sdk = await isolated((kinesis, stream) => sdkLoop(kinesis, stream), {
    warm: (kinesis, stream) => sdkLoop(kinesis, stream, warmup),
  });
  rows.push(['plain SDK loop, PutRecords × 500 (baseline)', N, sdk, 'no retries, no ordering guarantees']);

  const writeAll = async (writer: KinesisWriter, records = input): Promise<void> => {
    for (let i = 0; i < records.length; i += 1_000) await writer.write(records.slice(i, i + 1_000));
    await writer.close();
  };
  const plainWriter = (kinesis: KinesisClient, stream: string, strictOrder?: boolean): KinesisWriter =>
    new KinesisWriter({ client: kinesis, streamName: stream, ...(strictOrder !== undefined ? { strictOrder } : {}) });
  const plain = await isolated((kinesis, stream) => writeAll(plainWriter(kinesis, stream)), {
    warm: (kinesis, stream) => writeAll(plainWriter(kinesis, stream), warmup),
  });
  rows.push([
    'KinesisWriter, no aggregation (default: strictOrder off)',
    N,
    plain,
    "batches of 500, retries failed entries; the SDK loop's ordering",
  ]);
  const strictInput = input.slice(0, STRICT_N);
  const strict = await isolated((kinesis, stream) => writeAll(plainWriter(kinesis, stream, true), strictInput), {
    warm: (kinesis, stream) => writeAll(plainWriter(kinesis, stream, true), warmup.slice(0, STRICT_N)),
  });
  rows.push([
    'KinesisWriter, no aggregation, strictOrder: true',
    STRICT_N,
    strict,
    `one record per key per call (${SYMBOLS.length} keys): per-key order survives partial failures`,
  ]);

  let readSdk = 0;
  let readSource = 0;
  const aggWriter = (kinesis: KinesisClient, stream: string): KinesisWriter =>
    new KinesisWriter({ client: kinesis, streamName: stream, aggregation: true });
  const agg = await isolated((kinesis, stream) => writeAll(aggWriter(kinesis, stream)), {
    warm: (kinesis, stream) => writeAll(aggWriter(kinesis, stream), warmup),
    keep: async (kinesis, stream) => {
      // Reads of the aggregated stream: the source in a runtime job, against a plain GetRecords loop.
      readSdk = await time(async () => {
        let count = 0;
        for (const shard of await listAllShards(kinesis, stream)) {
          let it = (
            await kinesis.send(
              new GetShardIteratorCommand({
                StreamName: stream,
                ShardId: shard.ShardId!,
                ShardIteratorType: 'TRIM_HORIZON',
              }),
            )
          ).ShardIterator;
          while (it !== undefined) {
            const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: it }));
            if ((out.Records ?? []).length === 0) break;
            for (const r of out.Records ?? [])
              for (const u of deaggregate(r.Data!, r.PartitionKey!))
                count += JSON.parse(Buffer.from(u.data).toString()) === null ? 0 : 1;
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
            new KinesisSource({
              client: kinesis,
              streamName: stream,
              stopAtLatest: true,
              minPollIntervalMs: 0,
              idleDelayMs: 5,
              deserialize: (r) => JSON.parse(Buffer.from(r.data).toString()) as unknown,
            }),
            WatermarkStrategy.noWatermarks(),
          )
          .sinkTo(sink);
        await env.execute({ jobId: 'bench-read', maxBatchSize: 10_000, idlePollDelayMs: 5 });
      });
      if (sink.count !== N) throw new Error(`source read ${sink.count} of ${N}`);
    },
  });
  rows.push([
    'KinesisWriter, KPL aggregation (strict order, the default)',
    N,
    agg,
    'one aggregate per symbol up to 50 KiB, one per key per call',
  ]);
  rows.push(['plain SDK GetRecords loop + JSON.parse (read baseline)', N, readSdk, 'shard after shard, de-aggregated']);
  rows.push([
    'KinesisSource in a runtime job (4 shard tasks)',
    N,
    readSource,
    'GetRecords, de-aggregation, JSON.parse, CountingSink; includes job start and the empty poll that ends each shard',
  ]);

  const table = [
    '| contender | trades | seconds | trades/s | notes |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      ([name, n, s, notes]) =>
        `| ${name} | ${n.toLocaleString('en-US')} | ${s.toFixed(2)} | ${rate(n, s)} | ${notes} |`,
    ),
  ].join('\n');
  const per = (i: number): number => rows[i]![1] / rows[i]![2];
  const summary = [
    `- Aggregation vs our writer without it: **${(per(4) / per(2)).toFixed(1)}×** trades/s against the faster unordered writer (target ≥ 10×); ${(per(4) / per(3)).toFixed(1)}× against the same strict ordering without aggregation; vs the plain PutRecords loop: ${(per(4) / per(1)).toFixed(1)}×.`,
    `- Our writer without aggregation (default, strictOrder off) vs the plain PutRecords loop: ${(per(2) / per(1)).toFixed(2)}× (the same calls, plus retry bookkeeping; differences within noise are expected).`,
    `- Read through the source vs the plain GetRecords loop: ${(per(6) / per(5)).toFixed(2)}×.`,
  ].join('\n');
  console.log(`\n${table}\n\n${summary}`);
  if (process.env.BENCH_NO_DOCS === '1') return;
  const doc = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/benchmarks.md');
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  await appendFile(
    doc,
    `\n### Connectors: Kinesis writer and source on kinesalite (@coattail/connectors) — ${when} UTC\n\n` +
      `\`npm run bench -w @coattail/connectors\` (BENCH_TRADES=${N}); kinesalite in its own process on loopback (a fresh one per contender; its in-memory store slows as it fills), ${SHARDS} shards, ` +
      `trades of ~190 bytes JSON over ${SYMBOLS.length} symbols (partition key = symbol), Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at the end on ${cpus().length} cores; ` +
      `each writer and the PutRecords loop first write ${WARMUP.toLocaleString('en-US')} trades to a throwaway stream of the same peer (warm JIT and sockets). kinesalite costs far more per record than Kinesis, so these figures are a lower bound for AWS.\n\n${table}\n\n${summary}\n`,
  );
}

await main();

/**
 * Stream-jobs throughput and latency.
 *  1. Each job over N pre-encoded Kinesis-style records (JSON payload bytes; decoding, the quality
 *     gate and the job logic included), in one task on one core, into counting sinks; baseline in
 *     the same run: decoding alone (JSON.parse of the same payloads), the floor of any job.
 *  2. End to end on the local stack: trade written to kinesalite → whale alert readable in
 *     dynalite, p50/p99.
 *
 *   npm run bench -w @coattail/stream-jobs      (BENCH_EVENTS=1000000, LATENCY_SAMPLES=100)
 */
import { appendFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { KinesisWriter } from '@coattail/connectors';
import { startLocalStack } from '@coattail/local-stack';
import { CountingSink, DataGeneratorSource, ManualClock, silentLogger } from '@coattail/runtime';
import { buildJob, decodeEnvelope, JOB_NAMES, parseJobConfig, runStreamJob, type JobName } from '../src/index.js';
import { scriptedTrades } from '../test/dataset.js';

const N = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const SAMPLES = Number(process.env.LATENCY_SAMPLES ?? 100);
const START = Date.UTC(2026, 10, 21, 10, 0, 0);

// Pre-encoded records: the scripted market repeated and shifted in time until N.
const base = scriptedTrades(START, 20);
const records = Array.from({ length: N }, (_, i) => {
  const t = base[i % base.length]!;
  const shift = Math.floor(i / base.length) * 31 * 60_000;
  const trade = { ...t, event_id: `${t.event_id}:${i}`, event_time: t.event_time + shift };
  return {
    shardId: 'shard-0',
    sequenceNumber: String(i),
    subSequenceNumber: 0,
    arrivalTime: trade.event_time,
    data: new Uint8Array(Buffer.from(JSON.stringify(trade))),
  };
});

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

function decodeOnly(): { rate: number } {
  const c0 = cpuSeconds();
  let n = 0;
  for (const r of records) if (decodeEnvelope(r).value !== undefined) n++;
  return { rate: n / (cpuSeconds() - c0) };
}

async function job(name: JobName): Promise<number> {
  const sink = () => new CountingSink<never>();
  const env = buildJob(name, parseJobConfig({}), {
    source: new DataGeneratorSource({ countPerSplit: N, generate: (i) => decodeEnvelope(records[i]!) }),
    alerts: sink,
    table: () => sink(),
    dlq: sink,
    clock: new ManualClock(START),
  });
  const c0 = cpuSeconds();
  await env.execute({ jobId: name, tasks: 'single', clock: new ManualClock(START), maxBatchSize: 1_000 });
  return N / (cpuSeconds() - c0);
}

async function latency(): Promise<{ p50: number; p99: number; samples: number }> {
  const stack = await startLocalStack();
  const dir = await mkdtemp(join(tmpdir(), 'jobs-bench-'));
  const config = parseJobConfig({ CHECKPOINT_INTERVAL_MS: '60000', STREAM_START: 'LATEST' });
  const client = runStreamJob('whale-detector', config, {
    clients: stack.clients,
    catalogDir: join(dir, 'catalog'),
    logger: silentLogger,
    qualityMetrics: false,
  });
  await new Promise((r) => setTimeout(r, 2_000)); // let the shards' LATEST iterators open
  const writer = new KinesisWriter({ client: stack.clients.kinesis, streamName: config.STREAM_NAME, lingerMs: 0 });
  const out: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const now = Date.now();
    const trade = {
      event_id: `binance:BTC-USDT:lat${i}`,
      exchange: 'binance',
      symbol: 'BTC-USDT',
      price: 100_000,
      quantity: 2,
      quote_volume: 200_000,
      side: 'buy',
      trade_id: i,
      event_time: now,
      ingest_time: now,
    };
    const sent = performance.now();
    await writer.write([{ partitionKey: trade.symbol, data: Buffer.from(JSON.stringify(trade)) }]);
    await writer.flush();
    for (;;) {
      const item = await stack.clients.dynamodb.send(
        new GetItemCommand({ TableName: config.ALERTS_TABLE, Key: { alert_id: { S: `whale:${trade.event_id}` } } }),
      );
      if (item.Item !== undefined) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    out.push(performance.now() - sent);
  }
  await writer.close();
  await client.stop();
  await stack.stop();
  await rm(dir, { recursive: true, force: true });
  out.sort((a, b) => a - b);
  return {
    p50: out[Math.floor(out.length * 0.5)]!,
    p99: out[Math.min(out.length - 1, Math.floor(out.length * 0.99))]!,
    samples: out.length,
  };
}

const floor = decodeOnly();
console.log(`decode only (floor)        ${(floor.rate / 1e3).toFixed(0).padStart(6)} K records per CPU-second`);
const rates: Record<string, number> = {};
for (const name of JOB_NAMES) {
  rates[name] = await job(name);
  console.log(
    `${name.padEnd(26)} ${(rates[name] / 1e3).toFixed(0).padStart(6)} K events per CPU-second (${(floor.rate / rates[name]).toFixed(2)}x the decode floor)`,
  );
}
const lat = await latency();
console.log(
  `trade → whale alert in DynamoDB (kinesalite, dynalite): p50 ${lat.p50.toFixed(0)} ms, p99 ${lat.p99.toFixed(0)} ms over ${lat.samples} trades`,
);

if (process.env.BENCH_NO_DOCS === undefined) {
  const rows = JOB_NAMES.map(
    (n) => `| ${n} | ${(rates[n]! / 1e3).toFixed(0)} K | ${(floor.rate / rates[n]!).toFixed(2)}× |`,
  );
  await appendFile(
    new URL('../../docs/benchmarks.md', import.meta.url),
    [
      '',
      `### Stream jobs (@coattail/stream-jobs) — ${new Date().toISOString().slice(0, 10)}`,
      '',
      `\`npm run bench -w @coattail/stream-jobs\` — ${N.toLocaleString('en')} pre-encoded Kinesis-style records (JSON bytes), decoding, quality gate and job logic included, one task, CPU time; node ${process.version}, ${cpus().length} cores (shared while measured).`,
      '',
      '| job | events per CPU-second | vs decoding alone |',
      '|---|---|---|',
      `| decoding alone (baseline, same run) | ${(floor.rate / 1e3).toFixed(0)} K | 1× |`,
      ...rows,
      '',
      `End to end on the local stack, trade written to kinesalite → whale alert readable in dynalite: p50 ${lat.p50.toFixed(0)} ms, p99 ${lat.p99.toFixed(0)} ms (${lat.samples} trades; the source's 200 ms minimum poll interval per shard and emulator round trips dominate).`,
      '',
    ].join('\n'),
  );
}

/**
 * End-to-end latency through the embedded stack: a trade handed to the producer's publisher →
 * its whale alert readable in DynamoDB (dynalite), p50/p99, at a steady offered rate of ordinary
 * trades with whales mixed in, over Kinesis (kinesalite) and over Kafka (librdkafka's mock
 * cluster, 3 brokers, through kcat). The whale detector runs in this process as `runStreamJob`
 * runs it (checkpoints every 10 s to s3rver). kinesalite, dynalite and s3rver run in a child
 * process (`stack-process.ts`; LATENCY_EMULATORS=in-process puts them in this one, as `npm
 * start`'s embedded stack does), the Kafka brokers in kcat's. Alerts are found by polling DynamoDB (BatchGetItem every 10 ms);
 * a sample's latency is the time from the push to the first poll that returns the alert.
 * Baseline in the same run: the producer's own acknowledgement latency (push → the broker
 * acknowledged the batch), the floor under any end-to-end figure.
 *
 *   npm run bench:latency -w @coattail/stream-jobs
 *   (LATENCY_RATES=1000,20000 LATENCY_SECONDS=20 LATENCY_PATHS=kinesis,kafka LATENCY_EMULATORS=process
 *    LATENCY_COMMITS=behind,at-checkpoint LATENCY_REPEAT=1)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { kcatInstalled, MockKafkaCluster, startLocalStack } from '@coattail/local-stack';
import { KafkaTradeSink, KinesisTradeSink, Publisher, type TradeSink, type UnifiedTrade } from '@coattail/producer';
import { silentLogger } from '@coattail/runtime';
import { parseJobConfig, runStreamJob, type KafkaClient } from '../src/index.js';
import { AlertWatch } from './alert-watch.js';
import { StageClock } from './latency-stages.js';
import { startStackProcess, type StackProcess } from './stack-process.js';

const RATES = (process.env.LATENCY_RATES ?? '1000,20000').split(',').map(Number);
const SECONDS = Number(process.env.LATENCY_SECONDS ?? 20);
const PATHS = (process.env.LATENCY_PATHS ?? 'kinesis,kafka').split(',');
const IN_PROCESS = process.env.LATENCY_EMULATORS === 'in-process';
/** The job's SINK_COMMIT modes to compare (`behind`, `at-checkpoint`), alternated. */
const COMMITS = (process.env.LATENCY_COMMITS ?? 'at-checkpoint').split(',');
const REPEAT = Number(process.env.LATENCY_REPEAT ?? 1);
const WHALES_PER_SECOND = 20;
const SYMBOLS = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'] as const;
/** Per-stage timestamps of every whale (see latency-stages.ts). */
const stages = new StageClock();

interface Figure {
  path: string;
  offered: number;
  published: number;
  samples: number;
  missing: number;
  p50: number;
  p99: number;
  max: number;
  ackP50: number;
  ackP99: number;
  /** CPU used by this process while offering, in cores (1 = one core busy). */
  cpu: number;
  /** CPU used by the emulators' child process meanwhile, in cores (NaN when they run in this one). */
  emulatorCpu: number;
  load: string;
  /** p50/p99 per stage. */
  breakdown: string;
}

let tradeId = Date.now() * 100;
function trade(whale: boolean): UnifiedTrade {
  const id = tradeId++;
  const symbol = SYMBOLS[id % SYMBOLS.length]!;
  const exchange = id % 2 === 0 ? 'binance' : 'coinbase';
  const quantity = whale ? 2_000 : 1 + (id % 5);
  const now = Date.now();
  return {
    event_id: `${exchange}:${symbol}:${id}`,
    exchange,
    symbol,
    price: 100,
    quantity,
    quote_volume: 100 * quantity,
    side: id % 3 === 0 ? 'sell' : 'buy',
    trade_id: id,
    event_time: now,
    ingest_time: now,
  };
}

/** Milliseconds for a table: '—' when no whale alert was seen. */
const ms = (value: number): string => (Number.isNaN(value) ? '—' : value.toFixed(0));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const pct = (sorted: number[], q: number): number =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

/** The emulators, in this process or a child: clients, and the child's CPU time when it has one. */
type Stack = Pick<StackProcess, 'clients' | 'stop'> & { cpuMicros?: () => number };

/** Offers `rate` trades/s for `seconds`, a whale every 1/20 s, and waits for their alerts. */
async function offer(
  path: string,
  stack: Stack,
  publisher: Publisher,
  watch: AlertWatch,
  rate: number,
): Promise<Figure> {
  watch.latencies.length = 0;
  publisher.latency.reset();
  stages.reset();
  const published0 = publisher.published;
  const cpu0 = process.cpuUsage();
  const emulatorCpu0 = stack.cpuMicros?.() ?? NaN;
  const start = performance.now();
  let sent = 0;
  let whales = 0;
  for (;;) {
    const elapsed = (performance.now() - start) / 1000;
    if (elapsed >= SECONDS) break;
    for (const due = Math.floor(elapsed * rate); sent < due; sent++) publisher.push(trade(false));
    for (const due = Math.floor(elapsed * WHALES_PER_SECOND); whales < due; whales++) {
      const whale = trade(true);
      watch.expect(whale.event_id);
      publisher.push(whale);
    }
    await sleep(5);
  }
  const published = ((publisher.published - published0) / SECONDS) | 0;
  const cpuUsed = process.cpuUsage(cpu0);
  const cpu = (cpuUsed.user + cpuUsed.system) / 1000 / (performance.now() - start);
  const emulatorCpu = ((stack.cpuMicros?.() ?? NaN) - emulatorCpu0) / 1000 / (performance.now() - start);
  const until = Date.now() + 30_000;
  while (watch.outstanding > 0 && Date.now() < until) await sleep(50);
  const missing = watch.giveUp();
  const sorted = [...watch.latencies].sort((a, b) => a - b);
  const figure: Figure = {
    path,
    offered: rate,
    published,
    samples: sorted.length,
    missing,
    p50: pct(sorted, 0.5),
    p99: pct(sorted, 0.99),
    max: sorted.at(-1) ?? NaN,
    ackP50: publisher.latency.percentile(0.5),
    ackP99: publisher.latency.percentile(0.99),
    cpu,
    emulatorCpu,
    load: loadavg()[0]!.toFixed(1),
    breakdown: stages.breakdown(),
  };
  console.log(
    `[latency] ${path} at ${rate} trades/s offered (${published}/s acknowledged): trade → alert readable p50 ${ms(figure.p50)} ms, p99 ${ms(figure.p99)} ms, max ${ms(figure.max)} ms over ${figure.samples} whales${missing > 0 ? `, ${missing} not readable within 30 s` : ''}; baseline producer ack p50 ${figure.ackP50} ms, p99 ${figure.ackP99} ms; this process used ${cpu.toFixed(2)} cores, the emulators ${emulatorCpu.toFixed(2)}; load ${figure.load}\n[latency]   stages: ${figure.breakdown}`,
  );
  return figure;
}

/** Runs the whale detector on `env`, warms it up with one whale, then offers every rate. */
async function measurePath(
  path: string,
  stack: Stack,
  sink: TradeSink,
  env: Record<string, string>,
  kafka?: KafkaClient,
): Promise<Figure[]> {
  const dir = await mkdtemp(join(tmpdir(), 'latency-bench-'));
  const config = parseJobConfig({ CHECKPOINT_INTERVAL_MS: '10000', LOG_LEVEL: 'error', ...env });
  const clients = {
    ...stack.clients,
    kinesis: stages.kinesis(stack.clients.kinesis),
    dynamodb: stages.dynamodb(stack.clients.dynamodb),
  };
  const job = runStreamJob('whale-detector', config, {
    clients,
    metrics: stages.metrics(),
    catalogDir: join(dir, 'catalog'),
    logger: silentLogger,
    qualityMetrics: false,
    ...(kafka !== undefined ? { kafka: stages.kafka(kafka) } : {}),
  });
  const publisher = new Publisher({ sink: stages.sink(sink) });
  publisher.start();
  const watch = new AlertWatch(stack.clients.dynamodb, stages);
  try {
    // Warm-up: the job reads every shard or partition once this whale's alert is readable.
    for (let i = 0; i < 120 && watch.outstanding + watch.latencies.length === 0; i++) {
      const whale = trade(true);
      watch.expect(whale.event_id);
      publisher.push(whale);
      const until = Date.now() + 1_000;
      while (watch.outstanding > 0 && Date.now() < until) await sleep(20);
      if (watch.outstanding > 0) watch.giveUp();
    }
    if (watch.latencies.length === 0) throw new Error(`${path}: no whale alert within 2 minutes of warm-up`);
    const figures: Figure[] = [];
    for (const rate of RATES) figures.push(await offer(path, stack, publisher, watch, rate));
    return figures;
  } finally {
    await watch.stop();
    await publisher.close();
    await job.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function latencyBenchmark(): Promise<Figure[]> {
  const stack: Stack = IN_PROCESS ? await startLocalStack() : await startStackProcess();
  const figures: Figure[] = [];
  // Each SINK_COMMIT mode runs a fresh job; with several, they alternate, LATENCY_REPEAT rounds.
  const runs = Array.from({ length: REPEAT }, () => COMMITS).flat();
  const label = (path: string, commit: string): string => (COMMITS.length > 1 ? `${path}, commit ${commit}` : path);
  try {
    if (PATHS.includes('kinesis'))
      for (const commit of runs) {
        // KPL aggregation per symbol, as the producer's default (KINESIS_AGGREGATION) publishes.
        const sink = new KinesisTradeSink({
          client: stack.clients.kinesis,
          streamName: 'coattail-trades',
          aggregation: true,
        });
        const env = { STREAM_START: 'LATEST', SINK_COMMIT: commit };
        figures.push(...(await measurePath(label('Kinesis (kinesalite)', commit), stack, sink, env)));
      }
    if (!PATHS.includes('kafka')) return figures;
    if (!kcatInstalled()) console.log('[latency] kcat is not installed: the Kafka path is not measured');
    else {
      const cluster = await MockKafkaCluster.start(3);
      try {
        for (const commit of runs) {
          // A topic per run: the job's checkpoints are per partition, and a new run starts afresh.
          const topic = `latency-${Date.now()}`;
          await cluster.partitions(cluster.kafka('latency-meta'), topic);
          const producer = cluster.kafka('coattail-producer').producer({ idempotent: true, maxInFlightRequests: 1 });
          await producer.connect();
          const env = {
            SOURCE: 'kafka',
            KAFKA_BROKERS: cluster.brokers.join(','),
            KAFKA_TOPIC: topic,
            KAFKA_GROUP_ID: `${topic}-whales`,
            KAFKA_SESSION_TIMEOUT_MS: '6000',
            SINK_COMMIT: commit,
          };
          const path = label('Kafka (librdkafka mock, 3 brokers)', commit);
          const sink = new KafkaTradeSink(producer, topic);
          figures.push(...(await measurePath(path, stack, sink, env, cluster.kafka(`job-${topic}`))));
        }
      } finally {
        await cluster.stop();
      }
    }
  } finally {
    await stack.stop();
  }
  return figures;
}

export function latencyMarkdown(figures: readonly Figure[]): string {
  const rows = figures.map(
    (f) =>
      `| ${f.path} | ${f.offered.toLocaleString('en')} | ${f.published.toLocaleString('en')} | ${ms(f.p50)} | ${ms(f.p99)} | ${ms(f.max)} | ${f.samples}${f.missing > 0 ? ` (+${f.missing} missing)` : ''} | ${f.ackP50} / ${f.ackP99} | ${f.cpu.toFixed(2)} | ${Number.isNaN(f.emulatorCpu) ? 'in the process' : f.emulatorCpu.toFixed(2)} | ${f.load} |`,
  );
  return [
    '| path | offered trades/s | acknowledged trades/s | p50 ms | p99 ms | max ms | whales | baseline: producer ack p50 / p99 ms | CPU of the process (cores) | CPU of the emulators (cores) | load (1 min) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(
    `load average at start ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')} (1 / 5 / 15 min)`,
  );
  const figures = await latencyBenchmark();
  console.log(`\n${latencyMarkdown(figures)}`);
}

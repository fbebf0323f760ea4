/**
 * Producer benchmark: simulator → producer → kinesalite, each in its own process. Sustained trades/s and p50/p99 latency
 * from the simulated trade time to the acknowledged put, with KPL aggregation on and off, beside
 * a baseline measured in the same run: the same producer with a sink that acknowledges at once
 * (the ceiling of receive + parse + normalize without Kinesis).
 *
 *   npm run bench -w @coattail/producer                               # 20 000 trades/s, 20 s per case
 *   BENCH_RATE=5000 BENCH_SECONDS=5 BENCH_NO_DOCS=1 npm run bench -w @coattail/producer
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createKinesisClient } from '@coattail/connectors';
import { InMemoryMetrics } from '@coattail/runtime';
import { loadConfig } from '../src/config.js';
import { Producer } from '../src/producer.js';
import { KinesisTradeSink, type TradeSink } from '../src/publish/trade-sink.js';

const RATE = Number(process.env.BENCH_RATE ?? 20_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const WARMUP_S = Math.min(5, Math.max(1, SECONDS / 4));
const SYMBOLS = 'BTC-USDT,ETH-USDT,SOL-USDT,BNB-USDT';
const PEERS = fileURLToPath(new URL('./peer-process.ts', import.meta.url));

interface Result {
  name: string;
  offered: number;
  received: number;
  published: number;
  p50: number;
  p99: number;
  max: number;
  dropped: number;
  /** Trades received but not yet acknowledged when the measurement ended. */
  backlog: number;
  /** CPU used over the measurement, in cores: the producer, the simulator, kinesalite. */
  cpu: { producer: number; simulator: number; kinesis: number };
}

interface Peer {
  process: ChildProcess;
  /** The first JSON line the peer printed (its URLs). */
  hello: Record<string, string>;
}

/** Starts one peer process and waits for its URLs; `onLine` sees every later line. */
async function startPeer(
  args: string[],
  onLine: (msg: Record<string, number>) => void = () => undefined,
): Promise<Peer> {
  const child = spawn(process.execPath, ['--import', 'tsx', PEERS, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const hello = await new Promise<Record<string, string>>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`peer '${args[0]!}' exited with ${String(code)} before it was ready`)),
    );
    let first = true;
    lines.on('line', (line) => {
      const msg = JSON.parse(line) as Record<string, string & number>;
      if (first) resolve(msg);
      else onLine(msg);
      first = false;
    });
  });
  return { process: child, hello };
}

async function stopPeer(peer: Peer): Promise<void> {
  const exited = new Promise((r) => peer.process.once('exit', r));
  peer.process.kill('SIGTERM');
  await exited;
}

async function runCase(name: string, sinkFor: (kinesis: string) => TradeSink): Promise<Result> {
  let generated = 0;
  const cpu = { simulator: 0, kinesis: 0 };
  const [kinesis, sim] = await Promise.all([
    startPeer(['kinesis'], (msg) => {
      if (msg.cpu !== undefined) cpu.kinesis = msg.cpu;
    }),
    startPeer(['simulator', String(RATE), SYMBOLS], (msg) => {
      if (msg.generated !== undefined) generated = msg.generated;
      if (msg.cpu !== undefined) cpu.simulator = msg.cpu;
    }),
  ]);
  const urls = {
    binanceUrl: sim.hello.binanceUrl!,
    coinbaseUrl: sim.hello.coinbaseUrl!,
    kinesis: kinesis.hello.kinesis!,
  };
  const settings = loadConfig({
    SYMBOLS,
    BINANCE_WS_URL: urls.binanceUrl,
    COINBASE_WS_URL: urls.coinbaseUrl,
    BUFFER_MAX_TRADES: '2000000',
  });
  const metrics = new InMemoryMetrics();
  const producer = new Producer({ settings, sink: sinkFor(urls.kinesis), metrics });
  producer.start();
  await sleep(WARMUP_S * 1_000);
  producer.publisher.latency.reset();
  const [p0, r0, g0, t0] = [producer.publisher.published, producer.received, generated, performance.now()];
  const [c0, cpu0] = [process.cpuUsage(), { ...cpu }];
  await sleep(SECONDS * 1_000);
  const secs = (performance.now() - t0) / 1_000;
  const own = process.cpuUsage(c0);
  // The peers report once a second: their figures cover whole seconds near the measured window.
  const cores = (micros: number): number => micros / 1e6 / secs;
  const l = producer.publisher.latency;
  const result: Result = {
    name,
    offered: (generated - g0) / secs,
    received: (producer.received - r0) / secs,
    published: (producer.publisher.published - p0) / secs,
    p50: l.percentile(0.5),
    p99: l.percentile(0.99),
    max: l.max,
    dropped: metrics.total('tradesDropped'),
    backlog: producer.publisher.pending,
    cpu: {
      producer: cores(own.user + own.system),
      simulator: cores(cpu.simulator - cpu0.simulator),
      kinesis: cores(cpu.kinesis - cpu0.kinesis),
    },
  };
  // A sink that fell behind may not drain in time: the bench reports the backlog instead.
  await producer
    .stop(15_000)
    .catch((error: unknown) => console.log(`  (${name}: ${error instanceof Error ? error.message : String(error)})`));
  await Promise.all([stopPeer(sim), stopPeer(kinesis)]);
  return result;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const kinesisSink = (aggregation: boolean) => (endpoint: string) =>
  new KinesisTradeSink({ client: createKinesisClient({ endpoint }), streamName: 'bench-trades', aggregation });
const ackAtOnce = (): TradeSink => ({ kind: 'null', publish: () => Promise.resolve(), close: () => Promise.resolve() });

console.log(
  `producer bench: ${RATE} trades/s offered over ${SYMBOLS.split(',').length} symbols × 2 exchanges, ${WARMUP_S}s warm-up, ${SECONDS}s measured per case`,
);
const results: Result[] = [];
const fmtCpu = (r: Result): string =>
  `${r.cpu.producer.toFixed(2)} / ${r.cpu.simulator.toFixed(2)} / ${r.cpu.kinesis.toFixed(2)}`;
for (const [name, sink] of [
  ['baseline: null sink (no Kinesis)', ackAtOnce],
  ['Kinesis, aggregation on', kinesisSink(true)],
  ['Kinesis, aggregation off', kinesisSink(false)],
] as const) {
  const r = await runCase(name, sink);
  results.push(r);
  console.log(
    `  ${name.padEnd(34)} offered ${r.offered.toFixed(0)}/s  received ${r.received.toFixed(0)}/s  published ${r.published.toFixed(0)}/s  p50 ${r.p50} ms  p99 ${r.p99} ms  max ${r.max} ms  dropped ${r.dropped}  backlog ${r.backlog}  CPU ${fmtCpu(r)}`,
  );
}

if (process.env.BENCH_NO_DOCS !== '1') {
  const docs = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));
  const rows = results.map(
    (r) =>
      `| ${r.name} | ${r.offered.toFixed(0)} | ${r.received.toFixed(0)} | ${r.published.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.max} | ${r.dropped} | ${r.backlog} | ${fmtCpu(r)} |`,
  );
  appendFileSync(
    docs,
    [
      '',
      `### Producer run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC (${RATE} trades/s offered, ${SECONDS} s measured per case, node ${process.version}, load average ${loadavg()[0]!.toFixed(1)} at the end on ${cpus().length} cores)`,
      '',
      '| case | offered/s | received/s | published/s | p50 ms | p99 ms | max ms | dropped | backlog at end | CPU cores: producer / simulator / kinesalite |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
    ].join('\n'),
  );
  console.log(`appended to ${docs}`);
}
// The AWS SDK's keep-alive sockets would hold the event loop open.
process.exit(0);

/**
 * Benchmark 1: keyBy(symbol, exchange) → 30 s tumbling event-time windows → VWAP, count, volume.
 *
 * Generates BENCH_EVENTS trades in memory (default 10 M), then measures in this process
 * (a) the runtime through `env.execute`, (b) a hand-written loop (the floor) and (c) DuckDB SQL,
 * checks that all three computed the same windows, and measures keyed state for 10 000 keys
 * over a 1 h horizon. Run: `BENCH_EVENTS=1000000 node --import tsx --expose-gc bench/trades-vwap.ts`.
 */
import { pathToFileURL } from 'node:url';
import {
  CollectSink,
  InMemorySource,
  StreamEnvironment,
  TumblingEventTimeWindows,
  WatermarkStrategy,
} from '../src/index.js';
import { duckDbVwap } from './duckdb-vwap.js';
import { envInt, gc, mb, peakRss, rate, table, timed } from './measure.js';
import { measureStateSize, type StateSizeResult } from './state-size.js';
import {
  OUT_OF_ORDERNESS_MS,
  WINDOW_MS,
  diffResults,
  generateTrades,
  keyOf,
  toResult,
  vwapAggregate,
  type Trade,
  type VwapAcc,
  type WindowResult,
} from './trades.js';

export interface Contender {
  name: string;
  eventsPerSec: number;
  wallMs: number;
  cpuMs: number;
  peakRssAfter: number;
  note: string;
}

export interface TradesVwapReport {
  events: number;
  windows: number;
  maxBatchSize: number;
  contenders: Contender[];
  duckDbLoadMs: number;
  verified: string;
  state: StateSizeResult;
  markdown: string;
}

/** The runtime job over pre-generated trades, one split read by one task. */
export async function runtimeVwap(trades: Trade[], maxBatchSize: number): Promise<WindowResult[]> {
  const sink = new CollectSink<WindowResult>();
  const env = StreamEnvironment.create();
  env
    .fromSource(
      new InMemorySource([{ id: 'trades', records: trades }], 'trades'),
      WatermarkStrategy.forBoundedOutOfOrderness<Trade>(OUT_OF_ORDERNESS_MS).withTimestampAssigner((t) => t.eventTime),
    )
    .keyBy(keyOf)
    .window(TumblingEventTimeWindows.of(WINDOW_MS))
    .aggregate<VwapAcc, VwapAcc, WindowResult>(vwapAggregate, (key, ctx, results, out) => {
      for (const acc of results) out.collect(toResult(key, ctx.window.start, acc));
    })
    .sinkTo(sink);
  await env.execute({ jobId: 'bench-trades-vwap', tasks: 'single', maxBatchSize });
  return sink.values;
}

/** The floor: one pass, a map of keys to a map of window starts to accumulators. */
export function loopVwap(trades: readonly Trade[]): WindowResult[] {
  const byKey = new Map<string, Map<number, VwapAcc>>();
  for (let i = 0; i < trades.length; i++) {
    const t = trades[i]!;
    const key = keyOf(t);
    const start = t.eventTime - (t.eventTime % WINDOW_MS);
    let windows = byKey.get(key);
    if (windows === undefined) byKey.set(key, (windows = new Map<number, VwapAcc>()));
    let acc = windows.get(start);
    if (acc === undefined) windows.set(start, (acc = { count: 0, volume: 0, quoteVolume: 0 }));
    acc.count++;
    acc.volume += t.quantity;
    acc.quoteVolume += t.price * t.quantity;
  }
  const results: WindowResult[] = [];
  for (const [key, windows] of byKey) for (const [start, acc] of windows) results.push(toResult(key, start, acc));
  return results;
}

export async function tradesVwapBenchmark(events: number, maxBatchSize: number): Promise<TradesVwapReport> {
  const log = (line: string): void => console.log(`[trades-vwap] ${line}`);
  log(`generating ${events.toLocaleString('en')} trades`);
  const trades = generateTrades(events);
  gc();
  const contenders: Contender[] = [];
  const add = (name: string, run: { wallMs: number; cpuMs: number }, note: string): void => {
    contenders.push({ name, eventsPerSec: (events / run.wallMs) * 1000, wallMs: run.wallMs, cpuMs: run.cpuMs, peakRssAfter: peakRss(), note });
    log(`${name}: ${rate((events / run.wallMs) * 1000)} (${run.wallMs.toFixed(0)} ms wall, ${run.cpuMs.toFixed(0)} ms cpu), peak RSS so far ${mb(peakRss())}`);
  };

  const runtime = await timed(() => runtimeVwap(trades, maxBatchSize));
  add('runtime', runtime, `env.execute, tasks: 'single', maxBatchSize ${maxBatchSize}`);
  gc();
  const loop = await timed(() => loopVwap(trades));
  add('hand-written loop', loop, 'Map<key, Map<windowStart, acc>>, same key function');
  gc();
  const duck = await duckDbVwap(trades, 1);
  add('DuckDB (query only)', { wallMs: duck.queryMs, cpuMs: duck.queryCpuMs }, `threads=1; load via appender took ${duck.loadMs.toFixed(0)} ms, not counted`);

  const problems = [diffResults(loop.value, runtime.value), diffResults(loop.value, duck.results)].filter((d) => d !== undefined);
  const verified = problems.length === 0 ? `identical: ${loop.value.length} windows, counts equal, sums within 1e-9 relative` : `MISMATCH: ${problems.join('; ')}`;
  log(verified);
  if (problems.length > 0) process.exitCode = 1;

  const [rt, fl, db] = contenders as [Contender, Contender, Contender];
  log(`runtime / loop time ratio ${(rt.wallMs / fl.wallMs).toFixed(2)}×; runtime / DuckDB query ratio ${(rt.wallMs / db.wallMs).toFixed(2)}×`);

  const state = await measureStateSize(log);
  const markdown = [
    `Trades: ${events.toLocaleString('en')} events, ${loop.value.length.toLocaleString('en')} windows (30 s tumbling, keyBy symbol|exchange, ${new Set(trades.map(keyOf)).size} keys).`,
    '',
    table(
      ['contender', 'events/s', 'wall ms', 'cpu ms', 'peak RSS after', 'runtime time ÷ this', 'notes'],
      contenders.map((c) => [c.name, rate(c.eventsPerSec), c.wallMs.toFixed(0), c.cpuMs.toFixed(0), mb(c.peakRssAfter), `${(rt.wallMs / c.wallMs).toFixed(2)}×`, c.note]),
    ),
    '',
    `- Targets: runtime ≥ 2 M events/s → **${rate(rt.eventsPerSec)}** (${rt.eventsPerSec >= 2e6 ? 'met' : 'missed'}); ≤ 3× the loop → **${(rt.wallMs / fl.wallMs).toFixed(2)}×** (${rt.wallMs <= 3 * fl.wallMs ? 'met' : 'missed'}).`,
    `- Results: ${verified}.`,
    `- DuckDB load (appender, data chunks of 2 048 rows): ${duck.loadMs.toFixed(0)} ms; compared on query time only.`,
    `- State, ${state.keys.toLocaleString('en')} keys × ${state.horizonMinutes} min horizon (${state.events.toLocaleString('en')} events, 30 s windows → KeyedProcessFunction keeping 1 h of aggregates per key in ListState): heap used after GC **${mb(state.heapBytes)}** (target < 200 MB: ${state.heapBytes < 200 * 1024 * 1024 ? 'met' : 'missed'}), checkpoint snapshot ${mb(state.checkpointBytes)}, ${state.entries.toLocaleString('en')} list entries held.`,
  ].join('\n');
  return { events, windows: loop.value.length, maxBatchSize, contenders, duckDbLoadMs: duck.loadMs, verified, state, markdown };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const report = await tradesVwapBenchmark(envInt('BENCH_EVENTS', 10_000_000), envInt('BENCH_BATCH', 4096));
  console.log(`\n${report.markdown}`);
}

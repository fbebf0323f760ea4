/**
 * Benchmark 2: Nexmark q0, q1, q2, q5, q7 on our runtime, events generated inside the source
 * during the run (generator included, as Nexmark counts), printed beside Flink 1.13's published
 * throughput per core. Throughput per core = events ÷ CPU seconds of this process (every thread,
 * GC included), which is Nexmark's events ÷ (cores × time). Before timing, each query's answer
 * is checked against a plain implementation on a small input.
 * Run: `NEXMARK_EVENTS=1000000 node --import tsx --expose-gc bench/nexmark.ts`.
 */
import { pathToFileURL } from 'node:url';
import { CollectSink, CountingSink } from '../src/index.js';
import { envInt, gc, mb, peakRss, rate, table, timed } from './measure.js';
import { NexmarkGenerator, type Bid } from './nexmark-generator.js';
import { FLINK_PER_CORE, QUERIES, runQuery, type HotItem, type QueryName } from './nexmark-queries.js';

export interface QueryFigure {
  query: QueryName;
  outputs: number;
  wallMs: number;
  cpuMs: number;
  eventsPerSec: number;
  perCore: number;
}

export interface NexmarkReport {
  events: number;
  verified: string;
  figures: QueryFigure[];
  markdown: string;
}

/** What each query must output over the first `count` events of a generator (plain loops). */
function expected(count: number, eventsPerSecond: number): Record<QueryName, string[]> {
  const gen = new NexmarkGenerator(1, eventsPerSecond);
  const bids: Bid[] = [];
  for (let i = 0; i < count; i++) {
    const e = gen.next(i);
    if (e.type === 2) bids.push(e);
  }
  const hop = new Map<number, Map<number, number>>();
  const tumble = new Map<number, Bid[]>();
  for (const b of bids) {
    const last = b.dateTime - (b.dateTime % 2_000);
    for (let start = last; start > b.dateTime - 10_000; start -= 2_000) {
      let counts = hop.get(start);
      if (counts === undefined) hop.set(start, (counts = new Map<number, number>()));
      counts.set(b.auction, (counts.get(b.auction) ?? 0) + 1);
    }
    const w = b.dateTime - (b.dateTime % 10_000);
    const top = tumble.get(w);
    if (top === undefined || b.price > top[0]!.price) tumble.set(w, [b]);
    else if (b.price === top[0]!.price) top.push(b);
  }
  const q5: string[] = [];
  for (const [start, counts] of hop) {
    const max = Math.max(...counts.values());
    for (const [auction, num] of counts) if (num === max) q5.push(`${start}:${auction}:${num}`);
  }
  return {
    q0: bids.map((b) => `${b.auction}:${b.bidder}:${b.price}:${b.dateTime}:${b.extra.length}`),
    q1: bids.map((b) => `${b.auction}:${b.bidder}:${0.908 * b.price}:${b.dateTime}:${b.extra.length}`),
    q2: bids.filter((b) => b.auction % 123 === 0).map((b) => `${b.auction}:${b.price}`),
    q5,
    q7: [...tumble.values()].flat().map((b) => `${b.auction}:${b.bidder}:${b.price}:${b.dateTime}`),
  };
}

function describe(query: QueryName, value: unknown): string {
  const v = value as Record<string, number | string>;
  switch (query) {
    case 'q0':
    case 'q1':
      return `${v.auction}:${v.bidder}:${v.price}:${v.dateTime}:${String(v.extra).length}`;
    case 'q2':
      return `${v.auction}:${v.price}`;
    case 'q5': {
      const h = value as HotItem;
      return `${h.windowStart}:${h.auction}:${h.num}`;
    }
    case 'q7':
      return `${v.auction}:${v.bidder}:${v.price}:${v.dateTime}`;
  }
}

/** Runs every query on a small input (10 s of event time) and compares with the plain answers. */
async function verify(): Promise<string> {
  const count = 500_000;
  const eventsPerSecond = 50_000;
  const want = expected(count, eventsPerSecond);
  const problems: string[] = [];
  for (const query of QUERIES) {
    const sink = new CollectSink<unknown>();
    await runQuery(query, count, sink, eventsPerSecond);
    const got = sink.values.map((v) => describe(query, v)).sort();
    const exp = [...want[query]].sort();
    const same = got.length === exp.length && got.every((g, i) => g === exp[i]);
    if (!same || exp.length === 0) problems.push(`${query}: ${got.length} outputs, expected ${exp.length}`);
  }
  return problems.length === 0
    ? `all five queries match plain implementations on ${count.toLocaleString('en')} events (10 s of event time)`
    : `MISMATCH: ${problems.join('; ')}`;
}

export async function nexmarkBenchmark(events: number, maxBatchSize: number): Promise<NexmarkReport> {
  const log = (line: string): void => console.log(`[nexmark] ${line}`);
  const verified = await verify();
  log(verified);
  if (verified.startsWith('MISMATCH')) process.exitCode = 1;
  // The baseline: the generator alone, in a plain loop, over the same number of events.
  gc();
  const generatorOnly = await timed(() => {
    const gen = new NexmarkGenerator(1);
    let bids = 0;
    for (let i = 0; i < events; i++) if (gen.next(i).type === 2) bids++;
    return bids;
  });
  const baselinePerCore = (events / generatorOnly.cpuMs) * 1000;
  log(
    `generator alone: ${rate((events / generatorOnly.wallMs) * 1000)} wall, ${rate(baselinePerCore)} per core (${generatorOnly.value} bids)`,
  );
  const figures: QueryFigure[] = [];
  for (const query of QUERIES) {
    gc();
    const sink = new CountingSink<unknown>();
    const run = await timed(() => runQuery(query, events, sink, undefined, maxBatchSize));
    const figure = {
      query,
      outputs: sink.count,
      wallMs: run.wallMs,
      cpuMs: run.cpuMs,
      eventsPerSec: (events / run.wallMs) * 1000,
      perCore: (events / run.cpuMs) * 1000,
    };
    figures.push(figure);
    log(
      `${query}: ${rate(figure.eventsPerSec)} wall, ${rate(figure.perCore)} per core (Flink 1.13: ${rate(FLINK_PER_CORE[query])}), ${sink.count} outputs, peak RSS so far ${mb(peakRss())}`,
    );
  }
  const markdown = [
    `Nexmark: ${events.toLocaleString('en')} events per query (persons:auctions:bids = 1:3:46, ${(10_000_000).toLocaleString('en')} events per second of event time as in the 100 M suite), one task, maxBatchSize ${maxBatchSize}, generator inside the source.`,
    '',
    table(
      [
        'query',
        'ours events/s (wall)',
        'ours per core (events ÷ CPU s)',
        'Flink 1.13 per core',
        'ours ÷ Flink',
        'outputs',
      ],
      [
        [
          'generator alone (baseline)',
          rate((events / generatorOnly.wallMs) * 1000),
          rate(baselinePerCore),
          '',
          '',
          `${generatorOnly.value.toLocaleString('en')} bids`,
        ],
        ...figures.map((f) => [
          f.query,
          rate(f.eventsPerSec),
          rate(f.perCore),
          rate(FLINK_PER_CORE[f.query]),
          `${(f.perCore / FLINK_PER_CORE[f.query]).toFixed(1)}×`,
          f.outputs.toLocaleString('en'),
        ]),
      ],
    ),
    '',
    `- Correctness: ${verified}.`,
    `- Event time: ${events.toLocaleString('en')} events at 10 M events per second of event time span ${(events / 10_000_000).toFixed(1)} s, so q5 and q7 close few windows (Flink's 100 M events span 10 s); every event still enters the windows' state.`,
    `- Flink's figures: nexmark/nexmark README, Flink 1.13, 8 TaskManagers × 1 slot, RocksDB, exactly-once checkpoints every 3 min, 100 M events; ours: one Node.js thread, heap state, no checkpoint store.`,
  ].join('\n');
  return { events, verified, figures, markdown };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const report = await nexmarkBenchmark(envInt('NEXMARK_EVENTS', 10_000_000), envInt('BENCH_BATCH', 4096));
  console.log(`\n${report.markdown}`);
}

/**
 * Nexmark q0–q8 as DataStream jobs on our runtime, each over a source that generates events
 * during the run (as Nexmark counts: generator included): q0, q1, q2, q5 and q7 here, the joins
 * (q3, q4, q6, q8) in nexmark-joins.ts.
 */
import {
  DataGeneratorSource,
  SlidingEventTimeWindows,
  StreamEnvironment,
  TumblingEventTimeWindows,
  ValueStateDescriptor,
  WatermarkStrategy,
  type AggregateFunction,
  type CheckpointStore,
  type DataStream,
  type KeyedProcessFunction,
  type Logger,
  type Metrics,
  type Sink,
  type ValueState,
  type Json,
} from '../src/index.js';
import { JsonFilesSink } from '../src/testing/index.js';
import { NexmarkGenerator, type Bid, type NexmarkEvent } from './nexmark-generator.js';
import { buildJoinQuery } from './nexmark-joins.js';

export type QueryName = 'q0' | 'q1' | 'q2' | 'q3' | 'q4' | 'q5' | 'q6' | 'q7' | 'q8';
export const QUERIES: readonly QueryName[] = ['q0', 'q1', 'q2', 'q3', 'q4', 'q5', 'q6', 'q7', 'q8'];

/**
 * Flink 1.13's "Throughput/Cores" column, from the "Benchmark Results" table of the
 * github.com/nexmark/nexmark README: 100 M events at 10 M events/s, 8 TaskManagers × 1 slot on
 * 8-core workers, RocksDB with incremental, exactly-once checkpoints every 3 min. q6 is absent
 * there (Flink SQL cannot run it: FLINK-19059).
 */
export const FLINK_PER_CORE: Record<QueryName, number | undefined> = {
  q0: 155_020,
  q1: 157_940,
  q2: 175_210,
  q3: 152_120,
  q4: 34_330,
  q5: 22_140,
  q6: undefined,
  q7: 12_330,
  q8: 146_140,
};

export interface HotItem {
  auction: number;
  num: number;
  windowStart: number;
}

/** The watermark of the Nexmark DDL: `dateTime - INTERVAL '4' SECOND`. */
const WATERMARK_DELAY_MS = 4_000;

const isBid = (e: NexmarkEvent): boolean => e.type === 2;

/** The columns of a bid that q5 reads. */
interface AuctionBid {
  auction: number;
  dateTime: number;
}

const countBids: AggregateFunction<AuctionBid, number, number> = {
  createAccumulator: () => 0,
  add: (_bid, n) => n + 1,
  getResult: (n) => n,
  merge: (a, b) => a + b,
};

interface HighestBids {
  max: number;
  bids: Bid[];
}

/** q7's window: the highest price and every bid that has it. */
const highestBids: AggregateFunction<Bid, HighestBids, HighestBids> = {
  createAccumulator: () => ({ max: -1, bids: [] }),
  add: (bid, acc) => {
    if (bid.price > acc.max) {
      acc.max = bid.price;
      acc.bids = [bid];
    } else if (bid.price === acc.max) acc.bids.push(bid);
    return acc;
  },
  getResult: (acc) => acc,
};

/** q5's second step: per window, the auction(s) with the most bids, emitted when the window is complete. */
function maxPerWindow(): KeyedProcessFunction<number, HotItem, HotItem> {
  let best: ValueState<HotItem[]>;
  return {
    open: (ctx) => void (best = ctx.getState(new ValueStateDescriptor<HotItem[]>('best'))),
    processElement: (item, ctx, _out) => {
      const current = best.value();
      if (current === undefined || item.num > current[0]!.num) {
        best.update([item]);
        // Every count of this window carries the window's last timestamp: fire once they are all in.
        ctx.timerService().registerEventTimeTimer(ctx.timestamp);
      } else if (item.num === current[0]!.num) {
        current.push(item);
        best.update(current);
      }
    },
    onTimer: (_time, _ctx, out) => {
      for (const item of best.value() ?? []) out.collect(item);
      best.clear();
    },
  };
}

/** Adds query `name` to `env` over `events`, ending in `sink`. */
export function buildQuery(name: QueryName, events: DataStream<NexmarkEvent>, sink: Sink<unknown>): void {
  const bids = events.filter(isBid) as DataStream<unknown> as DataStream<Bid>;
  switch (name) {
    case 'q3':
    case 'q4':
    case 'q6':
    case 'q8':
      buildJoinQuery(name, events, sink);
      return;
    case 'q0':
      bids
        .map((b) => ({ auction: b.auction, bidder: b.bidder, price: b.price, dateTime: b.dateTime, extra: b.extra }))
        .sinkTo(sink);
      return;
    case 'q1':
      bids
        .map((b) => ({
          auction: b.auction,
          bidder: b.bidder,
          price: 0.908 * b.price,
          dateTime: b.dateTime,
          extra: b.extra,
        }))
        .sinkTo(sink);
      return;
    case 'q2':
      events
        .filter((e) => e.type === 2 && e.auction % 123 === 0)
        .map((e) => ({ auction: (e as Bid).auction, price: (e as Bid).price }))
        .sinkTo(sink);
      return;
    case 'q5':
      // Only the auction crosses the keyBy, as in Flink's plan for the SQL query (a Calc that
      // selects auction and dateTime before the hash Exchange); the timestamp travels with the record.
      bids
        .map((b): AuctionBid => ({ auction: b.auction, dateTime: b.dateTime }))
        .keyBy((b) => b.auction)
        .window(SlidingEventTimeWindows.of(10_000, 2_000))
        .aggregate<number, number, HotItem>(countBids, (auction, ctx, counts, out) => {
          for (const num of counts) out.collect({ auction, num, windowStart: ctx.window.start });
        })
        .keyBy((item) => item.windowStart)
        .process(maxPerWindow)
        .sinkTo(sink);
      return;
    case 'q7':
      bids
        .keyBy(() => 0)
        .window(TumblingEventTimeWindows.of(10_000))
        .aggregate<HighestBids, HighestBids, Bid>(highestBids, (_key, _ctx, results, out) => {
          for (const acc of results) for (const bid of acc.bids) out.collect(bid);
        })
        .sinkTo(sink);
      return;
  }
}

/** How {@link runQuery} runs: event rate, batch size, checkpoints. */
export interface RunOptions {
  /** Events per second of event time. @default 10 M (the 100 M suite's rate) */
  eventsPerSecond?: number;
  /** @default 4096 */
  maxBatchSize?: number;
  /** Where checkpoints go; none: no checkpoints. */
  checkpointStore?: CheckpointStore;
  /** Processing time between checkpoints. @default 10_000 */
  checkpointIntervalMs?: number;
  /** Receives the tasks' checkpoint duration and size gauges. */
  metrics?: Metrics;
  /** Source splits: split `s` of `n` generates event numbers s, s + n, s + 2n, … @default 1 */
  splits?: number;
  /** Keyed tasks behind a keyBy exchange (the `parallelism` job option); unset: one task. */
  parallelism?: number;
  /**
   * The exchange's tasks on this many worker threads (the `threads` job option), each writing
   * its output as JSON files to `dir` (the `sink` given to runQuery then gets nothing); `bundle`:
   * the threads start from one bundle of the job (the `threads.bundle` job option); `records`: how
   * records cross threads (`threads.records`).
   */
  threads?: { count: number; dir: string; bundle?: boolean; records?: 'bytes' | 'clone' };
  /** The job's logger (the exchange logs its checkpoints and when its threads are ready). */
  logger?: Logger;
}

const runArgs = (o: RunOptions): { eventsPerSecond?: number; splits?: number } => ({
  ...(o.eventsPerSecond !== undefined ? { eventsPerSecond: o.eventsPerSecond } : {}),
  ...(o.splits !== undefined ? { splits: o.splits } : {}),
});

/** A query's job over `count` generated events into `sink`. */
export function queryJob(
  name: QueryName,
  count: number,
  sink: Sink<unknown>,
  options: Pick<RunOptions, 'eventsPerSecond' | 'splits'>,
): StreamEnvironment {
  const splits = options.splits ?? 1;
  const generators = Array.from({ length: splits }, (_, s) => new NexmarkGenerator(s + 1, options.eventsPerSecond));
  const env = StreamEnvironment.create();
  const events = env.fromSource(
    new DataGeneratorSource<NexmarkEvent>({
      generate: (i, s) => generators[s]!.next(i * splits + s),
      countPerSplit: Math.ceil(count / splits),
      splits,
      name: 'nexmark',
    }),
    WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(WATERMARK_DELAY_MS).withTimestampAssigner(
      (e) => e.dateTime,
    ),
  );
  buildQuery(name, events, sink);
  return env;
}

/** {@link queryJob} as worker threads build it: its output goes to JSON files in `dir`. */
export function nexmarkFilesJob(args: {
  query: QueryName;
  count: number;
  dir: string;
  eventsPerSecond?: number;
  splits?: number;
}): StreamEnvironment {
  return queryJob(args.query, args.count, new JsonFilesSink<Json>(args.dir), args);
}

/** Runs one query over `count` freshly generated events; resolves when the job ends. */
export async function runQuery<T>(
  name: QueryName,
  count: number,
  sink: Sink<T>,
  options: RunOptions = {},
): Promise<void> {
  const env =
    options.threads === undefined
      ? queryJob(name, count, sink, options)
      : nexmarkFilesJob({ query: name, count, dir: options.threads.dir, ...runArgs(options) });
  await env.execute({
    jobId: `nexmark-${name}`,
    ...(options.threads !== undefined
      ? {
          threads: {
            count: options.threads.count,
            job: {
              module: import.meta.url,
              export: 'nexmarkFilesJob',
              args: { query: name, count, dir: options.threads.dir, ...runArgs(options) },
            },
            bundle: options.threads.bundle ?? false,
            ...(options.threads.records !== undefined ? { records: options.threads.records } : {}),
          },
        }
      : {}),
    ...(options.parallelism !== undefined ? { parallelism: options.parallelism } : { tasks: 'single' as const }),
    maxBatchSize: options.maxBatchSize ?? 4096,
    ...(options.checkpointStore !== undefined
      ? { checkpointStore: options.checkpointStore, checkpointIntervalMs: options.checkpointIntervalMs ?? 10_000 }
      : { checkpointIntervalMs: 0 }),
    ...(options.metrics !== undefined ? { metrics: options.metrics } : {}),
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
}

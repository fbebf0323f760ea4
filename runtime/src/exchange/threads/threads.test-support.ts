/**
 * A keyed job as a module, the way a job is given to the `threads` option: every thread imports
 * it and builds the same graph from the same arguments. The exchange's tests on one thread run the
 * same job (`keyedJobOn`, `keyedJobFrom`), so both compare against one definition.
 */
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import type { AggregateFunction } from '../../api/functions.js';
import { StreamEnvironment } from '../../api/stream-environment.js';
import type { Sink } from '../../sink/sink.js';
import { InMemorySource } from '../../source/in-memory-source.js';
import { ValueStateDescriptor, type ValueState } from '../../state/state-descriptors.js';
import { JsonFilesSink } from '../../testing/json-files-sink.js';
import { WatermarkStrategy } from '../../watermarks/watermark-strategy.js';
import { TumblingEventTimeWindows } from '../../windows/window-assigners.js';

export interface Ev {
  key: string;
  t: number;
  v: number;
}

export interface KeyedJobArgs {
  splits: number;
  perSplit: number;
  /** Records of each split read in this run (the rest come in a later one); all by default. */
  upTo?: number;
  /** Splits stay open after their records: the job runs until stopped. */
  open?: boolean;
  /** Where the sinks write (a JsonFilesSink, exactly once). */
  dir: string;
  /** The keyed function throws on this key. */
  failOn?: string;
  /** The keyed function ends its thread (process.exit in a worker) on this key. */
  exitOn?: string;
  /** A file the thread appends to every few ms while it lives. */
  heartbeat?: string;
  /** The splits end into one child split (a merge of all of them). */
  merge?: boolean;
  /**
   * The window sink fails once (a retryable error, as a broker going away) at its 20th write on
   * some thread, leaving this file behind so that no thread fails again after the restart.
   */
  crashOnce?: string;
}

/** `inner`, failing once at its 20th write in this thread unless `marker` exists. */
function crashingOnce<T>(inner: Sink<T>, marker: string): Sink<T> {
  let writes = 0;
  return {
    name: inner.name,
    createWriter: (ctx) => {
      const writer = inner.createWriter(ctx);
      return {
        ...writer,
        write: (values, timestamps) => {
          if (++writes === 20 && !existsSync(marker)) {
            writeFileSync(marker, '');
            throw new Error('connection reset by peer');
          }
          return writer.write(values, timestamps);
        },
      };
    },
  };
}

/** Splits NOT partitioned by key: every key in every split, out of order within bounds. */
export function unpartitioned(splits: number, perSplit: number, keys = 12): Ev[][] {
  return Array.from({ length: splits }, (_, s) =>
    Array.from({ length: perSplit }, (_, i) => ({
      key: `k${(i * 7 + s) % keys}`,
      t: i * 100 + ((i * 37 + s) % 5) * 20,
      v: s + i,
    })),
  );
}

const sum: AggregateFunction<Ev, number, number> = {
  createAccumulator: () => 0,
  add: (e, n) => n + e.v,
  getResult: (n) => n,
  merge: (a, b) => a + b,
};

/** One split per array of records, as `args` asks (how many read, open, merged at their end). */
export function keyedSource(records: Ev[][], args: Pick<KeyedJobArgs, 'upTo' | 'open' | 'merge'>): InMemorySource<Ev> {
  const splits = records.map((r, i) => ({
    id: `s${i}`,
    records: r.slice(0, args.upTo ?? r.length),
    open: args.open === true,
    ...(args.merge === true ? { children: ['merged'] } : {}),
  }));
  const merged = { id: 'merged', records: [] as Ev[], parents: splits.map((s) => s.id) };
  return new InMemorySource(args.merge === true ? [...splits, merged] : splits);
}

/** Windowed sums per key, and a total per key from keyed state and a timer. */
export function keyedJobOn(
  records: Ev[][],
  args: Pick<KeyedJobArgs, 'upTo' | 'open' | 'failOn' | 'exitOn' | 'merge'>,
  windows: Sink<string>,
  counts: Sink<string>,
): StreamEnvironment {
  return keyedJobFrom(keyedSource(records, args), args, windows, counts);
}

/** The same job on a source the caller holds (to push records into it between runs). */
export function keyedJobFrom(
  source: InMemorySource<Ev>,
  args: Pick<KeyedJobArgs, 'failOn' | 'exitOn'>,
  windows: Sink<string>,
  counts: Sink<string>,
): StreamEnvironment {
  const env = StreamEnvironment.create();
  const events = env.fromSource(
    source,
    WatermarkStrategy.forBoundedOutOfOrderness<Ev>(100).withTimestampAssigner((e) => e.t),
  );
  events
    .keyBy((e) => e.key)
    .window(TumblingEventTimeWindows.of(1_000))
    .aggregate(sum, (key, ctx, [total], out) => out.collect(`${key}@${ctx.window.start}=${total}`))
    .uid('sums')
    .sinkTo(windows)
    .uid('sums-sink');
  events
    .keyBy((e) => e.key)
    .process<string>(() => {
      let n: ValueState<number>;
      return {
        open: (ctx) => void (n = ctx.getState(new ValueStateDescriptor<number>('n', 0))),
        processElement: (e, ctx) => {
          if (e.key === args.failOn) throw new Error(`no records of ${e.key} wanted`);
          if (e.key === args.exitOn) process.exit(3);
          n.update(n.value()! + e.v);
          ctx.timerService().registerEventTimeTimer(1e12); // fires at the end of input
        },
        onTimer: (_ts, ctx, out) => out.collect(`${ctx.getCurrentKey()}#${n.value()}`),
      };
    })
    .uid('counts')
    .sinkTo(counts)
    .uid('counts-sink');
  return env;
}

/** The factory the threads call. */
export function keyedJob(args: KeyedJobArgs): StreamEnvironment {
  if (args.heartbeat !== undefined) {
    const file = args.heartbeat;
    setInterval(() => appendFileSync(file, '.'), 5).unref();
  }
  const sink = new JsonFilesSink<string>(args.dir, { exactlyOnce: true });
  const windows = args.crashOnce === undefined ? sink : crashingOnce(sink, args.crashOnce);
  return keyedJobOn(unpartitioned(args.splits, args.perSplit), args, windows, sink);
}

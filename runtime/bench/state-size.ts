/**
 * State size for 10 000 keys over a 1 h event-time horizon: 30 s VWAP windows feed a
 * KeyedProcessFunction that keeps the last hour of window aggregates per key in ListState (the
 * shape of the volume-anomaly job's rolling statistics) and emits z-score alerts. Once the input
 * is consumed, with the job still running and holding its state, we measure heap used after GC
 * (minus the heap before the job) and the size of a checkpoint of the task.
 */
import {
  CountingSink,
  ListStateDescriptor,
  StreamEnvironment,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type CheckpointStore,
  type KeyedProcessFunction,
  type ListState,
  type Source,
  type SplitBatch,
} from '../src/index.js';
import { envInt, heapUsedAfterGc } from './measure.js';
import {
  BASE_TIME,
  EXCHANGES,
  OUT_OF_ORDERNESS_MS,
  WINDOW_MS,
  keyOf,
  prng,
  symbols,
  toResult,
  vwapAggregate,
  type Trade,
  type VwapAcc,
  type WindowResult,
} from './trades.js';

export interface StateSizeResult {
  keys: number;
  horizonMinutes: number;
  events: number;
  entries: number;
  heapBytes: number;
  checkpointBytes: number;
}

const HOUR_MS = 3_600_000;
const TRADES_PER_KEY_AND_WINDOW = 2;

interface HourEntry {
  windowStart: number;
  count: number;
  volume: number;
  vwap: number;
}

/** Trades in event-time order over `minutes`, every key trading in every window; an open split that goes quiet when done. */
class StateTradesSource implements Source<Trade> {
  readonly name = 'state-trades';
  drained = false;
  readonly #syms: string[];

  constructor(
    readonly keys: number,
    readonly total: number,
  ) {
    this.#syms = symbols(Math.ceil(keys / EXCHANGES.length));
  }

  listSplits(): { id: string }[] {
    return [{ id: 'state-0' }];
  }

  createReader(): { poll(max: number): SplitBatch<Trade> } {
    const rand = prng(7);
    const perWindow = this.keys * TRADES_PER_KEY_AND_WINDOW;
    let next = 0;
    return {
      poll: (max) => {
        const n = Math.min(max, this.total - next);
        const records = new Array<Trade>(n);
        for (let i = 0; i < n; i++, next++) {
          const k = next % this.keys;
          records[i] = {
            symbol: this.#syms[Math.floor(k / EXCHANGES.length)]!,
            exchange: EXCHANGES[k % EXCHANGES.length]!,
            price: 100 + rand(),
            quantity: 1 + rand() * 10,
            eventTime: BASE_TIME + Math.floor((next * WINDOW_MS) / perWindow),
            instrumentId: k,
          };
        }
        if (next >= this.total) this.drained = true;
        return { records, position: next };
      },
    };
  }
}

/** Keeps one hour of window aggregates per key and flags windows whose volume is > 2.5 σ off the hour's mean. */
function rollingHour(counter: { entries: number }): KeyedProcessFunction<string, WindowResult, string> {
  let hour: ListState<HourEntry>;
  return {
    open: (ctx) => void (hour = ctx.getListState(new ListStateDescriptor<HourEntry>('hour'))),
    processElement: (w, ctx, out) => {
      const list = hour.get();
      let sum = 0;
      let sumSq = 0;
      for (const e of list) {
        sum += e.volume;
        sumSq += e.volume * e.volume;
      }
      if (list.length >= 2) {
        const mean = sum / list.length;
        const sd = Math.sqrt(Math.max(0, sumSq / list.length - mean * mean));
        if (sd > 0 && Math.abs(w.volume - mean) / sd > 2.5) out.collect(`${ctx.getCurrentKey()}@${w.windowStart}`);
      }
      let expired = 0;
      while (expired < list.length && list[expired]!.windowStart <= w.windowStart - HOUR_MS) expired++;
      if (expired > 0) {
        hour.update(list.slice(expired));
        counter.entries -= expired;
      }
      hour.add({ windowStart: w.windowStart, count: w.count, volume: w.volume, vwap: w.vwap });
      counter.entries++;
    },
  };
}

/** Keeps checkpoint objects in memory and remembers the size of the last state object written. */
class MemoryCheckpointStore implements CheckpointStore {
  readonly #objects = new Map<string, Uint8Array>();
  lastStateBytes = 0;

  put(key: string, body: Uint8Array): Promise<void> {
    this.#objects.set(key, body);
    if (key.endsWith('state.json')) this.lastStateBytes = body.byteLength;
    return Promise.resolve();
  }
  get(key: string): Promise<Uint8Array | undefined> {
    return Promise.resolve(this.#objects.get(key));
  }
  list(prefix: string): Promise<string[]> {
    return Promise.resolve([...this.#objects.keys()].filter((k) => k.startsWith(prefix)));
  }
  delete(keys: readonly string[]): Promise<void> {
    for (const k of keys) this.#objects.delete(k);
    return Promise.resolve();
  }
}

export async function measureStateSize(log: (line: string) => void): Promise<StateSizeResult> {
  const keys = envInt('BENCH_STATE_KEYS', 10_000);
  const minutes = envInt('BENCH_STATE_MINUTES', 70);
  const events = keys * TRADES_PER_KEY_AND_WINDOW * ((minutes * 60_000) / WINDOW_MS);
  log(`state: ${keys} keys over ${minutes} min of event time (${events.toLocaleString('en')} events)`);
  const counter = { entries: 0 };
  const source = new StateTradesSource(keys, events);
  const store = new MemoryCheckpointStore();
  const baseline = heapUsedAfterGc();

  const env = StreamEnvironment.create();
  env
    .fromSource(
      source,
      WatermarkStrategy.forBoundedOutOfOrderness<Trade>(OUT_OF_ORDERNESS_MS).withTimestampAssigner((t) => t.eventTime),
    )
    .keyBy(keyOf)
    .window(TumblingEventTimeWindows.of(WINDOW_MS))
    .aggregate<VwapAcc, VwapAcc, WindowResult>(vwapAggregate, (key, ctx, results, out) => {
      for (const acc of results) out.collect(toResult(key, ctx.window.start, acc));
    })
    .keyBy((w) => w.key)
    .process(rollingHour(counter))
    .sinkTo(new CountingSink<string>());
  const client = env.executeAsync({
    jobId: 'bench-state-size',
    tasks: 'single',
    maxBatchSize: 4096,
    checkpointStore: store,
    checkpointIntervalMs: 0,
  });
  while (!source.drained) await new Promise((resolve) => setTimeout(resolve, 50));
  await new Promise((resolve) => setTimeout(resolve, 200));
  const heapBytes = heapUsedAfterGc() - baseline;
  const task = client.tasks().get('task-0');
  if (task === undefined) throw new Error('state benchmark: task-0 is not running');
  await task.checkpoint();
  const checkpointBytes = store.lastStateBytes;
  await client.stop();
  return { keys, horizonMinutes: minutes, events, entries: counter.entries, heapBytes, checkpointBytes };
}

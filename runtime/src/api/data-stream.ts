import { JobDefinitionError } from '../errors.js';
import {
  filterOperator,
  flatMapOperator,
  mapOperator,
  processOperator,
  unionOperator,
} from '../operators/stateless-operators.js';
import { sinkOperator } from '../operators/sink-operator.js';
import type { Sink } from '../sink/sink.js';
import type { KeyValue } from '../types.js';
import { keyedProcessOperator } from '../operators/keyed-process-operator.js';
import { ValueStateDescriptor, type ValueState } from '../state/state-descriptors.js';
import { alignedWindowOperator } from '../windows/aligned-window-operator.js';
import type { WindowAssigner } from '../windows/window-assigners.js';
import { sessionWindowOperator } from '../windows/session-window-operator.js';
import type {
  AggregateFunction,
  FilterFunction,
  FlatMapFunction,
  KeyedProcessFunction,
  KeySelector,
  MapFunction,
  ProcessFunction,
  ProcessWindowFunction,
  ReduceFunction,
} from './functions.js';
import type { GraphNode, KeyedInput } from './graph.js';
import type { OutputTag } from './output-tag.js';
import type { StreamGraphBuilder } from './stream-graph-builder.js';

/**
 * A stream of records of type T, in Flink's words. Each method adds an operator to the job graph
 * and returns the new stream; nothing runs until the environment executes.
 */
export class DataStream<T> {
  constructor(
    protected readonly builder: StreamGraphBuilder,
    /** @internal */ readonly node: GraphNode,
  ) {}

  /** Sets the operator's identity in checkpoints. Keep it stable across versions of the job. */
  uid(id: string): this {
    this.builder.rename(this.node, id);
    return this;
  }

  /** Names the operator in logs and metrics. */
  name(name: string): this {
    this.node.name = name;
    return this;
  }

  map<R>(fn: MapFunction<T, R>): DataStream<R> {
    return this.#then<R>('map', (init) => mapOperator(fn, init));
  }

  filter(fn: FilterFunction<T>): DataStream<T> {
    return this.#then<T>('filter', (init) => filterOperator(fn, init));
  }

  flatMap<R>(fn: FlatMapFunction<T, R>): DataStream<R> {
    return this.#then<R>('flat-map', (init) => flatMapOperator(fn, init));
  }

  /** Per-record logic with side outputs (`context.output(tag, value)`). */
  process<R>(fn: ProcessFunction<T, R>): DataStream<R> {
    return this.#then<R>('process', (init) => processOperator(fn, init));
  }

  /**
   * Partitions by key for keyed state, timers and windows. Keys must be strings or numbers. With
   * the `parallelism` job option the records are shuffled by key to the keyed tasks; declare
   * `{ sourcePartitioned: true }` when the source is already partitioned by this key (tasks per
   * split need no shuffle then, and the runtime fails on the first record that breaks the claim).
   */
  keyBy<K extends KeyValue>(keySelector: KeySelector<T, K>, options: KeyByOptions = {}): KeyedStream<T, K> {
    return new KeyedStream<T, K>(this.builder, this.node, keySelector, options.sourcePartitioned ?? false);
  }

  /** Merges streams of the same type. */
  union(...others: DataStream<T>[]): DataStream<T> {
    for (const other of others) {
      if (other.builder !== this.builder)
        throw new JobDefinitionError('union() of streams from different StreamEnvironments');
    }
    const node = this.builder.add({
      kind: 'union',
      inputs: [this.node, ...others.map((o) => o.node)].map((node) => ({ node })),
      create: (init) => unionOperator(init),
    });
    return new DataStream<T>(this.builder, node);
  }

  /** The records an upstream operator emitted under `tag`. */
  getSideOutput<X>(tag: OutputTag<X>): DataStream<X> {
    const node = this.builder.add({
      kind: `side-output-${tag.id}`,
      inputs: [{ node: this.node, tag: tag }],
      create: (init) => unionOperator(init),
    });
    return new DataStream<X>(this.builder, node);
  }

  /** Ends the stream in a sink. */
  sinkTo(sink: Sink<T>): DataStreamSink {
    const node = this.builder.add({
      kind: `sink-${sink.name}`,
      inputs: [{ node: this.node }],
      create: (init) => sinkOperator(sink, init),
      isSink: true,
    });
    return new DataStreamSink(this.builder, node);
  }

  #then<R>(kind: string, create: GraphNode['create'] & object): DataStream<R> {
    return new DataStream<R>(this.builder, this.builder.add({ kind, inputs: [{ node: this.node }], create }));
  }
}

/** A sink in the graph; set its uid to keep its pending commits across job versions. */
export class DataStreamSink {
  constructor(
    private readonly builder: StreamGraphBuilder,
    readonly node: GraphNode,
  ) {}

  uid(id: string): this {
    this.builder.rename(this.node, id);
    return this;
  }

  name(name: string): this {
    this.node.name = name;
    return this;
  }
}

export interface KeyByOptions {
  /** The source's splits are partitioned by this key (no key in two splits). @default false */
  sourcePartitioned?: boolean;
}

/**
 * A stream partitioned by key. Each keyed operator records its key selector on its input; the
 * runner either fuses it per split (`sourcePartitioned`, or one task) or shuffles through the
 * exchange (`parallelism`). See runtime/README.md, "keyBy".
 */
export class KeyedStream<T, K extends KeyValue> {
  constructor(
    private readonly builder: StreamGraphBuilder,
    private readonly parent: GraphNode,
    readonly keySelector: KeySelector<T, K>,
    readonly sourcePartitioned = false,
  ) {}

  /** @internal What the keyed operators' graph nodes record about their input. */
  get keyed(): KeyedInput {
    return {
      selector: this.keySelector as KeyedInput['selector'],
      sourcePartitioned: this.sourcePartitioned,
    };
  }

  window(assigner: WindowAssigner): WindowedStream<T, K> {
    return new WindowedStream<T, K>(this.builder, this.parent, this.keySelector, assigner, this.keyed);
  }

  /**
   * Per-record logic with keyed state and timers. Every task runs its own operator instance; a
   * function that keeps state handles (from `open`) in a closure or field must therefore be given
   * as a factory, called once per task — as Flink gives each parallel instance its own function.
   *
   * @example
   * keyed.process(() => { let total: ValueState<number>; return { open: (ctx) => { total = ctx.getState(d); }, processElement: ... }; });
   */
  process<R>(fn: KeyedProcessFunction<K, T, R> | (() => KeyedProcessFunction<K, T, R>)): DataStream<R> {
    const node = this.builder.add({
      kind: 'keyed-process',
      inputs: [{ node: this.parent }],
      keyed: this.keyed,
      create: (init) => keyedProcessOperator(this.keySelector, typeof fn === 'function' ? fn() : fn, init),
    });
    return new DataStream<R>(this.builder, node);
  }

  /** A rolling reduce: emits the running result per key on every record. */
  reduce(fn: ReduceFunction<T>): DataStream<T> {
    return this.process<T>(() => {
      let state: ValueState<T> | undefined;
      return {
        open: (ctx) => void (state = ctx.getState(new ValueStateDescriptor<T>('reduce'))),
        processElement: (value, _ctx, out) => {
          const previous = state!.value();
          const next = previous === undefined ? value : fn(previous, value);
          state!.update(next);
          out.collect(next);
        },
      };
    });
  }
}

/** A keyed stream cut into event-time windows; finish it with `aggregate`, `reduce` or `process`. */
export class WindowedStream<T, K extends KeyValue> {
  #allowedLatenessMs = 0;
  #lateDataTag: OutputTag<T> | undefined;

  constructor(
    private readonly builder: StreamGraphBuilder,
    private readonly parent: GraphNode,
    private readonly keySelector: KeySelector<T, K>,
    private readonly assigner: WindowAssigner,
    private readonly keyed: KeyedInput,
  ) {}

  /** Keeps fired windows for `ms` more of event time; late records update them and re-fire. @default 0 */
  allowedLateness(ms: number): this {
    if (!Number.isFinite(ms) || ms < 0)
      throw new JobDefinitionError(`allowedLateness must be a finite number >= 0, got ${ms}`);
    this.#allowedLatenessMs = ms;
    return this;
  }

  /** Records too late for any window go to this side output instead of only being counted. */
  sideOutputLateData(tag: OutputTag<T>): this {
    this.#lateDataTag = tag;
    return this;
  }

  aggregate<ACC, R>(fn: AggregateFunction<T, ACC, R>): DataStream<R>;
  aggregate<ACC, R, OUT>(
    fn: AggregateFunction<T, ACC, R>,
    windowFunction: ProcessWindowFunction<R, OUT, K>,
  ): DataStream<OUT>;
  aggregate<ACC, R, OUT>(
    fn: AggregateFunction<T, ACC, R>,
    windowFunction?: ProcessWindowFunction<R, OUT, K>,
  ): DataStream<OUT | R> {
    const spec = {
      keySelector: this.keySelector,
      aggregate: fn,
      allowedLatenessMs: this.#allowedLatenessMs,
      ...(windowFunction ? { windowFunction } : {}),
      ...(this.#lateDataTag ? { lateDataTag: this.#lateDataTag } : {}),
    };
    const assigner = this.assigner;
    const node = this.builder.add({
      kind: `window-${assigner.kind}`,
      inputs: [{ node: this.parent }],
      keyed: this.keyed,
      create:
        assigner.kind === 'session'
          ? (init) => sessionWindowOperator({ ...spec, assigner }, init)
          : (init) => alignedWindowOperator({ ...spec, assigner }, init),
    });
    return new DataStream<OUT | R>(this.builder, node);
  }

  reduce(fn: ReduceFunction<T>): DataStream<T>;
  reduce<OUT>(fn: ReduceFunction<T>, windowFunction: ProcessWindowFunction<T, OUT, K>): DataStream<OUT>;
  reduce<OUT>(fn: ReduceFunction<T>, windowFunction?: ProcessWindowFunction<T, OUT, K>): DataStream<T | OUT> {
    const agg: AggregateFunction<T, { v: T | null }, T> = {
      createAccumulator: () => ({ v: null }),
      add: (value, acc) => ((acc.v = acc.v === null ? value : fn(acc.v, value)), acc),
      getResult: (acc) => acc.v as T,
      merge: (a, b) => (a.v === null ? b : b.v === null ? a : { v: fn(a.v, b.v) }),
    };
    const stream = windowFunction ? this.aggregate(agg, windowFunction) : this.aggregate(agg);
    return stream as DataStream<unknown> as DataStream<T | OUT>;
  }

  /** A window function over all of a window's records (buffered in state until it fires). */
  process<OUT>(windowFunction: ProcessWindowFunction<T, OUT, K>): DataStream<OUT> {
    const buffer: AggregateFunction<T, T[], T[]> = {
      createAccumulator: () => [],
      add: (value, acc) => (acc.push(value), acc),
      getResult: (acc) => acc,
      merge: (a, b) => a.concat(b),
    };
    return this.aggregate<T[], T[], OUT>(buffer, (key, ctx, elements, out) => {
      for (const all of elements) windowFunction(key, ctx, all, out);
    });
  }
}

import type { AggregateFunction, KeySelector, ProcessWindowFunction, WindowContext } from '../api/functions.js';
import type { OutputTag } from '../api/output-tag.js';
import type { Counter } from '../observability/metrics.js';
import type { OperatorInit } from '../operators/operator.js';
import type { Collector, KeyValue, Timestamp } from '../types.js';
import type { TimeWindow } from './time-window.js';

/** What every window operator is given besides its assigner. */
export interface WindowFunctionSpec<IN, ACC, AGG, OUT, K extends KeyValue> {
  keySelector: KeySelector<IN, K>;
  aggregate: AggregateFunction<IN, ACC, AGG>;
  windowFunction?: ProcessWindowFunction<AGG, OUT, K>;
  allowedLatenessMs: number;
  lateDataTag?: OutputTag<IN>;
}

/**
 * Where a window operator's records go: a fired window's result (through the window function when
 * there is one) at timestamp `end - 1`, and late records to the late-data side output when one is
 * set. Late records are counted either way, and those without a side output counted as dropped.
 */
export class WindowOutput<IN, ACC, AGG, OUT, K extends KeyValue> {
  /** The watermark the operator last saw, as the window function's context reports it. */
  watermark: Timestamp;
  readonly #init: OperatorInit;
  readonly #aggregate: AggregateFunction<IN, ACC, AGG>;
  readonly #windowFunction: ProcessWindowFunction<AGG, OUT, K> | undefined;
  readonly #lateDataTag: OutputTag<IN> | undefined;
  readonly #lateRecords: Counter;
  readonly #lateDropped: Counter;
  readonly #out: Collector<OUT>;
  readonly #context: WindowContext;
  #emitTs = 0;
  #window: TimeWindow = { start: 0, end: 0 };

  constructor(spec: WindowFunctionSpec<IN, ACC, AGG, OUT, K>, init: OperatorInit) {
    this.#init = init;
    this.#aggregate = spec.aggregate;
    this.#windowFunction = spec.windowFunction;
    this.#lateDataTag = spec.lateDataTag;
    const tags = { operator: init.operatorId, task: init.taskId };
    this.#lateRecords = init.metrics.counter('lateRecords', tags);
    this.#lateDropped = init.metrics.counter('lateRecordsDropped', tags);
    this.watermark = init.currentWatermark();
    this.#out = { collect: (value) => init.output.emit(value, this.#emitTs) };
    const window = (): TimeWindow => this.#window;
    const watermark = (): Timestamp => this.watermark;
    this.#context = {
      get window() {
        return window();
      },
      get currentWatermark() {
        return watermark();
      },
      output: <X>(tag: OutputTag<X>, value: X) => init.output.emitSide(tag, value, this.#emitTs),
    };
  }

  /** Emits the result of the window `[start, end)` of `key`. */
  emit(key: KeyValue, start: Timestamp, end: Timestamp, acc: ACC): void {
    this.#emitTs = end - 1;
    const result = this.#aggregate.getResult(acc);
    if (this.#windowFunction === undefined) {
      this.#init.output.emit(result, this.#emitTs);
      return;
    }
    this.#window = { start, end };
    this.#windowFunction(key as K, this.#context, [result], this.#out);
  }

  /** Routes a record whose every window is past its allowed lateness. */
  late(value: IN, ts: Timestamp): void {
    this.#lateRecords.inc();
    if (this.#lateDataTag !== undefined) this.#init.output.emitSide(this.#lateDataTag, value, ts);
    else this.#lateDropped.inc();
  }
}

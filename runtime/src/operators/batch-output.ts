import type { OutputTag } from '../api/output-tag.js';
import type { Counter } from '../observability/metrics.js';
import type { Timestamp } from '../types.js';

/** Something that accepts batches: the next operator(s) of the pipeline. */
export type BatchReceiver = (values: readonly unknown[], timestamps: readonly Timestamp[]) => void;

class Buffer {
  values: unknown[] = [];
  timestamps: Timestamp[] = [];
  readonly receivers: BatchReceiver[] = [];
}

/**
 * Where an operator's records go. Single records are buffered and handed downstream as one batch
 * at `flush()` (the runtime flushes after every `processBatch`, watermark and timer round); whole
 * batches from stateless operators pass straight through. Downstream receives arrays it must not
 * mutate.
 */
export class BatchOutput {
  readonly #main = new Buffer();
  readonly #side = new Map<OutputTag<unknown>, Buffer>();

  constructor(private readonly recordsOut: Counter) {}

  connect(receiver: BatchReceiver, tag?: OutputTag<unknown>): void {
    if (tag === undefined) {
      this.#main.receivers.push(receiver);
      return;
    }
    let buffer = this.#side.get(tag);
    if (buffer === undefined) this.#side.set(tag, (buffer = new Buffer()));
    buffer.receivers.push(receiver);
  }

  emit(value: unknown, timestamp: Timestamp): void {
    this.#main.values.push(value);
    this.#main.timestamps.push(timestamp);
  }

  emitSide(tag: OutputTag<unknown>, value: unknown, timestamp: Timestamp): void {
    const buffer = this.#side.get(tag);
    if (buffer === undefined) return; // nobody reads this side output: Flink drops it too, by design of getSideOutput
    buffer.values.push(value);
    buffer.timestamps.push(timestamp);
  }

  /** Passes a whole batch downstream, keeping order with anything buffered before it. */
  emitBatch(values: readonly unknown[], timestamps: readonly Timestamp[]): void {
    if (values.length === 0) return;
    this.flush();
    this.recordsOut.inc(values.length);
    for (const receive of this.#main.receivers) receive(values, timestamps);
  }

  flush(): void {
    const main = this.#main;
    if (main.values.length > 0) {
      const { values, timestamps } = main;
      main.values = [];
      main.timestamps = [];
      this.recordsOut.inc(values.length);
      for (const receive of main.receivers) receive(values, timestamps);
    }
    for (const buffer of this.#side.values()) {
      if (buffer.values.length === 0) continue;
      const { values, timestamps } = buffer;
      buffer.values = [];
      buffer.timestamps = [];
      for (const receive of buffer.receivers) receive(values, timestamps);
    }
  }
}

import type {
  FilterFunction,
  FlatMapFunction,
  MapFunction,
  ProcessContext,
  ProcessFunction,
} from '../api/functions.js';
import type { OutputTag } from '../api/output-tag.js';
import type { Collector, Timestamp } from '../types.js';
import type { OperatorInit, StreamOperator } from './operator.js';

export function mapOperator<IN, OUT>(fn: MapFunction<IN, OUT>, init: OperatorInit): StreamOperator {
  return {
    processBatch(values, timestamps) {
      const n = values.length;
      const out = new Array<unknown>(n);
      for (let i = 0; i < n; i++) out[i] = fn(values[i] as IN);
      init.output.emitBatch(out, timestamps);
    },
  };
}

export function filterOperator<T>(fn: FilterFunction<T>, init: OperatorInit): StreamOperator {
  return {
    processBatch(values, timestamps) {
      const keptValues: unknown[] = [];
      const keptTimes: Timestamp[] = [];
      for (let i = 0; i < values.length; i++) {
        if (fn(values[i] as T)) {
          keptValues.push(values[i]);
          keptTimes.push(timestamps[i]!);
        }
      }
      if (keptValues.length === values.length) init.output.emitBatch(values, timestamps);
      else init.output.emitBatch(keptValues, keptTimes);
    },
  };
}

export function flatMapOperator<IN, OUT>(fn: FlatMapFunction<IN, OUT>, init: OperatorInit): StreamOperator {
  let ts = 0;
  const out: Collector<OUT> = { collect: (value) => init.output.emit(value, ts) };
  return {
    processBatch(values, timestamps) {
      for (let i = 0; i < values.length; i++) {
        ts = timestamps[i]!;
        fn(values[i] as IN, out);
      }
    },
  };
}

export function processOperator<IN, OUT>(fn: ProcessFunction<IN, OUT>, init: OperatorInit): StreamOperator {
  let ts = 0;
  const out: Collector<OUT> = { collect: (value) => init.output.emit(value, ts) };
  const context: ProcessContext = {
    get timestamp() {
      return ts;
    },
    currentWatermark: () => init.currentWatermark(),
    output: <X>(tag: OutputTag<X>, value: X) => init.output.emitSide(tag, value, ts),
  };
  return {
    processBatch(values, timestamps) {
      for (let i = 0; i < values.length; i++) {
        ts = timestamps[i]!;
        fn.processElement(values[i] as IN, context, out);
      }
    },
  };
}

/** Union: several inputs, one output, records passed through untouched. */
export function unionOperator(init: OperatorInit): StreamOperator {
  return { processBatch: (values, timestamps) => init.output.emitBatch(values, timestamps) };
}

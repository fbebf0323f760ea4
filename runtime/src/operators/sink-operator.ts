import type { Sink, SinkWriter } from '../sink/sink.js';
import type { Json } from '../types.js';
import type { OperatorInit, StreamOperator } from './operator.js';

/** The end of a pipeline: hands batches to a sink writer and tracks its asynchronous writes. */
export interface SinkOperator extends StreamOperator {
  readonly writer: SinkWriter<unknown>;
}

export function sinkOperator<T>(sink: Sink<T>, init: OperatorInit): SinkOperator {
  const writer = sink.createWriter({
    jobId: init.jobId,
    taskId: init.taskId,
    operatorId: init.operatorId,
  }) as SinkWriter<unknown>;
  return {
    writer,
    processBatch(values, timestamps) {
      const pending = writer.write(values, timestamps);
      if (pending !== undefined) init.inFlight.track(pending, values.length);
    },
  };
}

export type SinkCommittables = Record<string, Json>;

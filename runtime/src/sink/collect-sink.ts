import type { Json, Timestamp } from '../types.js';
import type { Sink, SinkContext, SinkWriter } from './sink.js';

export interface CollectedRecord<T> {
  value: T;
  timestamp: Timestamp;
  taskId: string;
}

/**
 * Keeps everything written to it in memory, across all tasks: for tests, demos and benchmarks.
 * Non-transactional: a restored job may write a record twice.
 */
export class CollectSink<T> implements Sink<T> {
  readonly name = 'collect';
  readonly records: CollectedRecord<T>[] = [];

  get values(): T[] {
    return this.records.map((r) => r.value);
  }

  createWriter({ taskId }: { taskId: string }): SinkWriter<T> {
    return {
      write: (values, timestamps) => {
        for (let i = 0; i < values.length; i++)
          this.records.push({ value: values[i]!, timestamp: timestamps[i]!, taskId });
      },
    };
  }
}

/**
 * An exactly-once in-memory sink: records are staged per task and become visible in `committed`
 * only when the checkpoint that covers them completes. A commit repeated after a restore is a
 * no-op, because each (task, sink operator, checkpoint) is committed at most once.
 */
export class TransactionalCollectSink<T extends Json> implements Sink<T> {
  readonly name = 'transactional-collect';
  readonly committed: T[] = [];
  readonly #done = new Set<string>();

  createWriter({ taskId, operatorId }: SinkContext): SinkWriter<T> {
    let staged: T[] = [];
    return {
      write: (values) => {
        for (const v of values) staged.push(v);
      },
      prepareCommit: () => {
        const committable = staged;
        staged = [];
        return committable;
      },
      commit: (committables, checkpointId) => {
        // One sink object may back several sink operators of a task: each commits its own data.
        const id = `${taskId}/${operatorId}/${checkpointId}`;
        if (this.#done.has(id)) return;
        this.#done.add(id);
        for (const v of committables as T[]) this.committed.push(v);
      },
    };
  }
}

/** Counts records and drops them: the sink of throughput benchmarks. */
export class CountingSink<T> implements Sink<T> {
  readonly name = 'counting';
  count = 0;
  last: T | undefined;

  createWriter(): SinkWriter<T> {
    return {
      write: (values) => {
        this.count += values.length;
        if (values.length > 0) this.last = values[values.length - 1];
      },
    };
  }
}

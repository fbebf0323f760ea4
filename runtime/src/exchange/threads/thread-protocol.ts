import type { MessagePort } from 'node:worker_threads';
import type { AssignedSplit } from '../../checkpoint/task-checkpoint.js';
import type { CheckpointStore } from '../../checkpoint/checkpoint-store.js';
import { CheckpointError, RuntimeError } from '../../errors.js';
import type { Json, Timestamp } from '../../types.js';
import type { ExchangeCheckpoint } from '../exchange-checkpoints.js';

/**
 * The `threads` job option: run the exchange's tasks on worker threads, as Flink runs tasks in the
 * slots of task managers. User functions are closures and cannot cross threads, so every thread
 * builds the job itself from `job`: a module (a file URL, `import.meta.url` of the module that
 * defines the job) whose export `export` is called with `args` and returns the job's
 * StreamEnvironment or JobGraph — the same graph as the one passed to the job.
 */
export interface ExchangeThreads {
  /** Worker threads; source task `i` and keyed task `i` of every stage run on thread `i mod count`. */
  count: number;
  job: {
    module: string;
    export: string;
    /** Structured-cloneable arguments of the factory (plain data: numbers, strings, arrays, objects). */
    args?: Json;
  };
  /**
   * Runs every thread's loop on the calling thread instead, over the same channels and protocol:
   * no parallelism, but breakpoints work and coverage is measured (for debugging and tests).
   */
  sameThread?: boolean;
  /**
   * When the job runs from TypeScript (through tsx): starts every thread from one JavaScript
   * bundle of the runtime and the job module, compiled once when the job starts, instead of
   * loading tsx and compiling the TypeScript again in each thread (about half a second of CPU per
   * thread). In the bundle, `import.meta.url` is the bundle's: a job module that finds files next
   * to itself must leave this off. No effect on JavaScript. @default false
   */
  bundle?: boolean;
  /**
   * How records cross threads: `bytes`, flat records written by a codec learnt from their keys
   * (anything else structured-cloned), or `clone`, every batch structured-cloned as an object graph.
   * Both deliver the same values. @default 'bytes'
   */
  records?: 'bytes' | 'clone';
}

/** What the coordinator hands a worker thread when it starts. */
export interface ThreadInit {
  index: number;
  threads: number;
  job: ExchangeThreads['job'];
  records?: ExchangeThreads['records'];
  jobId: string;
  parallelism: number;
  maxParallelism: number;
  maxBatchSize?: number;
  inFlightBudget?: number;
  retainCheckpoints?: number;
  idlePollDelayMs?: number;
  maxIdlePollDelayMs?: number;
  roots: AssignedSplit[];
  marker?: ExchangeCheckpoint;
  hasStore: boolean;
  /** The graph's node ids on the coordinator's side: every thread must build the same graph. */
  nodes: string[];
  /** One port per other thread: [peer thread, port]. */
  links: [number, MessagePort][];
}

/** Coordinator to worker. */
export type ToWorker =
  | { type: 'checkpoint'; id: number }
  | { type: 'final'; id: number }
  | { type: 'commit'; id: number }
  | { type: 'close' }
  | { type: 'store-reply'; reqId: number; ok: true; value?: Uint8Array | string[] }
  | { type: 'store-reply'; reqId: number; ok: false; message: string };

export type StoreOp =
  | { op: 'put'; key: string; body: Uint8Array }
  | { op: 'get'; key: string }
  | { op: 'list'; prefix: string }
  | { op: 'delete'; keys: string[] };

/** Worker to coordinator. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'written'; taskId: string; id: number; bytes: number }
  | { type: 'finished'; taskId: string }
  | { type: 'committed'; id: number }
  | { type: 'closed'; tasks: { id: string; watermark: Timestamp }[] }
  | { type: 'error'; message: string; name: string; retryable: boolean }
  | { type: 'exit'; code: number }
  | ({ type: 'store'; reqId: number } & StoreOp);

/**
 * A task on a worker thread failed, or the thread itself did: the message is the thread's error
 * message; `retryable` is the original error's flag (a user function that threw is not).
 */
export class TaskThreadError extends RuntimeError {
  constructor(message: string, retryable: boolean) {
    super('TASK_THREAD', message, { domain: retryable ? 'external' : 'user', retryable });
  }
}

/** The job's checkpoint store as seen from a worker thread: every call goes to the coordinator's store. */
export class PortCheckpointStore implements CheckpointStore {
  #next = 0;
  #gone = false;
  readonly #waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(private readonly post: (message: FromWorker) => void) {}

  put(key: string, body: Uint8Array): Promise<void> {
    return this.#call({ op: 'put', key, body }).then(() => undefined);
  }
  get(key: string): Promise<Uint8Array | undefined> {
    return this.#call({ op: 'get', key }) as Promise<Uint8Array | undefined>;
  }
  list(prefix: string): Promise<string[]> {
    return this.#call({ op: 'list', prefix }) as Promise<string[]>;
  }
  delete(keys: readonly string[]): Promise<void> {
    return this.#call({ op: 'delete', keys: [...keys] }).then(() => undefined);
  }

  /** The coordinator's answer to a call. */
  reply(message: Extract<ToWorker, { type: 'store-reply' }>): void {
    const waiting = this.#waiting.get(message.reqId);
    this.#waiting.delete(message.reqId);
    if (message.ok) waiting?.resolve(message.value);
    else waiting?.reject(new CheckpointError(message.message));
  }

  /** The coordinator is gone: no answer will come, to calls made so far or later. */
  abandon(): void {
    this.#gone = true;
    for (const waiting of this.#waiting.values()) waiting.reject(new CheckpointError('the job coordinator went away'));
    this.#waiting.clear();
  }

  #call(op: StoreOp): Promise<unknown> {
    if (this.#gone) return Promise.reject(new CheckpointError('the job coordinator went away'));
    const reqId = this.#next++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(reqId, { resolve, reject });
      this.post({ type: 'store', reqId, ...op });
    });
  }
}

/** Answers a worker's checkpoint store call from the job's store. */
export async function serveStoreCall(
  store: CheckpointStore,
  call: Extract<FromWorker, { type: 'store' }>,
): Promise<Extract<ToWorker, { type: 'store-reply' }>> {
  try {
    const value =
      call.op === 'put'
        ? await store.put(call.key, call.body)
        : call.op === 'get'
          ? await store.get(call.key)
          : call.op === 'list'
            ? await store.list(call.prefix)
            : await store.delete(call.keys);
    return { type: 'store-reply', reqId: call.reqId, ok: true, ...(value === undefined ? {} : { value }) };
  } catch (error) {
    return { type: 'store-reply', reqId: call.reqId, ok: false, message: (error as Error).message };
  }
}

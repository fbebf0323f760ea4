import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { JobGraph } from '../../api/graph.js';
import type { AssignedSplit } from '../../checkpoint/task-checkpoint.js';
import type { Clock } from '../../clock.js';
import { JobDefinitionError } from '../../errors.js';
import type { Logger } from '../../observability/logger.js';
import { isRetryable } from '../../retry/retry.js';
import type { JobOptions } from '../../task/job-options.js';
import type { JobResult } from '../../task/job-runner.js';
import type { Timestamp } from '../../types.js';
import type { ExchangeCheckpoint } from '../exchange-checkpoints.js';
import { keyedTaskId, sourceTaskPlan } from '../exchange-wiring.js';
import { bundledWorkerCode } from './thread-bundle.js';
import { runsFromTypeScript, startHere, startWorker } from './thread-start.js';
import {
  TaskThreadError,
  serveStoreCall,
  type ExchangeThreads,
  type FromWorker,
  type ThreadInit,
  type ToWorker,
} from './thread-protocol.js';

export interface ThreadedRun {
  graph: JobGraph;
  options: JobOptions;
  threads: ExchangeThreads;
  stages: number;
  parallelism: number;
  maxParallelism: number;
  roots: AssignedSplit[];
  marker: ExchangeCheckpoint | undefined;
  clock: Clock;
  logger: Logger;
  stopping: AbortSignal;
  /** Records a checkpoint every task wrote as complete (before any sink commits it). */
  recordComplete(checkpointId: number, startedAt: number, sourceTasks: string[], bytes: number): Promise<void>;
}

type Event = (FromWorker & { from: number }) | { type: 'wake' };

/**
 * The coordinator of an exchange job whose tasks run on worker threads: starts the threads, each
 * building the job from its module and running its share of the tasks; triggers aligned
 * checkpoints at the source tasks; records a checkpoint complete once every task on every thread
 * wrote it, then tells the threads to commit. A thread's failure (or unexpected exit) fails the
 * attempt with its message; the threads are terminated however the attempt ends.
 */
export async function runOnThreads(r: ThreadedRun): Promise<JobResult> {
  const count = r.threads.count;
  if (!Number.isInteger(count) || count < 1)
    throw new JobDefinitionError(`threads.count must be a whole number of at least 1, got ${count}`);
  const starting = r.clock.now();
  const code = await workerCode(r);
  const sourceIds = [...sourceTaskPlan(r.roots, r.marker).keys()];
  const keyedIds = Array.from({ length: r.stages - 1 }, (_, s) =>
    Array.from({ length: r.parallelism }, (_, d) => keyedTaskId(s + 1, d)),
  ).flat();
  const allIds = [...sourceIds, ...keyedIds];
  const ports: [number, MessagePort][][] = Array.from({ length: count }, () => []);
  for (let a = 0; a < count; a++)
    for (let b = a + 1; b < count; b++) {
      const { port1, port2 } = new MessageChannel();
      ports[a]!.push([b, port1]);
      ports[b]!.push([a, port2]);
    }
  const events: Event[] = [];
  let wake: (() => void) | undefined;
  const push = (event: Event): void => {
    events.push(event);
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  const onAbort = (): void => push({ type: 'wake' });
  r.stopping.addEventListener('abort', onAbort);
  const { checkpointStore: store } = r.options;
  let closing = false;
  const workers = ports.map((links, index) => {
    const init: ThreadInit = {
      index,
      threads: count,
      job: r.threads.job,
      ...(r.threads.records !== undefined ? { records: r.threads.records } : {}),
      jobId: r.options.jobId,
      parallelism: r.parallelism,
      maxParallelism: r.maxParallelism,
      ...pick(r.options),
      roots: r.roots,
      ...(r.marker ? { marker: r.marker } : {}),
      hasStore: store !== undefined,
      nodes: r.graph.nodes.map((n) => n.id),
      links,
    };
    const worker =
      r.threads.sameThread === true
        ? startHere(init)
        : startWorker(
            init,
            links.map(([, port]) => port),
            code,
          );
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'store')
        void serveStoreCall(store!, message).then((reply) => worker.postMessage(reply satisfies ToWorker));
      else push({ ...message, from: index });
    });
    worker.on('error', (error) =>
      push({ type: 'error', from: index, message: error.message, name: error.name, retryable: isRetryable(error) }),
    );
    worker.on('exit', (code) => push({ type: 'exit', from: index, code }));
    return worker;
  });
  const send = (message: ToWorker): void => workers.forEach((w) => w.postMessage(message));

  const written = new Map<number, Map<string, number>>();
  const finished = new Set<string>();
  const committed = new Map<number, number>();
  const watermarks = new Map<string, Timestamp>();
  let ready = 0;
  let closed = 0;
  const handle = (event: Event): void => {
    switch (event.type) {
      case 'ready':
        return void ready++;
      case 'written': {
        const tasks = written.get(event.id) ?? new Map<string, number>();
        written.set(event.id, tasks.set(event.taskId, event.bytes));
        return;
      }
      case 'finished':
        return void finished.add(event.taskId);
      case 'committed':
        return void committed.set(event.id, (committed.get(event.id) ?? 0) + 1);
      case 'closed':
        for (const t of event.tasks) watermarks.set(t.id, t.watermark);
        return void closed++;
      case 'error':
        throw new TaskThreadError(event.message, event.retryable);
      case 'exit':
        if (closing && event.code === 0) return;
        throw new TaskThreadError(
          `worker thread ${event.from} of job '${r.options.jobId}' exited (code ${event.code})`,
          true,
        );
      case 'store': // answered as it arrives
      case 'wake': // a stop: the loop looks at the signal
        return;
    }
  };
  /** Handles what the threads say until `done` holds. */
  const pump = async (done: () => boolean): Promise<void> => {
    while (!done()) {
      const event = events.shift();
      if (event !== undefined) handle(event);
      else await new Promise<void>((resolve) => (wake = resolve));
    }
  };
  /** Waits for what the threads say next (or a stop, or `waitMs`), and handles all of it. */
  const nextEvents = async (waitMs: number): Promise<void> => {
    if (events.length === 0)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        wake = () => (clearTimeout(timer), resolve());
      });
    while (events.length > 0) handle(events.shift()!);
  };
  const isWritten = (id: number): boolean => (written.get(id)?.size ?? 0) === allIds.length;
  const complete = async (id: number, startedAt: number): Promise<void> => {
    const bytes = [...(written.get(id)?.values() ?? [])].reduce((a, b) => a + b, 0);
    await r.recordComplete(id, startedAt, sourceIds, bytes);
    send({ type: 'commit', id });
    await pump(() => committed.get(id) === count);
    written.delete(id);
    r.logger.info({ checkpointId: id }, 'checkpoint complete in every task');
  };

  const interval = r.options.checkpointIntervalMs ?? 10_000;
  let nextId = (r.marker?.checkpointId ?? 0) + 1;
  let inProgress: number | undefined;
  let startedAt = r.clock.now();
  let stopAt: number | undefined;
  try {
    await pump(() => ready === count);
    // Starting a thread loads the job's modules again (through tsx from TypeScript sources, or
    // from the bundle built above).
    r.logger.info({ threads: count, startMs: r.clock.now() - starting }, 'worker threads ready');
    let lastCheckpoint = r.clock.now();
    for (;;) {
      if (inProgress !== undefined && isWritten(inProgress)) {
        await complete(inProgress, startedAt);
        if (stopAt === inProgress) break;
        inProgress = undefined;
        lastCheckpoint = r.clock.now();
      }
      const sourcesRunning = sourceIds.some((id) => !finished.has(id));
      const due = (interval > 0 && r.clock.now() - lastCheckpoint >= interval) || r.stopping.aborted;
      if (inProgress === undefined && sourcesRunning && due) {
        inProgress = nextId++;
        startedAt = r.clock.now();
        if (r.stopping.aborted) stopAt = inProgress;
        send({ type: 'checkpoint', id: inProgress });
      }
      const allFinished = finished.size === allIds.length;
      if (allFinished && inProgress !== undefined) {
        r.logger.warn(
          { checkpointId: inProgress },
          'every task finished before checkpoint completed; taking the final one',
        );
        inProgress = undefined;
      }
      if (allFinished && inProgress === undefined) {
        const id = nextId++;
        startedAt = r.clock.now();
        send({ type: 'final', id });
        await pump(() => isWritten(id));
        await complete(id, startedAt);
        break;
      }
      await nextEvents(
        inProgress === undefined && interval > 0 ? Math.max(1, lastCheckpoint + interval - r.clock.now()) : 1_000,
      );
    }
    closing = true;
    send({ type: 'close' });
    await pump(() => closed === count);
  } finally {
    closing = true;
    r.stopping.removeEventListener('abort', onAbort);
    await Promise.all(workers.map((w) => w.terminate()));
  }
  const status = stopAt !== undefined ? 'STOPPED' : 'FINISHED';
  return {
    jobId: r.options.jobId,
    status,
    tasks: allIds.map((id) => ({ id, status, watermark: watermarks.get(id)! })),
  };
}

function pick(o: JobOptions): Partial<ThreadInit> {
  const out: Partial<ThreadInit> = {};
  if (o.maxBatchSize !== undefined) out.maxBatchSize = o.maxBatchSize;
  if (o.inFlightBudget !== undefined) out.inFlightBudget = o.inFlightBudget;
  if (o.retainCheckpoints !== undefined) out.retainCheckpoints = o.retainCheckpoints;
  if (o.idlePollDelayMs !== undefined) out.idlePollDelayMs = o.idlePollDelayMs;
  if (o.maxIdlePollDelayMs !== undefined) out.maxIdlePollDelayMs = o.maxIdlePollDelayMs;
  return out;
}

/** The bundle's code when asked for and the job runs from TypeScript; undefined: each thread loads it through tsx. */
async function workerCode(r: ThreadedRun): Promise<string | undefined> {
  if (r.threads.bundle !== true || r.threads.sameThread === true || !runsFromTypeScript()) return undefined;
  try {
    return await bundledWorkerCode(r.threads.job.module);
  } catch (error) {
    r.logger.warn(
      { error: error instanceof Error ? error.message : String(error) },
      'the job could not be bundled for its worker threads: each thread compiles it through tsx instead',
    );
    return undefined;
  }
}

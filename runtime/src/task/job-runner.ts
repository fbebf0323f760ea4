import type { JobGraph } from '../api/graph.js';
import { TaskCheckpoints } from '../checkpoint/checkpoint-storage.js';
import type { AssignedSplit, TaskCheckpoint } from '../checkpoint/task-checkpoint.js';
import { systemClock } from '../clock.js';
import { backoffDelay, isRetryable } from '../retry/retry.js';
import { JobDefinitionError } from '../errors.js';
import { silentLogger } from '../observability/logger.js';
import { noopMetrics } from '../observability/metrics.js';
import type { JobOptions } from './job-options.js';
import { parentUids, splitUid } from './split-runner.js';
import { Task, type TaskStatus } from './task.js';
import { runExchangeJob } from '../exchange/exchange-job.js';
import { assertDistributable } from '../exchange/exchange-plan.js';
import { PartitionCheck } from './partition-check.js';

export interface JobResult {
  jobId: string;
  status: 'FINISHED' | 'STOPPED';
  tasks: { id: string; status: TaskStatus; watermark: number }[];
}

/** A running job: await `done`, or `stop()` it (each task checkpoints, then closes). */
export interface JobClient {
  readonly jobId: string;
  readonly done: Promise<JobResult>;
  stop(): Promise<JobResult>;
  /** Tasks started so far, by id (the latest incarnation of each). */
  tasks(): ReadonlyMap<string, Task>;
}

interface Running {
  task: Task;
  split: AssignedSplit | undefined;
  release: AbortController;
}

/**
 * Runs a job graph in this process until its input ends or it is stopped. With a `splitFilter`
 * (a lease coordinator's answer) the assignment is dynamic: splits are listed again every
 * `splitDiscoveryIntervalMs`, newly owned ones start, and tasks whose split is no longer owned
 * are released without a checkpoint; the job then runs until stopped.
 */
export function runJob(graph: JobGraph, options: JobOptions): JobClient {
  if (options.parallelism !== undefined) return runExchangeJob(graph, options);
  const clock = options.clock ?? systemClock;
  const logger = (options.logger ?? silentLogger).child({ job: options.jobId });
  const metrics = options.metrics ?? noopMetrics;
  const interval = options.checkpointIntervalMs ?? 10_000;
  const owns = options.splitFilter ?? (() => true);
  const dynamic = options.splitFilter !== undefined && options.tasks !== 'single';
  if (options.splitFilter !== undefined) assertDistributable(graph, options.jobId);
  const partitionCheck = new PartitionCheck();
  const stopping = new AbortController();
  const tasks = new Map<string, Task>();
  const live = new Map<string, Running>();
  const runs = new Set<Promise<void>>();
  const ended = new Set<string>();
  const waiting: AssignedSplit[] = [];
  const siblings = new Map<string, number>();
  const launched = new Set<string>();
  const sources = graph.nodes.filter((n) => n.source !== undefined);
  const taskIdOf = (s: AssignedSplit): string => (sources.length > 1 ? splitUid(s) : s.descriptor.id);
  const storage = (taskId: string): TaskCheckpoints | undefined =>
    options.checkpointStore
      ? new TaskCheckpoints(options.checkpointStore, options.jobId, taskId, options.retainCheckpoints ?? 3)
      : undefined;

  function createTask(taskId: string, splits: AssignedSplit[], seed?: TaskCheckpoint[]): Task {
    const child = splits[0]?.descriptor;
    const keep = options.stateKeyFilter;
    if (
      seed !== undefined &&
      child !== undefined &&
      keep === undefined &&
      parentUids(splits[0]!).some((p) => (siblings.get(p) ?? 0) > 1)
    ) {
      throw new JobDefinitionError(
        `split '${child.id}' has siblings, so its parents' state must be divided by key. Did you forget to set the stateKeyFilter job option?`,
      );
    }
    const checkpoints = storage(taskId);
    return new Task({
      jobId: options.jobId,
      taskId,
      graph,
      splits,
      ...(checkpoints ? { checkpoints } : {}),
      clock,
      logger,
      metrics,
      maxBatchSize: options.maxBatchSize ?? 1000,
      inFlightBudget: options.inFlightBudget ?? 10_000,
      adoptChildren: options.tasks === 'single',
      partitionCheck,
      ...(seed !== undefined && child !== undefined
        ? { seed: { parents: seed, keep: keep ? (k) => keep(k, child) : () => true } }
        : {}),
    });
  }

  async function drive(run: Running, make: () => Task): Promise<void> {
    const maxRestarts = options.restartAttempts ?? 3;
    let restarts = 0;
    const leaving = (): boolean => stopping.signal.aborted || run.release.signal.aborted;
    for (;;) {
      const task = run.task;
      try {
        await task.open();
        let delay = options.idlePollDelayMs ?? 20;
        let lastCheckpoint = clock.now();
        let sliceStart = Date.now();
        while (!task.done && !leaving()) {
          const result = await task.step();
          if (result === 'done') break;
          if (interval > 0 && clock.now() - lastCheckpoint >= interval) {
            await task.checkpoint();
            lastCheckpoint = clock.now();
          }
          if (result === 'idle') {
            await clock.sleep(delay, stopping.signal);
            delay = Math.min(delay * 2, options.maxIdlePollDelayMs ?? 1_000);
          } else {
            delay = options.idlePollDelayMs ?? 20;
            // Synchronous sources never yield: give timers and signals a turn every few ms.
            if (Date.now() - sliceStart > 20) {
              await new Promise((resolve) => setImmediate(resolve));
              sliceStart = Date.now();
            }
          }
        }
        if (run.release.signal.aborted) await task.release();
        else if (!task.done) await task.stop();
        return;
      } catch (error) {
        if (run.release.signal.aborted) return void (await task.release());
        if (!isRetryable(error)) {
          logger.error(
            { task: task.id, err: error },
            'task failed with an error that is not retryable; not restarting',
          );
          throw error;
        }
        if (restarts >= maxRestarts || options.checkpointStore === undefined) throw error;
        const delayMs = backoffDelay(
          restarts++,
          options.restartBackoffMs ?? 1_000,
          options.maxRestartBackoffMs ?? 30_000,
        );
        logger.error(
          { task: task.id, err: error, restart: restarts, of: maxRestarts, delayMs },
          'task failed; restarting from its last checkpoint after a back-off',
        );
        await clock.sleep(delayMs, stopping.signal);
        if (leaving()) return;
        run.task = make();
        tasks.set(task.id, run.task);
      }
    }
  }

  function launch(taskId: string, splits: AssignedSplit[], seed?: TaskCheckpoint[]): void {
    for (const s of splits) launched.add(splitUid(s));
    const make = (): Task => createTask(taskId, splits, seed);
    const run: Running = {
      task: make(),
      split: splits.length === 1 ? splits[0] : undefined,
      release: new AbortController(),
    };
    tasks.set(taskId, run.task);
    live.set(taskId, run);
    const promise = drive(run, make).then(() => onTaskDone(run));
    runs.add(promise);
    void promise.finally(() => runs.delete(promise)).catch(() => undefined);
  }

  async function onTaskDone(run: Running): Promise<void> {
    live.delete(run.task.id);
    const task = run.task;
    if (task.status === 'RELEASED') {
      for (const s of task.lastCheckpoint?.splits ?? (run.split ? [run.split] : [])) launched.delete(splitUid(s));
      return;
    }
    if (task.status !== 'HANDED_OFF') return;
    const parentIds = task.lastCheckpoint?.endedSplits ?? [];
    for (const id of parentIds) {
      ended.add(id);
      siblings.set(id, task.handedOff.filter((c) => parentUids(c).includes(id)).length);
    }
    for (const child of task.handedOff)
      if (!waiting.some((w) => splitUid(w) === splitUid(child)) && !launched.has(splitUid(child))) waiting.push(child);
    await startReady(); // its errors (a missing stateKeyFilter) fail the job through this task's promise
  }

  /** A parent's final checkpoint: from the task that ran it here, else from the store (it ran on another worker). */
  async function finalCheckpoint(split: AssignedSplit, parentId: string): Promise<TaskCheckpoint | undefined> {
    const id = taskIdOf({ source: split.source, descriptor: { id: parentId } });
    return tasks.get(id)?.lastCheckpoint ?? (await storage(id)?.latest());
  }

  async function startReady(): Promise<void> {
    for (const split of [...waiting]) {
      if (stopping.signal.aborted) return;
      if (!owns(split.descriptor) || launched.has(splitUid(split))) continue;
      if (!parentUids(split).every((p) => ended.has(p) || !isKnown(p))) continue;
      waiting.splice(waiting.indexOf(split), 1);
      launched.add(splitUid(split));
      const parents = split.descriptor.parents ?? [];
      const seed =
        parents.length === 0
          ? undefined
          : (await Promise.all(parents.map((p) => finalCheckpoint(split, p)))).filter((c) => c !== undefined);
      launch(taskIdOf(split), [split], seed);
    }
  }

  function isKnown(uid: string): boolean {
    return launched.has(uid) || waiting.some((w) => splitUid(w) === uid);
  }

  async function listSplits(): Promise<AssignedSplit[]> {
    const all: AssignedSplit[] = [];
    for (const node of sources)
      for (const descriptor of await node.source!.source.listSplits()) all.push({ source: node.id, descriptor });
    return all;
  }

  /** Dynamic assignment: release what is no longer ours, queue what is new. */
  async function rediscover(): Promise<void> {
    for (const run of live.values()) {
      if (run.split !== undefined && !owns(run.split.descriptor) && !run.release.signal.aborted) {
        logger.info({ task: run.task.id }, 'split no longer owned: releasing its task without a checkpoint');
        run.release.abort();
      }
    }
    for (const split of await listSplits()) {
      if (
        !launched.has(splitUid(split)) &&
        !ended.has(splitUid(split)) &&
        !waiting.some((w) => splitUid(w) === splitUid(split))
      )
        waiting.push(split);
    }
    await startReady();
  }

  async function execute(): Promise<JobResult> {
    const all = await listSplits();
    if (options.tasks === 'single')
      launch(
        'task-0',
        all.filter((s) => owns(s.descriptor)),
      );
    else {
      waiting.push(...all);
      await startReady();
    }
    const every = options.splitDiscoveryIntervalMs ?? 5_000;
    try {
      while (runs.size > 0 || (dynamic && !stopping.signal.aborted)) {
        // Once stopping, only wait: a sleep on an aborted signal resolves at once, and racing it
        // would spin on microtasks and starve the I/O of the tasks' final checkpoints.
        if (!dynamic || stopping.signal.aborted) await Promise.all([...runs]);
        else {
          await Promise.race([...runs, clock.sleep(every, stopping.signal)]);
          if (!stopping.signal.aborted) await rediscover();
        }
      }
    } catch (error) {
      stopping.abort();
      await Promise.allSettled([...runs]);
      throw error;
    }
    return {
      jobId: options.jobId,
      status: stopping.signal.aborted ? 'STOPPED' : 'FINISHED',
      tasks: [...tasks.values()].map((t) => ({ id: t.id, status: t.status, watermark: t.watermark })),
    };
  }

  const done = execute();
  return {
    jobId: options.jobId,
    done,
    stop: async () => {
      stopping.abort();
      return done;
    },
    tasks: () => tasks,
  };
}

import type { JobGraph } from '../api/graph.js';
import { TaskCheckpoints } from '../checkpoint/checkpoint-storage.js';
import type { AssignedSplit } from '../checkpoint/task-checkpoint.js';
import { systemClock } from '../clock.js';
import { JobDefinitionError } from '../errors.js';
import { silentLogger } from '../observability/logger.js';
import { noopMetrics } from '../observability/metrics.js';
import type { JobOptions } from './job-options.js';
import { parentUids, splitUid } from './split-runner.js';
import { Task, type TaskStatus } from './task.js';

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
  /** Tasks started so far, by id. */
  tasks(): ReadonlyMap<string, Task>;
}

/** Runs a job graph in this process until its input ends or it is stopped. */
export function runJob(graph: JobGraph, options: JobOptions): JobClient {
  const clock = options.clock ?? systemClock;
  const logger = (options.logger ?? silentLogger).child({ job: options.jobId });
  const metrics = options.metrics ?? noopMetrics;
  const interval = options.checkpointIntervalMs ?? 10_000;
  const stopping = new AbortController();
  const tasks = new Map<string, Task>();
  const running = new Set<Promise<void>>();
  const ended = new Set<string>();
  const waiting: AssignedSplit[] = [];
  const siblings = new Map<string, number>();
  const launched = new Set<string>();
  const sources = graph.nodes.filter((n) => n.source !== undefined);
  const taskIdOf = (s: AssignedSplit): string => (sources.length > 1 ? splitUid(s) : s.descriptor.id);

  function createTask(taskId: string, splits: AssignedSplit[], seed?: Task['lastCheckpoint'][]): Task {
    const child = splits[0]?.descriptor;
    const keep = options.stateKeyFilter;
    if (seed !== undefined && child !== undefined && keep === undefined && parentUids(splits[0]!).some((p) => (siblings.get(p) ?? 0) > 1)) {
      throw new JobDefinitionError(
        `split '${child.id}' has siblings, so its parents' state must be divided by key. Did you forget to set the stateKeyFilter job option?`,
      );
    }
    return new Task({
      jobId: options.jobId,
      taskId,
      graph,
      splits,
      ...(options.checkpointStore
        ? { checkpoints: new TaskCheckpoints(options.checkpointStore, options.jobId, taskId, options.retainCheckpoints ?? 3) }
        : {}),
      clock,
      logger,
      metrics,
      maxBatchSize: options.maxBatchSize ?? 1000,
      inFlightBudget: options.inFlightBudget ?? 10_000,
      adoptChildren: options.tasks === 'single',
      ...(seed !== undefined && child !== undefined
        ? { seed: { parents: seed.filter((c) => c !== undefined), keep: keep ? (k) => keep(k, child) : () => true } }
        : {}),
    });
  }

  async function drive(task: Task, make: () => Task): Promise<void> {
    let attempts = options.restartAttempts ?? 3;
    for (;;) {
      try {
        await task.open();
        let delay = options.idlePollDelayMs ?? 20;
        let lastCheckpoint = clock.now();
        let sliceStart = Date.now();
        while (!task.done && !stopping.signal.aborted) {
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
        if (!task.done) await task.stop();
        return;
      } catch (error) {
        if (attempts-- <= 0 || options.checkpointStore === undefined) throw error;
        logger.error({ task: task.id, err: error, attemptsLeft: attempts }, 'task failed; restarting from its last checkpoint');
        task = make();
        tasks.set(task.id, task);
      }
    }
  }

  function launch(taskId: string, splits: AssignedSplit[], seed?: Task['lastCheckpoint'][]): void {
    for (const s of splits) launched.add(splitUid(s));
    const make = (): Task => createTask(taskId, splits, seed);
    const task = make();
    tasks.set(taskId, task);
    const run = drive(task, make).then(() => onTaskDone(tasks.get(taskId)!));
    running.add(run);
    void run.finally(() => running.delete(run)).catch(() => undefined);
  }

  function onTaskDone(task: Task): void {
    if (task.status !== 'HANDED_OFF') return;
    const parentIds = task.lastCheckpoint?.endedSplits ?? [];
    for (const id of parentIds) {
      ended.add(id);
      siblings.set(id, task.handedOff.filter((c) => parentUids(c).includes(id)).length);
    }
    for (const child of task.handedOff) if (!waiting.some((w) => splitUid(w) === splitUid(child)) && !tasks.has(taskIdOf(child))) waiting.push(child);
    startReady();
  }

  function startReady(): void {
    for (const split of [...waiting]) {
      const parents = parentUids(split);
      if (!parents.every((p) => ended.has(p) || !isKnown(p))) continue;
      waiting.splice(waiting.indexOf(split), 1);
      const seed = (split.descriptor.parents ?? []).map((p) => tasks.get(taskIdOf({ source: split.source, descriptor: { id: p } }))?.lastCheckpoint);
      launch(taskIdOf(split), [split], seed);
    }
  }

  function isKnown(uid: string): boolean {
    return launched.has(uid) || waiting.some((w) => splitUid(w) === uid);
  }

  async function execute(): Promise<JobResult> {
    const all: AssignedSplit[] = [];
    for (const node of sources) {
      for (const descriptor of await node.source!.source.listSplits()) {
        if (options.splitFilter === undefined || options.splitFilter(descriptor)) all.push({ source: node.id, descriptor });
      }
    }
    if (options.tasks === 'single') launch('task-0', all);
    else {
      waiting.push(...all);
      startReady();
    }
    try {
      while (running.size > 0) await Promise.all([...running]);
    } catch (error) {
      stopping.abort();
      await Promise.allSettled([...running]);
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

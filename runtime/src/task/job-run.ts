import type { JobGraph } from '../api/graph.js';
import type { AssignedSplit, TaskCheckpoint } from '../checkpoint/task-checkpoint.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { JobResult } from './job-client.js';
import type { JobOptions } from './job-options.js';
import { SplitAssignment } from './split-assignment.js';
import { splitUid } from './split-runner.js';
import { TaskFactory } from './task-factory.js';
import { TaskSupervisor, type SupervisedTask } from './task-supervisor.js';
import type { Task } from './task.js';

/** What a job run is given besides its graph and options: the defaults already applied. */
export interface JobRunContext {
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
}

/**
 * One run of a job graph in this process: lists the splits, starts their tasks (through the
 * split assignment in per-split mode), rediscovers splits when assignment is dynamic, and
 * assembles the result once every task has ended or the job is stopped.
 */
export class JobRun {
  /** Every task started so far, by id: the latest incarnation of each. */
  readonly tasks = new Map<string, Task>();
  readonly #stopping = new AbortController();
  readonly #live = new Map<string, SupervisedTask>();
  readonly #runs = new Set<Promise<void>>();
  readonly #sources: JobGraph['nodes'];
  readonly #owns: NonNullable<JobOptions['splitFilter']>;
  readonly #dynamic: boolean;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #factory: TaskFactory;
  readonly #supervisor: TaskSupervisor;
  readonly #assignment: SplitAssignment;

  constructor(
    graph: JobGraph,
    private readonly options: JobOptions,
    context: JobRunContext,
  ) {
    this.#clock = context.clock;
    this.#logger = context.logger;
    this.#owns = options.splitFilter ?? (() => true);
    this.#dynamic = options.splitFilter !== undefined && options.tasks !== 'single';
    this.#sources = graph.nodes.filter((n) => n.source !== undefined);
    this.#assignment = new SplitAssignment({
      owns: this.#owns,
      stopping: this.#stopping.signal,
      parentCheckpoint: (split, parentId) => this.#finalCheckpoint(split, parentId),
      start: (split, seed) => this.#launch(this.#taskIdOf(split), [split], seed),
    });
    this.#factory = new TaskFactory(graph, options, context.clock, context.logger, context.metrics, (p) =>
      this.#assignment.siblingCount(p),
    );
    this.#supervisor = new TaskSupervisor(options, context.clock, context.logger, this.#stopping.signal, (task) =>
      this.tasks.set(task.id, task),
    );
  }

  /** Asks every task to checkpoint and close; `execute()` then resolves with status STOPPED. */
  stop(): void {
    this.#stopping.abort();
  }

  async execute(): Promise<JobResult> {
    // Listing can wait long (a Kafka consumer first joins its group, which may not happen while the
    // group is unsettled): a stop meanwhile ends the run at once, with no task started.
    const all = await this.#unlessStopped(this.#listSplits());
    if (all === undefined) return this.#result();
    if (this.options.tasks === 'single')
      this.#launch(
        'task-0',
        all.filter((s) => this.#owns(s.descriptor)),
      );
    else {
      this.#assignment.enqueue(all);
      await this.#assignment.startReady();
    }
    const every = this.options.splitDiscoveryIntervalMs ?? 5_000;
    const stopping = this.#stopping.signal;
    const runs = this.#runs;
    try {
      while (runs.size > 0 || (this.#dynamic && !stopping.aborted)) {
        // Once stopping, only wait: a sleep on an aborted signal resolves at once, and racing it
        // would spin on microtasks and starve the I/O of the tasks' final checkpoints.
        if (!this.#dynamic || stopping.aborted) await Promise.all([...runs]);
        else {
          await Promise.race([...runs, this.#clock.sleep(every, stopping)]);
          if (!stopping.aborted) await this.#rediscover();
        }
      }
    } catch (error) {
      this.#stopping.abort();
      await Promise.allSettled([...runs]);
      throw error;
    }
    return this.#result();
  }

  #result(): JobResult {
    return {
      jobId: this.options.jobId,
      status: this.#stopping.signal.aborted ? 'STOPPED' : 'FINISHED',
      tasks: [...this.tasks.values()].map((t) => ({ id: t.id, status: t.status, watermark: t.watermark })),
    };
  }

  #taskIdOf(s: AssignedSplit): string {
    return this.#sources.length > 1 ? splitUid(s) : s.descriptor.id;
  }

  #launch(taskId: string, splits: AssignedSplit[], seed?: TaskCheckpoint[]): void {
    this.#assignment.markLaunched(splits);
    const make = (): Task => this.#factory.create(taskId, splits, seed);
    const run: SupervisedTask = {
      task: make(),
      split: splits.length === 1 ? splits[0] : undefined,
      release: new AbortController(),
    };
    this.tasks.set(taskId, run.task);
    this.#live.set(taskId, run);
    const promise = this.#supervisor.drive(run, make).then(() => this.#onTaskDone(run));
    this.#runs.add(promise);
    void promise.finally(() => this.#runs.delete(promise)).catch(() => undefined);
  }

  async #onTaskDone(run: SupervisedTask): Promise<void> {
    this.#live.delete(run.task.id);
    const task = run.task;
    if (task.status === 'RELEASED') {
      this.#assignment.markReleased(task.lastCheckpoint?.splits ?? (run.split ? [run.split] : []));
      return;
    }
    if (task.status !== 'HANDED_OFF') return;
    this.#assignment.markHandedOff(task.lastCheckpoint?.endedSplits ?? [], task.handedOff);
    await this.#assignment.startReady(); // its errors (a missing stateKeyFilter) fail the job through this task's promise
  }

  /** A parent's final checkpoint: from the task that ran it here, else from the store (it ran on another worker). */
  async #finalCheckpoint(split: AssignedSplit, parentId: string): Promise<TaskCheckpoint | undefined> {
    const id = this.#taskIdOf({ source: split.source, descriptor: { id: parentId } });
    return this.tasks.get(id)?.lastCheckpoint ?? (await this.#factory.storage(id)?.latest());
  }

  async #listSplits(): Promise<AssignedSplit[]> {
    const all: AssignedSplit[] = [];
    for (const node of this.#sources)
      for (const descriptor of await node.source!.source.listSplits()) all.push({ source: node.id, descriptor });
    return all;
  }

  /** `work`'s result, or undefined as soon as the job is stopped (a later failure of `work` is then ignored). */
  #unlessStopped<T>(work: Promise<T>): Promise<T | undefined> {
    const stopping = this.#stopping.signal;
    work.catch(() => undefined);
    if (stopping.aborted) return Promise.resolve(undefined);
    return new Promise<T | undefined>((resolve, reject) => {
      const stopped = (): void => resolve(undefined);
      stopping.addEventListener('abort', stopped, { once: true });
      work
        .then(resolve, reject)
        .finally(() => stopping.removeEventListener('abort', stopped))
        .catch(() => undefined);
    });
  }

  /** Dynamic assignment: release what is no longer ours, queue what is new. */
  async #rediscover(): Promise<void> {
    for (const run of this.#live.values()) {
      if (run.split !== undefined && !this.#owns(run.split.descriptor) && !run.release.signal.aborted) {
        this.#logger.info({ task: run.task.id }, 'split no longer owned: releasing its task without a checkpoint');
        run.release.abort();
      }
    }
    const listed = await this.#unlessStopped(this.#listSplits());
    if (listed === undefined) return;
    this.#assignment.discovered(listed);
    await this.#assignment.startReady();
  }
}

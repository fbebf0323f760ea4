import type { JobGraph } from '../api/graph.js';
import { TaskCheckpoints } from '../checkpoint/checkpoint-storage.js';
import type { AssignedSplit, TaskCheckpoint } from '../checkpoint/task-checkpoint.js';
import { systemClock } from '../clock.js';
import { JobDefinitionError } from '../errors.js';
import { silentLogger } from '../observability/logger.js';
import { noopMetrics } from '../observability/metrics.js';
import { backoffDelay, isRetryable } from '../retry/retry.js';
import { IdlePacer } from '../task/idle-pacer.js';
import type { JobOptions } from '../task/job-options.js';
import type { JobClient, JobResult } from '../task/job-runner.js';
import { parentUids, splitUid } from '../task/split-runner.js';
import {
  latestExchangeCheckpoint,
  loadTaskPart,
  writeExchangeCheckpoint,
  type ExchangeCheckpoint,
} from './exchange-checkpoints.js';
import { planStages } from './exchange-plan.js';
import { DEFAULT_MAX_PARALLELISM } from './key-groups.js';
import { buildExchangeTasks, type ExchangeTasks } from './exchange-wiring.js';
import { runOnThreads } from './threads/thread-coordinator.js';

/**
 * Runs a job whose keyBys shuffle: one source task per split (stage 0), `parallelism` keyed tasks
 * after every keyBy, connected by channels, all in this process: on this thread, or with the
 * `threads` option on worker threads (see threads/thread-coordinator.ts). A coordinator triggers aligned
 * checkpoints at the source tasks; a checkpoint is complete once every task wrote it, and only
 * then do sinks commit. Restore loads one complete checkpoint in every task.
 */
export function runExchangeJob(graph: JobGraph, options: JobOptions): JobClient {
  const parallelism = options.parallelism ?? 1;
  const maxParallelism = options.maxParallelism ?? DEFAULT_MAX_PARALLELISM;
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > maxParallelism)
    throw new JobDefinitionError(
      `parallelism must be a whole number from 1 to maxParallelism (${maxParallelism}), got ${parallelism}`,
    );
  if (options.splitFilter !== undefined)
    throw new JobDefinitionError(
      `job '${options.jobId}' sets parallelism (a shuffle between tasks of this process) and a splitFilter (splits leased across workers): ` +
        'a key would reach tasks on several workers. Run it in one process without a splitFilter, or key by the source partition key with ' +
        'keyBy(fn, { sourcePartitioned: true }) and drop parallelism.',
    );
  const clock = options.clock ?? systemClock;
  const logger = (options.logger ?? silentLogger).child({ job: options.jobId });
  const metrics = options.metrics ?? noopMetrics;
  const interval = options.checkpointIntervalMs ?? 10_000;
  const stages = planStages(graph);
  const stopping = new AbortController();
  const storage = (taskId: string): TaskCheckpoints | undefined =>
    options.checkpointStore
      ? new TaskCheckpoints(options.checkpointStore, options.jobId, taskId, options.retainCheckpoints ?? 3)
      : undefined;

  async function roots(): Promise<AssignedSplit[]> {
    const all: AssignedSplit[] = [];
    for (const node of graph.nodes.filter((n) => n.source !== undefined))
      for (const descriptor of await node.source!.source.listSplits()) all.push({ source: node.id, descriptor });
    const uids = new Set(all.map(splitUid));
    return all.filter((s) => !parentUids(s).some((p) => uids.has(p)));
  }

  async function restoreInfo(): Promise<
    { marker: ExchangeCheckpoint; load: (id: string) => Promise<TaskCheckpoint> } | undefined
  > {
    if (options.checkpointStore === undefined) return undefined;
    const marker = await latestExchangeCheckpoint(options.checkpointStore, options.jobId);
    if (marker === undefined) return undefined;
    if (marker.maxParallelism !== maxParallelism || marker.stages !== stages.length)
      throw new JobDefinitionError(
        `job '${options.jobId}' cannot restore checkpoint ${marker.checkpointId}: it was taken with ${marker.maxParallelism} key groups ` +
          `(maxParallelism) and ${marker.stages} stages, this job has ${maxParallelism} and ${stages.length}. Key groups decide which ` +
          'task owns a key\u2019s state: keep maxParallelism and the job\u2019s keyBys as they were (parallelism itself may change), ' +
          'or start from an empty checkpoint location.',
      );
    const load = (taskId: string): Promise<TaskCheckpoint> => loadTaskPart(storage(taskId), marker, taskId);
    return { marker, load };
  }

  const tags = { job: options.jobId, task: 'exchange' };
  const m = {
    duration: metrics.gauge('checkpointDurationMs', tags),
    bytes: metrics.gauge('checkpointBytes', tags),
    completed: metrics.counter('checkpointsCompleted', tags),
  };

  /** Every task wrote it: record it as complete (sinks may commit it from then on). */
  async function recordComplete(
    checkpointId: number,
    startedAt: number,
    sourceTasks: string[],
    bytes: number,
  ): Promise<void> {
    if (options.checkpointStore !== undefined)
      await writeExchangeCheckpoint(
        options.checkpointStore,
        options.jobId,
        {
          checkpointId,
          parallelism,
          maxParallelism,
          sourceTasks,
          stages: stages.length,
          createdAt: clock.now(),
        },
        options.retainCheckpoints ?? 3,
      );
    m.duration.set(clock.now() - startedAt);
    m.bytes.set(bytes);
    m.completed.inc();
  }

  /** Every task wrote it: record it as complete, then let sinks commit. */
  async function complete(tasks: ExchangeTasks, checkpointId: number, startedAt: number): Promise<void> {
    await recordComplete(
      checkpointId,
      startedAt,
      tasks.sources.map((t) => t.id),
      tasks.bytes(checkpointId),
    );
    for (const task of tasks.all) await task.commit();
    for (const task of tasks.all) await storage(task.id)?.prune();
    logger.info({ checkpointId }, 'checkpoint complete in every task');
  }

  async function attempt(): Promise<JobResult> {
    const restored = await restoreInfo();
    if (options.threads !== undefined)
      return runOnThreads({
        graph,
        options,
        threads: options.threads,
        stages: stages.length,
        parallelism,
        maxParallelism,
        roots: await roots(),
        marker: restored?.marker,
        clock,
        logger,
        stopping: stopping.signal,
        recordComplete,
      });
    const tasks = await buildExchangeTasks({
      graph,
      options,
      stages,
      parallelism,
      maxParallelism,
      clock,
      logger,
      metrics,
      storage,
      roots: await roots(),
      restored,
    });
    let nextId = (restored?.marker.checkpointId ?? 0) + 1;
    let inProgress: number | undefined;
    let startedAt = clock.now();
    let stopAt: number | undefined;
    let lastCheckpoint = clock.now();
    const pacer = new IdlePacer(clock, options);
    try {
      for (const task of tasks.all) await task.recommit();
      for (;;) {
        let progressed = false;
        for (const task of tasks.all) if ((await task.step()) === 'progress') progressed = true;
        if (inProgress !== undefined && tasks.written(inProgress)) {
          await complete(tasks, inProgress, startedAt);
          if (stopAt === inProgress) break;
          inProgress = undefined;
          lastCheckpoint = clock.now();
        }
        const sourcesRunning = tasks.sources.some((t) => !t.finished);
        const due = (interval > 0 && clock.now() - lastCheckpoint >= interval) || stopping.signal.aborted;
        if (inProgress === undefined && sourcesRunning && due) {
          inProgress = nextId++;
          startedAt = clock.now();
          if (stopping.signal.aborted) stopAt = inProgress;
          for (const source of tasks.sources)
            tasks.markWritten(source.id, inProgress, await source.checkpoint(inProgress));
        }
        if (tasks.all.every((t) => t.finished) && inProgress !== undefined) {
          logger.warn(
            { checkpointId: inProgress },
            'every task finished before checkpoint completed; taking the final one',
          );
          inProgress = undefined;
        }
        if (tasks.all.every((t) => t.finished) && inProgress === undefined) {
          const id = nextId++;
          startedAt = clock.now();
          for (const task of tasks.all) tasks.markWritten(task.id, id, await task.finalCheckpoint(id));
          await complete(tasks, id, startedAt);
          break;
        }
        if (!progressed && stopping.signal.aborted) await new Promise((resolve) => setImmediate(resolve));
        else if (!progressed) await pacer.idle(stopping.signal);
        else await pacer.busy();
      }
    } finally {
      for (const task of tasks.all) await task.close().catch(() => undefined);
    }
    const status = stopAt !== undefined ? 'STOPPED' : 'FINISHED';
    return {
      jobId: options.jobId,
      status,
      tasks: tasks.all.map((t) => ({ id: t.id, status, watermark: t.watermark })),
    };
  }

  async function execute(): Promise<JobResult> {
    for (let restarts = 0; ; restarts++) {
      try {
        return await attempt();
      } catch (error) {
        const max = options.restartAttempts ?? 3;
        if (!isRetryable(error) || restarts >= max || options.checkpointStore === undefined || stopping.signal.aborted)
          throw error;
        const delayMs = backoffDelay(
          restarts,
          options.restartBackoffMs ?? 1_000,
          options.maxRestartBackoffMs ?? 30_000,
        );
        logger.error(
          { err: error, restart: restarts + 1, of: max, delayMs },
          'job failed; restarting every task from the last complete checkpoint',
        );
        await clock.sleep(delayMs);
      }
    }
  }

  const done = execute();
  return { jobId: options.jobId, done, stop: async () => (stopping.abort(), done), tasks: () => new Map() };
}

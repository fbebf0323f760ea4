import type { JobGraph } from '../api/graph.js';
import type { TaskCheckpoints } from '../checkpoint/checkpoint-storage.js';
import type { AssignedSplit, TaskCheckpoint } from '../checkpoint/task-checkpoint.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { JobOptions } from '../task/job-options.js';
import { splitUid } from '../task/split-runner.js';
import { Channel, ExchangeOutput } from './channel.js';
import type { ExchangeCheckpoint } from './exchange-checkpoints.js';
import type { Stage } from './exchange-plan.js';
import { taskOfKey } from './key-groups.js';
import { KeyedTask } from './keyed-task.js';
import { SourceTask } from './source-task.js';
import type { StageTask } from './stage-task.js';

export interface ExchangeWiring {
  graph: JobGraph;
  options: JobOptions;
  stages: readonly Stage[];
  parallelism: number;
  maxParallelism: number;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  storage: (taskId: string) => TaskCheckpoints | undefined;
  roots: readonly AssignedSplit[];
  restored: { marker: ExchangeCheckpoint; load: (taskId: string) => Promise<TaskCheckpoint> } | undefined;
}

/** The tasks of an exchange job in stage order, and which of them wrote which checkpoint. */
export interface ExchangeTasks {
  readonly sources: readonly SourceTask[];
  readonly all: readonly StageTask[];
  markWritten(taskId: string, checkpointId: number, bytes: number): void;
  /** True once every task wrote its part of the checkpoint. */
  written(checkpointId: number): boolean;
  /** Bytes every task wrote for the checkpoint: the job's state size. */
  bytes(checkpointId: number): number;
}

export const sourceTaskId = (split: AssignedSplit): string => `source-${splitUid(split)}`;
export const keyedTaskId = (stage: number, index: number): string => `keyed-${stage}-${index}`;

/**
 * Creates the tasks and the channels between them: every task of a stage has one channel to every
 * task of the next. Restores each from the job's newest complete checkpoint; keyed tasks whose
 * parallelism changed take, from every old task, the keys whose key group they now own.
 */
export async function buildExchangeTasks(w: ExchangeWiring): Promise<ExchangeTasks> {
  const { stages, parallelism: p, options, restored } = w;
  const writes = new Map<number, Map<string, number>>();
  const markWritten = (taskId: string, id: number, bytes: number): void => {
    let tasks = writes.get(id);
    if (tasks === undefined) writes.set(id, (tasks = new Map<string, number>()));
    tasks.set(taskId, bytes);
  };
  const base = (taskId: string, stage: Stage, output: ExchangeOutput | undefined) => {
    const checkpoints = w.storage(taskId);
    return {
      jobId: options.jobId,
      taskId,
      graph: w.graph,
      stage,
      ...(output ? { output } : {}),
      ...(checkpoints ? { checkpoints } : {}),
      clock: w.clock,
      logger: w.logger,
      metrics: w.metrics,
      maxBatchSize: options.maxBatchSize ?? 1000,
      inFlightBudget: options.inFlightBudget ?? 10_000,
    };
  };
  const channelsInto = (stage: number, upstream: number): Channel[][] =>
    Array.from({ length: upstream }, (_, u) =>
      Array.from({ length: p }, (_, d) => new Channel(`${stage - 1}.${u}->${stage}.${d}`)),
    );
  const outputOf = (channels: Channel[][] | undefined, u: number): ExchangeOutput | undefined =>
    channels === undefined ? undefined : new ExchangeOutput(channels[u]!, w.maxParallelism);

  // Source tasks: the restored ones keep their ids and splits; splits new since then get a task each.
  const sourceIds = new Map<string, AssignedSplit[]>();
  for (const id of restored?.marker.sourceTasks ?? []) sourceIds.set(id, []);
  for (const split of w.roots) if (!sourceIds.has(sourceTaskId(split))) sourceIds.set(sourceTaskId(split), [split]);
  const shared = { ended: new Set<string>(), claimed: new Set(w.roots.map(splitUid)) };
  let into = stages.length > 1 ? channelsInto(1, sourceIds.size) : undefined;
  const sources: SourceTask[] = [];
  for (const [taskId, splits] of sourceIds) {
    const task = new SourceTask({
      ...base(taskId, stages[0]!, outputOf(into, sources.length)),
      splits,
      shared,
      channelCapacity: Math.max(4 * (options.maxBatchSize ?? 1000), 4096),
    });
    task.open(restored && restored.marker.sourceTasks.includes(taskId) ? await restored.load(taskId) : undefined);
    sources.push(task);
  }
  const all: StageTask[] = [...sources];
  for (let s = 1; s < stages.length; s++) {
    const inputs = into!;
    into = s + 1 < stages.length ? channelsInto(s + 1, p) : undefined;
    for (let d = 0; d < p; d++) {
      const task = new KeyedTask({
        ...base(keyedTaskId(s, d), stages[s]!, outputOf(into, d)),
        inputs: inputs.map((row) => row[d]!),
        onCheckpointWritten: (id, bytes) => markWritten(keyedTaskId(s, d), id, bytes),
      });
      if (restored !== undefined) {
        const old = restored.marker.parallelism;
        if (old === p) task.open([await restored.load(keyedTaskId(s, d))]);
        else {
          // Rescale: every old task's state, filtered to this task's key groups; each old task's
          // pending commits go to exactly one new task.
          const parts = await Promise.all(Array.from({ length: old }, (_, j) => restored.load(keyedTaskId(s, j))));
          task.open(
            parts.map((c, j) => (j % p === d ? c : { ...c, committables: {} })),
            (key) => taskOfKey(key, p, w.maxParallelism) === d,
          );
        }
      }
      all.push(task);
    }
  }
  return {
    sources,
    all,
    markWritten,
    written: (id) => (writes.get(id)?.size ?? 0) === all.length,
    bytes: (id) => [...(writes.get(id)?.values() ?? [])].reduce((a, b) => a + b, 0),
  };
}

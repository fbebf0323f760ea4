import type { JobGraph } from '../api/graph.js';
import type { TaskCheckpoints } from '../checkpoint/checkpoint-storage.js';
import type { AssignedSplit, TaskCheckpoint } from '../checkpoint/task-checkpoint.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { JobOptions } from '../task/job-options.js';
import { splitUid } from '../task/split-runner.js';
import { Channel, ExchangeOutput, type ChannelSender } from './channel.js';
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
  /** Which tasks run here and how their channels cross threads; all here, in memory, by default. */
  placement?: TaskPlacement;
  /** Told whenever a task of this thread wrote its part of a checkpoint. */
  onWritten?: (taskId: string, checkpointId: number, bytes: number) => void;
}

/**
 * Where an exchange job's tasks run. A channel between two tasks of this thread is a
 * {@link Channel}; one from or to a task of another thread has only the end that is here.
 */
export interface TaskPlacement {
  owns(taskId: string): boolean;
  channel(name: string, from: string, to: string): { sender?: ChannelSender; receiver?: Channel };
}

const inThisThread: TaskPlacement = {
  owns: () => true,
  channel: (name) => {
    const channel = new Channel(name);
    return { sender: channel, receiver: channel };
  },
};

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
 * The job's source tasks and their splits: the restored ones keep their ids (their splits come
 * from their checkpoints); splits new since then get a task each. Every thread computes the same.
 */
export function sourceTaskPlan(
  roots: readonly AssignedSplit[],
  marker: ExchangeCheckpoint | undefined,
): Map<string, AssignedSplit[]> {
  const sourceIds = new Map<string, AssignedSplit[]>();
  for (const id of marker?.sourceTasks ?? []) sourceIds.set(id, []);
  for (const split of roots) if (!sourceIds.has(sourceTaskId(split))) sourceIds.set(sourceTaskId(split), [split]);
  return sourceIds;
}

/**
 * Creates the tasks and the channels between them: every task of a stage has one channel to every
 * task of the next. Restores each from the job's newest complete checkpoint; keyed tasks whose
 * parallelism changed take, from every old task, the keys whose key group they now own.
 */
export async function buildExchangeTasks(w: ExchangeWiring): Promise<ExchangeTasks> {
  const { stages, parallelism: p, options, restored } = w;
  const writes = new Map<number, Map<string, number>>();
  const place = w.placement ?? inThisThread;
  const markWritten = (taskId: string, id: number, bytes: number): void => {
    let tasks = writes.get(id);
    if (tasks === undefined) writes.set(id, (tasks = new Map<string, number>()));
    tasks.set(taskId, bytes);
    w.onWritten?.(taskId, id, bytes);
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
  type Ends = ReturnType<TaskPlacement['channel']>;
  /** Channels into stage `stage` from the tasks `upstream` of the one before: [upstream][downstream]. */
  const channelsInto = (stage: number, upstream: readonly string[]): Ends[][] =>
    upstream.map((from, u) =>
      Array.from({ length: p }, (_, d) =>
        place.owns(from) || place.owns(keyedTaskId(stage, d))
          ? place.channel(`${stage - 1}.${u}->${stage}.${d}`, from, keyedTaskId(stage, d))
          : {},
      ),
    );
  const outputOf = (channels: Ends[][] | undefined, u: number): ExchangeOutput | undefined =>
    channels === undefined
      ? undefined
      : new ExchangeOutput(
          channels[u]!.map((e) => e.sender!),
          w.maxParallelism,
        );

  const sourceIds = sourceTaskPlan(w.roots, restored?.marker);
  const shared = { ended: new Set<string>(), claimed: new Set(w.roots.map(splitUid)) };
  let upstream = [...sourceIds.keys()];
  let into = stages.length > 1 ? channelsInto(1, upstream) : undefined;
  const sources: SourceTask[] = [];
  for (const [u, [taskId, splits]] of [...sourceIds].entries()) {
    if (!place.owns(taskId)) continue;
    const task = new SourceTask({
      ...base(taskId, stages[0]!, outputOf(into, u)),
      splits,
      shared,
      channelCapacity: Math.max(4 * (options.maxBatchSize ?? 1000), 4096),
      ...(w.placement ? { threaded: true } : {}),
    });
    task.open(restored && restored.marker.sourceTasks.includes(taskId) ? await restored.load(taskId) : undefined);
    sources.push(task);
  }
  const all: StageTask[] = [...sources];
  for (let s = 1; s < stages.length; s++) {
    const inputs = into!;
    upstream = Array.from({ length: p }, (_, d) => keyedTaskId(s, d));
    into = s + 1 < stages.length ? channelsInto(s + 1, upstream) : undefined;
    for (let d = 0; d < p; d++) {
      if (!place.owns(keyedTaskId(s, d))) continue;
      const task = new KeyedTask({
        ...base(keyedTaskId(s, d), stages[s]!, outputOf(into, d)),
        inputs: inputs.map((row) => row[d]!.receiver!),
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

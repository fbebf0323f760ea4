import type { JobGraph } from '../api/graph.js';
import { TaskCheckpoints } from '../checkpoint/checkpoint-storage.js';
import type { CheckpointStore } from '../checkpoint/checkpoint-store.js';
import type { AssignedSplit } from '../checkpoint/task-checkpoint.js';
import { ManualClock } from '../clock.js';
import { silentLogger } from '../observability/logger.js';
import { InMemoryMetrics } from '../observability/metrics.js';
import { Task, type TaskOptions } from './task.js';

/** Builds a Task over every split of every source of `graph`, with test-friendly defaults. */
export async function taskFor(
  graph: JobGraph,
  overrides: Partial<TaskOptions> & { store?: CheckpointStore } = {},
): Promise<{ task: Task; clock: ManualClock; metrics: InMemoryMetrics }> {
  const clock = (overrides.clock as ManualClock | undefined) ?? new ManualClock(0);
  const metrics = (overrides.metrics as InMemoryMetrics | undefined) ?? new InMemoryMetrics();
  const splits: AssignedSplit[] = [];
  for (const node of graph.nodes) {
    if (node.source === undefined) continue;
    for (const descriptor of await node.source.source.listSplits()) splits.push({ source: node.id, descriptor });
  }
  const { store, ...rest } = overrides;
  const task = new Task({
    jobId: 'job',
    taskId: 'task-0',
    graph,
    splits,
    clock,
    metrics,
    logger: silentLogger,
    maxBatchSize: 4,
    inFlightBudget: 1_000,
    adoptChildren: true,
    ...(store ? { checkpoints: new TaskCheckpoints(store, 'job', 'task-0') } : {}),
    ...rest,
  });
  return { task, clock, metrics };
}

/** Steps a task until it is done, or throws after `maxSteps`. */
export async function runToEnd(task: Task, maxSteps = 10_000): Promise<number> {
  for (let i = 0; i < maxSteps; i++) if ((await task.step()) === 'done') return i + 1;
  throw new Error(`task did not finish in ${maxSteps} steps`);
}

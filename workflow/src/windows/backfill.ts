import type { LoadedPipeline } from '../definition/load.js';
import { WorkflowUsageError } from '../errors.js';
import type { Orchestrator, RunSummary } from '../orchestrator/orchestrator.js';
import { partitionsBetween } from './partitions.js';

/** Options of {@link runBackfill}. */
export interface BackfillOptions {
  from: number;
  to: number;
  /** Partitions run at once (each is its own run, holding its own partition lock). @default 2 */
  concurrency?: number;
  signal?: AbortSignal;
}

/** How a backfill ended: one run per partition. */
export interface BackfillSummary {
  runs: RunSummary[];
  failed: string[];
}

/**
 * Re-runs a pipeline for every event-time partition in `[from, to]`, `concurrency` partitions at
 * a time. Partitioned stages replace their partition's output, so a backfill over partitions that
 * were already written changes nothing but what changed in the inputs.
 */
export async function runBackfill(
  orchestrator: Orchestrator,
  pipeline: LoadedPipeline,
  options: BackfillOptions,
): Promise<BackfillSummary> {
  const granularity = pipeline.definition.stages.find((s) => s.partitioning)?.partitioning?.granularity;
  if (!granularity)
    throw new WorkflowUsageError(
      `pipeline '${pipeline.definition.pipeline}' has no partitioned stage; backfill needs partitioning: { granularity: hour | day } on a stage`,
    );
  const todo = partitionsBetween(options.from, options.to, granularity);
  const runs: RunSummary[] = [];
  const worker = async (): Promise<void> => {
    for (let p = todo.shift(); p !== undefined && options.signal?.aborted !== true; p = todo.shift())
      runs.push(
        await orchestrator.run(pipeline, { partition: p, ...(options.signal ? { signal: options.signal } : {}) }),
      );
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
  runs.sort((a, b) => a.partition.localeCompare(b.partition));
  return { runs, failed: runs.filter((r) => r.status !== 'SUCCEEDED').map((r) => r.partition) };
}

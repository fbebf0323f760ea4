import type { LoadedPipeline } from '../definition/load.js';
import { WorkflowUsageError } from '../errors.js';
import type { RunRecord, RunStatus, StageRunRecord } from '../run-store/types.js';
import type { StageResult } from '../stages/stage-type.js';
import type { PartitionWindow } from '../windows/partitions.js';
import { runStage, type StageRunnerDeps } from './stage-runner.js';

/** The partition key of a run that is not partitioned. */
export const UNPARTITIONED = '*';

const DONE = new Set(['SUCCEEDED', 'SKIPPED']);

/** How a run stands once one of its stages ended: still running, or ended with this status. */
function runStatusAfter(run: RunRecord, stage: StageRunRecord): RunStatus {
  if (stage.status === 'ABORTED') return 'ABORTED';
  if (stage.status === 'FAILED' || stage.status === 'NOT_RUN') return 'FAILED';
  return Object.values(run.stages).every((s) => DONE.has(s.status)) ? 'SUCCEEDED' : 'RUNNING';
}

/**
 * One stage of a run, for engines that orchestrate stages themselves (see
 * `Orchestrator.runOneStage`). Listeners see the same events as in a whole run: the task that
 * creates the run record starts the run, later tasks attach to it; the task whose stage fails,
 * or that finishes the last stage, ends the run (its status recorded in the run store).
 */
export async function runStageTask(
  deps: StageRunnerDeps,
  pipeline: LoadedPipeline,
  stageId: string,
  options: { runId: string; partition?: PartitionWindow; signal?: AbortSignal },
): Promise<StageRunRecord> {
  const { store } = deps;
  const def = pipeline.definition;
  const stage = def.stages.find((s) => s.id === stageId);
  if (!stage)
    throw new WorkflowUsageError(
      `pipeline '${def.pipeline}' has no stage '${stageId}' (stages: ${def.stages.map((s) => s.id).join(', ')})`,
    );
  let run = await store.getRun(options.runId);
  let created = false;
  if (!run) {
    created = await store
      .createRun({
        runId: options.runId,
        pipeline: def.pipeline,
        partition: options.partition?.key ?? UNPARTITIONED,
        status: 'RUNNING',
        startedAt: new Date().toISOString(),
        source: pipeline.source,
        baseDir: pipeline.baseDir,
        definition: JSON.parse(JSON.stringify(def)) as Record<string, unknown>,
        stages: Object.fromEntries(def.stages.map((s) => [s.id, { status: 'PENDING', attempts: [] }])),
      })
      .then(
        () => true,
        () => false, // another stage task of the same wave created it first
      );
    run = await store.getRun(options.runId);
  }
  if (!run) throw new WorkflowUsageError(`run ${options.runId} could not be created in ${store.location}`);
  const partition = options.partition ? { partition: options.partition } : {};
  await deps.emit({ type: 'run-start', run, resumed: !created, ...(created ? {} : { attach: true }), ...partition });
  const known = run;
  const upstream = new Map<string, StageResult>(stage.dependsOn.map((d) => [d, known.stages[d]?.result ?? {}]));
  const done = await runStage(deps, {
    run,
    def,
    stage,
    record: run.stages[stageId] ?? { status: 'PENDING', attempts: [] },
    upstream,
    partition: options.partition,
    signal: options.signal ?? new AbortController().signal,
  });
  const after = (await store.getRun(options.runId)) ?? run;
  after.stages[stageId] = done.record;
  const status = runStatusAfter(after, done.record);
  if (status !== 'RUNNING') {
    const endedAt = new Date().toISOString();
    const error = status === 'SUCCEEDED' ? undefined : `${stageId}: ${done.record.reason ?? 'failed'}`;
    await store.updateRun(options.runId, { status, endedAt, error });
    await deps.emit({ type: 'run-end', run: { ...after, status, endedAt, ...(error ? { error } : {}) } });
  }
  return done.record;
}

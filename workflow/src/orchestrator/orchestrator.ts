import { randomUUID } from 'node:crypto';
import { silentLogger, type Logger } from '@coattail/runtime';
import { validatePipelineObject, type LoadedPipeline } from '../definition/load.js';
import type { PipelineDefinition } from '../definition/schema.js';
import { RunLockedError, WorkflowUsageError } from '../errors.js';
import type { InputObserver } from '../incremental/tracker.js';
import type { RunRecord, RunStatus, RunStore, StageRunRecord } from '../run-store/types.js';
import type { StageRegistry } from '../stages/registry.js';
import type { OutputReport, StageResult } from '../stages/stage-type.js';
import { parsePartitionKey, type PartitionWindow } from '../windows/partitions.js';
import { errorText } from './attempts.js';
import type { GateEvaluator, RunEvent, RunListener } from './events.js';
import { defaultSleep, runStage, type StageRunnerDeps } from './stage-runner.js';
import { runStageTask, UNPARTITIONED } from './stage-task.js';

/** How the orchestrator is wired; every field but `store` and `registry` is optional. */
export interface OrchestratorOptions {
  store: RunStore;
  registry: StageRegistry;
  /** Looks at inputs for incremental stages. Required when a pipeline has one. */
  observer?: InputObserver;
  /** Checks stages' gates. Required when a pipeline declares gates. */
  gates?: GateEvaluator;
  /** Progress output, lineage… */
  listeners?: RunListener[];
  logger?: Logger;
  /** Jitter source. @default Math.random */
  random?: () => number;
  /** Waits between retries. @default wall clock */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** Options of one run. */
export interface RunOptions {
  /** The event-time partition to run (partitioned pipelines, backfills). */
  partition?: PartitionWindow;
  /** Abort to cancel the run (SIGTERM): running stages are told, the run ends ABORTED, resumable. */
  signal?: AbortSignal;
  /** @default a random UUID */
  runId?: string;
}

/** How a run ended. */
export interface RunSummary {
  runId: string;
  pipeline: string;
  partition: string;
  status: RunStatus;
  stages: Record<string, StageRunRecord>;
  /** Every output reported by a stage that succeeded in this run or before a resume. */
  outputs: OutputReport[];
}

/**
 * Runs pipelines as DAGs: up to `concurrency` stages at once, each when its dependencies have
 * succeeded (or had nothing to do); records everything in the run store so a failed or cancelled
 * run resumes where it stopped; holds the pipeline+partition lock for the whole run.
 */
export class Orchestrator {
  readonly #o: OrchestratorOptions;
  readonly #log: Logger;

  constructor(options: OrchestratorOptions) {
    this.#o = options;
    this.#log = (options.logger ?? silentLogger).child({ component: 'workflow-orchestrator' });
  }

  /** Starts a new run of a pipeline. Throws {@link RunLockedError} when another orchestrator runs it. */
  async run(pipeline: LoadedPipeline, options: RunOptions = {}): Promise<RunSummary> {
    const def = pipeline.definition;
    const partition = options.partition?.key ?? UNPARTITIONED;
    const runId = options.runId ?? randomUUID();
    const lock = await this.#o.store.tryLock(def.pipeline, partition, `run ${runId}`);
    if ('heldBy' in lock) throw new RunLockedError(def.pipeline, partition, lock.heldBy);
    try {
      const run: RunRecord = {
        runId,
        pipeline: def.pipeline,
        partition,
        status: 'RUNNING',
        startedAt: new Date().toISOString(),
        source: pipeline.source,
        baseDir: pipeline.baseDir,
        definition: JSON.parse(JSON.stringify(def)) as Record<string, unknown>,
        stages: Object.fromEntries(def.stages.map((s) => [s.id, { status: 'PENDING', attempts: [] }])),
      };
      await this.#o.store.createRun(run);
      return await this.#execute(run, def, options.partition, options.signal, false);
    } finally {
      await lock.release();
    }
  }

  /** Resumes a FAILED or ABORTED run: completed stages are kept, the rest run again. */
  async resume(runId: string, options: Omit<RunOptions, 'runId' | 'partition'> = {}): Promise<RunSummary> {
    const run = await this.#o.store.getRun(runId);
    if (!run)
      throw new WorkflowUsageError(`run ${runId} is not in ${this.#o.store.location} (see coattail workflow runs)`);
    if (run.status === 'SUCCEEDED')
      throw new WorkflowUsageError(`run ${runId} already succeeded; start a new run instead`);
    const lock = await this.#o.store.tryLock(run.pipeline, run.partition, `run ${runId} (resume)`);
    if ('heldBy' in lock) throw new RunLockedError(run.pipeline, run.partition, lock.heldBy);
    try {
      const def = validatePipelineObject(run.definition, this.#o.registry, run.source);
      for (const [id, s] of Object.entries(run.stages))
        if (s.status !== 'SUCCEEDED' && s.status !== 'SKIPPED') {
          const reset: StageRunRecord = { status: 'PENDING', attempts: s.attempts };
          run.stages[id] = reset;
          await this.#o.store.putStage(runId, id, reset);
        }
      run.status = 'RUNNING';
      delete run.error;
      delete run.endedAt;
      await this.#o.store.updateRun(runId, { status: 'RUNNING', error: undefined, endedAt: undefined });
      const partition = run.partition === UNPARTITIONED ? undefined : parsePartitionKey(run.partition);
      return await this.#execute(run, def, partition, options.signal, true);
    } finally {
      await lock.release();
    }
  }

  #deps(): StageRunnerDeps {
    return {
      store: this.#o.store,
      registry: this.#o.registry,
      observer: this.#o.observer,
      gates: this.#o.gates,
      logger: this.#log,
      random: this.#o.random ?? Math.random,
      sleep: this.#o.sleep ?? defaultSleep,
      emit: (e) => this.#emit(e),
    };
  }

  /**
   * Runs one stage of a run, for engines that orchestrate stages themselves (the Step Functions
   * export: one ECS task per stage, the execution name as run id). The run record is created by
   * the first stage task; upstream results come from it. No partition lock: the outer engine runs
   * each execution once, and stages of one wave must record into the run side by side.
   * Listeners (lineage, progress) see the run start with the first stage task and end with the
   * task whose stage fails or completes the run.
   */
  async runOneStage(
    pipeline: LoadedPipeline,
    stageId: string,
    options: RunOptions & { runId: string },
  ): Promise<StageRunRecord> {
    return runStageTask(this.#deps(), pipeline, stageId, options);
  }

  async #emit(event: RunEvent): Promise<void> {
    for (const listener of this.#o.listeners ?? [])
      try {
        await listener(event);
      } catch (error) {
        this.#log.warn({ event: event.type, err: errorText(error) }, 'run listener failed; the run goes on');
      }
  }

  async #execute(
    run: RunRecord,
    def: PipelineDefinition,
    partition: PartitionWindow | undefined,
    signal: AbortSignal = new AbortController().signal,
    resumed: boolean,
  ): Promise<RunSummary> {
    const deps = this.#deps();
    await this.#emit({ type: 'run-start', run, resumed, ...(partition ? { partition } : {}) });
    const results = new Map<string, StageResult>();
    for (const [id, s] of Object.entries(run.stages))
      if (s.status === 'SUCCEEDED' && s.result) results.set(id, s.result);
    const running = new Map<string, Promise<void>>();
    let failed = false;
    const status = (id: string) => run.stages[id]?.status;
    const markNotRun = async (id: string, reason: string) => {
      const rec: StageRunRecord = { status: 'NOT_RUN', reason, attempts: run.stages[id]?.attempts ?? [] };
      run.stages[id] = rec;
      await this.#o.store.putStage(run.runId, id, rec);
    };
    for (;;) {
      for (const stage of def.stages) {
        if (status(stage.id) !== 'PENDING') continue;
        const broken = stage.dependsOn.find((d) => ['FAILED', 'NOT_RUN', 'ABORTED'].includes(status(d) ?? ''));
        if (broken) await markNotRun(stage.id, `upstream stage '${broken}' did not succeed`);
      }
      const stopping = signal.aborted || (failed && def.failurePolicy === 'stop');
      for (const stage of def.stages) {
        if (stopping || running.size >= def.concurrency) break;
        if (status(stage.id) !== 'PENDING' || running.has(stage.id)) continue;
        if (!stage.dependsOn.every((d) => status(d) === 'SUCCEEDED' || status(d) === 'SKIPPED')) continue;
        const record = run.stages[stage.id] ?? { status: 'PENDING', attempts: [] };
        const upstream = new Map(
          stage.dependsOn.flatMap((d) => (results.has(d) ? [[d, results.get(d) as StageResult]] : [])),
        );
        const task = runStage(deps, { run, def, stage, record, upstream, partition, signal }).then(
          (done) => {
            run.stages[stage.id] = done.record;
            if (done.result) results.set(stage.id, done.result);
            if (done.record.status === 'FAILED') failed = true;
            running.delete(stage.id);
          },
          (error: unknown) => {
            run.stages[stage.id] = { ...record, status: 'FAILED', reason: errorText(error) };
            failed = true;
            running.delete(stage.id);
          },
        );
        run.stages[stage.id] = { ...record, status: 'RUNNING' };
        running.set(stage.id, task);
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
    const why = signal.aborted ? 'run cancelled' : 'run stopped after a failure';
    for (const stage of def.stages) if (status(stage.id) === 'PENDING') await markNotRun(stage.id, why);
    const states = Object.values(run.stages).map((s) => s.status);
    run.status = signal.aborted
      ? 'ABORTED'
      : states.some((s) => s === 'FAILED' || s === 'NOT_RUN')
        ? 'FAILED'
        : 'SUCCEEDED';
    run.endedAt = new Date().toISOString();
    const failures = Object.entries(run.stages).filter(([, s]) => s.status === 'FAILED');
    if (failures.length > 0) run.error = failures.map(([id, s]) => `${id}: ${s.reason ?? 'failed'}`).join('; ');
    await this.#o.store.updateRun(run.runId, { status: run.status, endedAt: run.endedAt, error: run.error });
    await this.#emit({ type: 'run-end', run });
    return {
      runId: run.runId,
      pipeline: run.pipeline,
      partition: run.partition,
      status: run.status,
      stages: run.stages,
      outputs: [...results.values()].flatMap((r) => r.outputs ?? []),
    };
  }
}

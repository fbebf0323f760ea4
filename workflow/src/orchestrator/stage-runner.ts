import { systemClock, type Logger } from '@coattail/runtime';
import { datasetOf } from '../definition/dataset.js';
import type { PipelineDefinition, RetryPolicy, StageDefinition } from '../definition/schema.js';
import { WorkflowUsageError } from '../errors.js';
import type { InputChanges } from '../incremental/changes.js';
import { commitStageChanges, detectStageChanges, describeChanges, type InputObserver } from '../incremental/tracker.js';
import type { RunRecord, RunStore, StageRunRecord } from '../run-store/types.js';
import type { StageRegistry } from '../stages/registry.js';
import type { StageResult } from '../stages/stage-type.js';
import type { PartitionWindow } from '../windows/partitions.js';
import { errorText, isRetryable, retryDelay, runAttempt } from './attempts.js';
import type { GateCheck, GateEvaluator, GateVerdict, RunEvent } from './events.js';

const NO_RETRIES: RetryPolicy = { attempts: 0, backoffMs: 1_000, maxBackoffMs: 60_000 };

/** What running one stage needs from the orchestrator. */
export interface StageRunnerDeps {
  store: RunStore;
  registry: StageRegistry;
  observer: InputObserver | undefined;
  gates: GateEvaluator | undefined;
  logger: Logger;
  random: () => number;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  emit: (event: RunEvent) => Promise<void>;
}

/** One stage of one run: its definition, the run it belongs to and what its dependencies produced. */
export interface StageJob {
  run: RunRecord;
  def: PipelineDefinition;
  stage: StageDefinition;
  record: StageRunRecord;
  upstream: ReadonlyMap<string, StageResult>;
  partition: PartitionWindow | undefined;
  signal: AbortSignal;
}

const now = (): string => new Date().toISOString();

function toJson(result: StageResult): Record<string, unknown> {
  return JSON.parse(JSON.stringify(result)) as Record<string, unknown>;
}

/**
 * Runs one stage to its end: incremental detection (skip when nothing changed), attempts with
 * timeout, retries with jittered exponential back-off, the stage's gates, and — only after all of
 * that succeeded — the incremental state it consumed. Returns the stage's final record.
 */
export async function runStage(
  deps: StageRunnerDeps,
  job: StageJob,
): Promise<{ record: StageRunRecord; result?: StageResult }> {
  const { stage, run, def } = job;
  const record: StageRunRecord = { ...job.record, attempts: [...job.record.attempts] };
  const save = async (): Promise<void> => deps.store.putStage(run.runId, stage.id, record);
  let gates: readonly GateCheck[] | undefined;
  const end = async (status: StageRunRecord['status'], reason?: string, result?: StageResult, error?: unknown) => {
    record.status = status;
    if (reason === undefined) delete record.reason;
    else record.reason = reason;
    if (result) record.result = toJson(result);
    await save();
    await deps.emit({
      type: 'stage-end',
      run,
      stage,
      status,
      ...(result ? { result } : {}),
      ...(reason ? { reason } : {}),
      ...(error ? { error } : {}),
      ...(gates ? { gates } : {}),
    });
    return { record, ...(result ? { result } : {}) };
  };
  const log = deps.logger.child({ stage: stage.id, runId: run.runId });
  let changes: InputChanges[] | undefined;
  try {
    if (stage.incremental) {
      if (!deps.observer)
        throw new WorkflowUsageError(
          `stage '${stage.id}' is incremental but the orchestrator was given no input observer`,
        );
      changes = await detectStageChanges({
        pipeline: def.pipeline,
        stageId: stage.id,
        inputs: stage.inputs,
        spec: stage.incremental,
        observer: deps.observer,
        store: deps.store,
        ...(stage.partitioning && job.partition ? { partition: job.partition.key } : {}),
      });
      if (!changes.some((c) => c.hasWork))
        return await end('SKIPPED', `no new or changed input: ${describeChanges(changes)}`);
    }
  } catch (error) {
    return end('FAILED', `incremental detection failed: ${errorText(error)}`, undefined, error);
  }
  const type = deps.registry.get(stage.type);
  const policy = stage.retries ?? def.defaults.retries ?? NO_RETRIES;
  const timeoutMs = stage.timeout ?? def.defaults.timeout;
  const firstAttempt = record.attempts.length + 1;
  for (let attempt = firstAttempt; ; attempt++) {
    record.status = 'RUNNING';
    record.attempts.push({ attempt, status: 'RUNNING', startedAt: now() });
    await save();
    await deps.emit({ type: 'stage-start', run, stage, attempt });
    const outcome = await runAttempt(
      stage.id,
      async (signal) =>
        (await type.run({
          runId: run.runId,
          pipeline: def.pipeline,
          stage,
          attempt,
          signal,
          inputs: stage.inputs.map(datasetOf),
          outputs: stage.outputs.map(datasetOf),
          ...(job.partition ? { partition: job.partition } : {}),
          ...(changes ? { changes } : {}),
          upstream: job.upstream,
          baseDir: run.baseDir,
          logger: log,
          state: {
            get: (key) => deps.store.getState(def.pipeline, key),
            put: (key, value) => deps.store.putState(def.pipeline, key, value),
          },
          progress: (message, fraction) =>
            void deps.emit({
              type: 'stage-progress',
              run,
              stage,
              message,
              ...(fraction === undefined ? {} : { fraction }),
            }),
        })) ?? {},
      { signal: job.signal, ...(timeoutMs === undefined ? {} : { timeoutMs }) },
    );
    const last = record.attempts[record.attempts.length - 1];
    if (last) {
      last.status = outcome.status;
      last.endedAt = now();
      if (outcome.status !== 'SUCCEEDED') last.error = errorText(outcome.error);
    }
    if (outcome.status === 'SUCCEEDED') {
      const result = outcome.value;
      if (stage.gates.length > 0) {
        if (!deps.gates) return end('FAILED', `stage '${stage.id}' declares gates but no gate evaluator is configured`);
        const verdict = await deps.gates
          .evaluate({
            runId: run.runId,
            pipeline: def.pipeline,
            stage,
            result,
            baseDir: run.baseDir,
            signal: job.signal,
          })
          .catch((error: unknown): GateVerdict => ({
            passed: false,
            summary: `gate evaluation failed: ${errorText(error)}`,
          }));
        gates = verdict.checks;
        if (!verdict.passed) return end('FAILED', `quality gate failed: ${verdict.summary}`, result);
        if (verdict.outputs) result.outputs = verdict.outputs;
        result.summary = [result.summary, verdict.summary].filter(Boolean).join('; ');
      }
      if (changes)
        await commitStageChanges(
          deps.store,
          def.pipeline,
          stage.id,
          changes,
          stage.partitioning && job.partition ? job.partition.key : undefined,
        );
      return end('SUCCEEDED', changes ? describeChanges(changes) : undefined, result);
    }
    if (outcome.status === 'ABORTED') return end('ABORTED', 'run cancelled', undefined, outcome.error);
    const retriesLeft = policy.attempts - (attempt - firstAttempt);
    if (retriesLeft <= 0 || !isRetryable(outcome.error))
      return end('FAILED', errorText(outcome.error), undefined, outcome.error);
    const delayMs = retryDelay(policy, attempt - firstAttempt + 1, deps.random);
    log.warn({ attempt, delayMs, err: errorText(outcome.error) }, 'stage attempt failed, retrying');
    await deps.emit({ type: 'stage-retry', run, stage, attempt, delayMs, error: errorText(outcome.error) });
    await deps.sleep(delayMs, job.signal);
    if (job.signal.aborted) return end('ABORTED', 'run cancelled while waiting to retry');
  }
}

/** The default sleep between retries: the runtime's wall clock, cut short by cancellation. */
export const defaultSleep = (ms: number, signal: AbortSignal): Promise<void> => systemClock.sleep(ms, signal);

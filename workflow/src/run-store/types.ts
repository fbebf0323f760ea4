import { z } from 'zod';
import { stageResultSchema } from '../stages/stage-result-schema.js';

/** Lifecycle of a run. ABORTED runs (cancelled, e.g. SIGTERM) and FAILED runs can be resumed. */
export type RunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
/**
 * Lifecycle of a stage within a run. SKIPPED: done, there was nothing to do (no new input).
 * NOT_RUN: never started because an upstream stage failed, the run stopped or was cancelled.
 */
export type StageStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'SKIPPED' | 'NOT_RUN' | 'ABORTED';
/** How one attempt of a stage ended. */
export type AttemptStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

const jsonRecord = z.record(z.string(), z.unknown());

export const attemptSchema = z.object({
  attempt: z.number().int().min(1),
  status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  error: z.string().optional(),
});

export const stageRunSchema = z.object({
  status: z.enum(['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED', 'NOT_RUN', 'ABORTED']),
  /** Why a stage was skipped or failed, in words. */
  reason: z.string().optional(),
  /** The stage's result (outputs, summary, metrics) once it succeeded; what resume hands downstream. */
  result: stageResultSchema.optional(),
  attempts: z.array(attemptSchema).default([]),
});

/** One run of a pipeline (for one partition), as stored. */
export const runRecordSchema = z.object({
  runId: z.string(),
  pipeline: z.string(),
  /** `*` for an unpartitioned run, else the partition key (e.g. `2026-12-07T04`). */
  partition: z.string(),
  status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED']),
  startedAt: z.string(),
  endedAt: z.string().optional(),
  error: z.string().optional(),
  /** Where the definition came from, so `resume` can load it again. */
  source: z.string(),
  /** Folder relative `file://` datasets resolve against. */
  baseDir: z.string(),
  /** The definition as it was when the run started (JSON), so a resume runs the same pipeline. */
  definition: jsonRecord,
  stages: z.record(z.string(), stageRunSchema),
});

export type AttemptRecord = z.infer<typeof attemptSchema>;
export type StageRunRecord = z.infer<typeof stageRunSchema>;
export type RunRecord = z.infer<typeof runRecordSchema>;

/** A held pipeline+partition lock; release it when the run ends. */
export interface RunLock {
  release(): Promise<void>;
}

/**
 * Where runs, stage attempts, incremental state and locks live. Implementations: the embedded
 * {@link FileRunStore} (a folder, no server) and {@link PostgresRunStore} (schema `workflow`).
 * Both pass the same contract tests.
 */
export interface RunStore {
  /** Human-readable location for messages (`file:///…/.coattail/workflow`, `postgres://…`). */
  readonly location: string;
  createRun(run: RunRecord): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  /** Newest first. */
  listRuns(filter?: { pipeline?: string; limit?: number }): Promise<RunRecord[]>;
  updateRun(runId: string, patch: Partial<Pick<RunRecord, 'status' | 'endedAt' | 'error'>>): Promise<void>;
  /** Replaces a stage's record (status, reason, result, attempts) within a run. */
  putStage(runId: string, stageId: string, stage: StageRunRecord): Promise<void>;
  getState(pipeline: string, key: string): Promise<unknown>;
  putState(pipeline: string, key: string, value: unknown): Promise<void>;
  /** Keys of stored state under a prefix (e.g. a stage's partitions). */
  listState(pipeline: string, prefix: string): Promise<string[]>;
  /**
   * Takes the pipeline+partition lock for `owner`, or returns the current holder's description
   * when someone else has it. A holder that died loses the lock (lease expiry / dead pid).
   */
  tryLock(pipeline: string, partition: string, owner: string): Promise<RunLock | { heldBy: string }>;
  close(): Promise<void>;
}

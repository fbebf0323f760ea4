import type { StageDefinition } from '../definition/schema.js';
import type { RunRecord, StageStatus } from '../run-store/types.js';
import type { GateResult } from '../gates/gate-result.js';
import type { OutputReport, StageResult } from '../stages/stage-type.js';
import type { PartitionWindow } from '../windows/partitions.js';

/** What happens during a run, in order; listeners turn these into progress lines and lineage events. */
export type RunEvent =
  | {
      type: 'run-start';
      run: RunRecord;
      resumed: boolean;
      partition?: PartitionWindow;
      /** The run was started by another process (a stage task of an outer engine): continue it, do not announce it again. */
      attach?: boolean;
    }
  | { type: 'stage-start'; run: RunRecord; stage: StageDefinition; attempt: number }
  | { type: 'stage-progress'; run: RunRecord; stage: StageDefinition; message: string; fraction?: number }
  | { type: 'stage-retry'; run: RunRecord; stage: StageDefinition; attempt: number; delayMs: number; error: string }
  | {
      type: 'stage-end';
      run: RunRecord;
      stage: StageDefinition;
      status: StageStatus;
      result?: StageResult;
      reason?: string;
      error?: unknown;
      /** The stage's gate checks, one per gate and output, when it declares gates. */
      gates?: readonly GateCheck[];
    }
  | { type: 'run-end'; run: RunRecord };

/** Receives run events; a listener that throws is logged and ignored, it never fails the run. */
export type RunListener = (event: RunEvent) => void | Promise<void>;

/** One gate checked on one dataset a stage wrote. */
export interface GateCheck {
  dataset: string;
  result: GateResult;
}

/** The outcome of a stage's quality gates. */
export interface GateVerdict {
  /** `false` stops the stage's downstream (a `fail` gate broke). */
  passed: boolean;
  /** One line for progress output and the run record. */
  summary: string;
  /** Every check made, for the run record and lineage. */
  checks?: readonly GateCheck[];
  /**
   * The stage's outputs as downstream stages must read them: a `quarantine` gate points an
   * output's files at its passing rows. Absent when nothing changed.
   */
  outputs?: OutputReport[];
}

/** Checks a stage's gates on what it wrote, before any downstream stage starts. */
export interface GateEvaluator {
  evaluate(input: {
    runId: string;
    pipeline: string;
    stage: StageDefinition;
    result: StageResult;
    baseDir: string;
    signal: AbortSignal;
  }): Promise<GateVerdict>;
}

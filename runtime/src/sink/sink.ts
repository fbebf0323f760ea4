import type { Json, Timestamp } from '../types.js';

/** What a sink writer knows about where it runs. */
export interface SinkContext {
  readonly jobId: string;
  readonly taskId: string;
  readonly operatorId: string;
}

/**
 * Writes one task's records. The two-phase contract (Arroyo's `insert → checkpoint → commit`,
 * Flink's `TwoPhaseCommittingSink`):
 *
 * 1. `write` takes records as they come; it may return a promise (the task counts the records as
 *    in flight until it settles, and stops polling its sources while too many are).
 * 2. `prepareCommit(checkpointId)` runs when a checkpoint is taken, after every write settled; it
 *    returns the committables (JSON), which are stored inside the checkpoint.
 * 3. `commit(committables, checkpointId)` runs once the checkpoint is complete — and again after a
 *    restore, with the committables of the restored checkpoint. It must therefore be idempotent.
 *
 * A sink whose writes are idempotent on their own (conditional puts on a deterministic id) can
 * leave out both phases.
 */
export interface SinkWriter<T> {
  write(values: readonly T[], timestamps: readonly Timestamp[]): void | Promise<void>;
  prepareCommit?(checkpointId: number): Promise<Json> | Json;
  commit?(committables: Json, checkpointId: number): Promise<void> | void;
  close?(): Promise<void> | void;
}

export interface Sink<T> {
  readonly name: string;
  createWriter(context: SinkContext): SinkWriter<T>;
}

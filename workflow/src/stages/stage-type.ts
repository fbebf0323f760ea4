import type { Logger } from '@coattail/runtime';
import type { DatasetRef } from '../definition/dataset.js';
import type { StageDefinition } from '../definition/schema.js';
import type { InputChanges } from '../incremental/changes.js';
import type { PartitionWindow } from '../windows/partitions.js';

/** A column of a dataset a stage wrote, for lineage and schema checks. */
export interface ColumnInfo {
  name: string;
  type: string;
}

/** What a stage reports about one dataset it wrote. */
export interface OutputReport {
  dataset: string;
  rows?: number;
  bytes?: number;
  /** The Iceberg snapshot the stage committed, as a decimal string. */
  snapshotId?: string;
  columns?: ColumnInfo[];
  /** Where a human can look at what was written (a report file, a table), printed at the end of a run. */
  location?: string;
  /** The data files written, for quality gates to read with DuckDB. */
  files?: string[];
  /** Their format. @default parquet */
  format?: 'parquet' | 'csv';
}

/** What a successful stage attempt returns; every field is optional. */
export interface StageResult {
  outputs?: OutputReport[];
  /** One line for progress output and `coattail workflow runs`. */
  summary?: string;
  /** Numbers worth keeping with the run (rows read, files skipped…). */
  metrics?: Record<string, number>;
}

/** Everything a stage attempt gets from the orchestrator. */
export interface StageContext {
  runId: string;
  pipeline: string;
  stage: StageDefinition;
  /** 1 for the first attempt. */
  attempt: number;
  /** Aborted on timeout or when the run is cancelled (SIGTERM): stop, clean up, throw. */
  signal: AbortSignal;
  inputs: readonly DatasetRef[];
  outputs: readonly DatasetRef[];
  /** The event-time partition this attempt works on, for partitioned stages. */
  partition?: PartitionWindow;
  /**
   * What changed in each input since the stage last succeeded, when the stage declares `incremental`.
   * Undefined for stages that are not incremental: they read their inputs whole.
   */
  changes?: readonly InputChanges[];
  /** Results of the stages this one depends on. */
  upstream: ReadonlyMap<string, StageResult>;
  /** Folder relative `file://` datasets and params resolve against (the definition's folder). */
  baseDir: string;
  logger: Logger;
  /** The pipeline's key/value state in the run store (window watermarks, processed partitions…). */
  state: { get(key: string): Promise<unknown>; put(key: string, value: unknown): Promise<void> };
  /** Reports progress on long stages (`fraction` 0–1 when known). */
  progress(message: string, fraction?: number): void;
}

/**
 * A kind of stage: built in, or registered from TypeScript with {@link StageRegistry.register}.
 *
 * @example
 * registry.register({ name: 'count-rows', description: 'counts rows', run: async (ctx) => ({ summary: 'ok' }) });
 */
export interface StageType {
  name: string;
  description: string;
  run(ctx: StageContext): Promise<StageResult | void>;
}

import type { TaskCheckpoints } from '../checkpoint/checkpoint-storage.js';
import type { CheckpointStore } from '../checkpoint/checkpoint-store.js';
import type { TaskCheckpoint } from '../checkpoint/task-checkpoint.js';
import { CheckpointError, StateRestoreError } from '../errors.js';

/**
 * The job-level record of a checkpoint of an exchange job, written once every task has written
 * its own snapshot of it: only then is the checkpoint complete. Restore takes the newest one, and
 * every task loads that same checkpoint id, so state on both sides of the exchange agrees.
 */
export interface ExchangeCheckpoint {
  checkpointId: number;
  /** Keyed tasks per stage after a keyBy. */
  parallelism: number;
  maxParallelism: number;
  sourceTasks: string[];
  stages: number;
  createdAt: number;
}

const PREFIX = (jobId: string): string => `${encodeURIComponent(jobId)}/_exchange/`;
const key = (jobId: string, id: number): string => `${PREFIX(jobId)}chk-${String(id).padStart(10, '0')}.json`;

export async function writeExchangeCheckpoint(
  store: CheckpointStore,
  jobId: string,
  checkpoint: ExchangeCheckpoint,
  retain: number,
): Promise<void> {
  try {
    await store.put(key(jobId, checkpoint.checkpointId), Buffer.from(JSON.stringify(checkpoint)));
  } catch (cause) {
    throw new CheckpointError(`checkpoint ${checkpoint.checkpointId} of job '${jobId}' could not be completed`, {
      cause,
    });
  }
  const old = (await markers(store, jobId)).reverse().slice(retain);
  if (old.length > 0) await store.delete(old);
}

export async function latestExchangeCheckpoint(
  store: CheckpointStore,
  jobId: string,
): Promise<ExchangeCheckpoint | undefined> {
  const newest = (await markers(store, jobId)).at(-1);
  if (newest === undefined) return undefined;
  const body = await store.get(newest);
  return body === undefined ? undefined : (JSON.parse(Buffer.from(body).toString('utf8')) as ExchangeCheckpoint);
}

/** Loads a task's part of the complete checkpoint `marker`; a part that is missing fails the restore. */
export async function loadTaskPart(
  storage: TaskCheckpoints | undefined,
  marker: ExchangeCheckpoint,
  taskId: string,
): Promise<TaskCheckpoint> {
  const checkpoint = await storage?.load(marker.checkpointId);
  if (checkpoint === undefined)
    throw new StateRestoreError(
      taskId,
      `checkpoint ${marker.checkpointId} of the job is complete but this task's part is missing`,
    );
  return checkpoint;
}

/** The job's checkpoint records, oldest first (ids are zero-padded, so names sort by id). */
async function markers(store: CheckpointStore, jobId: string): Promise<string[]> {
  const prefix = PREFIX(jobId);
  return (await store.list(prefix)).filter((k) => /^chk-\d+\.json$/.test(k.slice(prefix.length))).sort();
}

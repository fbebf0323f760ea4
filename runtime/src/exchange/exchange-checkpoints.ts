import { z } from 'zod';
import type { TaskCheckpoints } from '../checkpoint/checkpoint-storage.js';
import type { CheckpointStore } from '../checkpoint/checkpoint-store.js';
import type { TaskCheckpoint } from '../checkpoint/task-checkpoint.js';
import { CheckpointError, StateRestoreError } from '../errors.js';
import { listIssues } from '../zod-issues.js';

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

/** A marker is read back from the checkpoint store, which anyone with access to it may have changed. */
const exchangeCheckpointSchema: z.ZodType<ExchangeCheckpoint> = z.object({
  checkpointId: z.number().int().nonnegative(),
  parallelism: z.number().int().positive(),
  maxParallelism: z.number().int().positive(),
  sourceTasks: z.array(z.string()),
  stages: z.number().int().nonnegative(),
  createdAt: z.number(),
});

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
  return body === undefined ? undefined : parseMarker(newest, Buffer.from(body).toString('utf8'));
}

/**
 * A marker that is not JSON or not of this shape fails the restore, naming the key and what is
 * wrong: restoring from a guess could load tasks' state under the wrong key groups. Not
 * retryable, since a restart reads the same bytes.
 */
function parseMarker(key: string, text: string): ExchangeCheckpoint {
  const corrupt = (what: string, cause?: unknown): CheckpointError =>
    new CheckpointError(
      `checkpoint marker '${key}' is corrupt (${what}): repair or delete it to restore from the checkpoint before it`,
      { retryable: false, ...(cause === undefined ? {} : { cause }) },
    );
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw corrupt('not JSON', cause);
  }
  const parsed = exchangeCheckpointSchema.safeParse(raw);
  if (!parsed.success) throw corrupt(listIssues(parsed.error));
  return parsed.data;
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

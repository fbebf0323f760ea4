import { z } from 'zod';
import { CheckpointError } from '../errors.js';
import type { Json } from '../types.js';
import { listIssues } from '../zod-issues.js';
import type { CheckpointManifest, TaskCheckpoint } from './task-checkpoint.js';

/** Any JSON value (what JSON.parse returns); present, since a key that is missing is not null. */
const json = z.custom<Json>((v) => v !== undefined, { message: 'missing' });

const splitDescriptor = z.object({
  id: z.string(),
  parents: z.array(z.string()).optional(),
  meta: json.optional(),
});

const assignedSplit = z.object({ source: z.string(), descriptor: splitDescriptor });

const taskCheckpointSchema: z.ZodType<TaskCheckpoint> = z.object({
  version: z.literal(1),
  jobId: z.string(),
  taskId: z.string(),
  checkpointId: z.number().int().positive(),
  createdAt: z.number(),
  watermark: z.number(),
  splits: z.array(z.object({ source: z.string(), descriptor: splitDescriptor, position: json, watermark: z.number() })),
  endedSplits: z.array(z.string()),
  pendingSplits: z.array(assignedSplit),
  handedOff: z.array(assignedSplit),
  operators: z.record(z.string(), json),
  committables: z.record(z.string(), z.array(z.tuple([z.number().int(), json]))),
  status: z.enum(['running', 'finished', 'handed-off']),
});

const manifestSchema: z.ZodType<CheckpointManifest> = z.object({
  jobId: z.string(),
  taskId: z.string(),
  checkpointId: z.number().int().positive(),
  stateKey: z.string(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.number(),
});

/**
 * Stored bytes that are not what this runtime wrote fail the restore, naming the object and what
 * is wrong: restoring from a guess could resume at the wrong positions or with the wrong state.
 * Not retryable, since a restart reads the same bytes.
 */
function corrupt(key: string, what: string, cause?: unknown): CheckpointError {
  return new CheckpointError(
    `checkpoint object '${key}' is corrupt (${what}): repair or delete its checkpoint to restore from the one before it`,
    { retryable: false, ...(cause === undefined ? {} : { cause }) },
  );
}

function parseJson(key: string, bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (cause) {
    throw corrupt(key, 'not JSON', cause);
  }
}

/** A checkpoint manifest as stored under `key`, or a {@link CheckpointError} naming what is wrong. */
export function parseManifest(key: string, bytes: Uint8Array): CheckpointManifest {
  const parsed = manifestSchema.safeParse(parseJson(key, bytes));
  if (!parsed.success) throw corrupt(key, listIssues(parsed.error));
  return parsed.data;
}

/**
 * A task's checkpoint state as stored under `key` (its digest already matched `manifest`), or a
 * {@link CheckpointError} naming what is wrong, including a state that belongs to another task,
 * job or checkpoint than its manifest says.
 */
export function parseTaskCheckpoint(key: string, bytes: Uint8Array, manifest: CheckpointManifest): TaskCheckpoint {
  const parsed = taskCheckpointSchema.safeParse(parseJson(key, bytes));
  if (!parsed.success) throw corrupt(key, listIssues(parsed.error));
  const c = parsed.data;
  for (const field of ['jobId', 'taskId', 'checkpointId'] as const)
    if (c[field] !== manifest[field])
      throw corrupt(
        key,
        `${field} ${JSON.stringify(c[field])} where its manifest says ${JSON.stringify(manifest[field])}`,
      );
  return c;
}

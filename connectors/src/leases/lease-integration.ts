import type { KinesisClient } from '@aws-sdk/client-kinesis';
import {
  CheckpointError,
  listIssues,
  type CheckpointStore,
  type SplitDescriptor,
  type TaskCheckpoint,
} from '@coattail/runtime';
import { z } from 'zod';
import { listAllShards } from '../kinesis/shards.js';
import type { LeaseCoordinator } from './lease-coordinator.js';
import { SHARD_END, type LeaseShard } from './lease-table.js';

/** What the fence needs of a task's checkpoint state: whether its shard ended. */
const taskStatusSchema: z.ZodType<Pick<TaskCheckpoint, 'status'>> = z.object({
  status: z.enum(['running', 'finished', 'handed-off']),
});

/**
 * The status of the task state about to be written under `key`, or a non-retryable error naming
 * the key: recording a guess in the lease (SHARD_END for a shard still running, or the reverse)
 * would hand the shard's children their parent's records twice or never.
 */
function taskStatus(key: string, body: Uint8Array): TaskCheckpoint['status'] {
  const refuse = (what: string, cause?: unknown): CheckpointError =>
    new CheckpointError(`checkpoint state '${key}' cannot be fenced on its lease (${what})`, {
      retryable: false,
      domain: 'internal',
      ...(cause === undefined ? {} : { cause }),
    });
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch (cause) {
    throw refuse('not JSON', cause);
  }
  const parsed = taskStatusSchema.safeParse(raw);
  if (!parsed.success) throw refuse(listIssues(parsed.error));
  return parsed.data.status;
}

/** The shards of a Kinesis stream, for {@link LeaseCoordinator}'s `listShards`. */
export function kinesisLeaseShards(client: KinesisClient, streamName: string): () => Promise<LeaseShard[]> {
  return async () =>
    (await listAllShards(client, streamName)).map((s) => ({
      shardId: s.ShardId!,
      parentShardIds: [s.ParentShardId, s.AdjacentParentShardId].filter((p): p is string => p !== undefined),
      ...(s.HashKeyRange?.StartingHashKey !== undefined ? { startingHashKey: s.HashKeyRange.StartingHashKey } : {}),
      ...(s.HashKeyRange?.EndingHashKey !== undefined ? { endingHashKey: s.HashKeyRange.EndingHashKey } : {}),
    }));
}

/** The runtime's `splitFilter` for a leased worker: read the shards this worker holds. */
export function leaseSplitFilter(coordinator: LeaseCoordinator): (split: SplitDescriptor) => boolean {
  return (split) => coordinator.holds(split.id);
}

/**
 * A `CheckpointStore` that fences every task checkpoint on the shard's lease: before a task's
 * manifest (the object that makes a checkpoint complete) is written, the lease's checkpoint is
 * updated conditionally on its `leaseCounter`. A worker that lost the lease gets `LeaseLostError`
 * from `put`, so its checkpoint never completes and the new owner's progress cannot be
 * overwritten. Every task of a leased job must read a shard this worker holds.
 */
export class FencedCheckpointStore implements CheckpointStore {
  readonly #status = new Map<string, string>();

  constructor(
    private readonly inner: CheckpointStore,
    private readonly coordinator: LeaseCoordinator,
  ) {}

  async put(key: string, body: Uint8Array): Promise<void> {
    const match = /^[^/]+\/([^/]+)\/chk-(\d+)\/(state|_manifest)\.json$/.exec(key);
    if (match !== null) {
      const shardId = decodeURIComponent(match[1]!);
      if (match[3] === 'state') {
        this.#status.set(shardId, taskStatus(key, body));
      } else {
        // Not held (never taken, or lost): checkpoint() refuses with LeaseLostError.
        // Race window, accepted: the fence is checked here and the manifest written just after, so
        // the lease could in principle move in between. The fenced write bumps leaseCounter, which
        // other workers count as a renewal, so nobody can take the lease until failoverTimeMs
        // after it; the window is open only if the manifest put (with its retries, e.g. through an
        // S3 outage) outlasts that. Then the old owner's chk-N completes late: the new owner may have
        // restored chk-(N-1) and re-reads those records (idempotent sinks absorb them), and a chk-N of
        // its own cannot be mixed up with the old one because a manifest must match its state's
        // digest. The old owner's next checkpoint is refused and its task stops. Closing it outright
        // needs the fence and the manifest in one atomic write, which S3 and DynamoDB cannot share.
        const ended = this.#status.get(shardId) === 'handed-off' || this.#status.get(shardId) === 'finished';
        await this.coordinator.checkpoint(shardId, ended ? SHARD_END : `chk-${match[2]}`);
      }
    }
    await this.inner.put(key, body);
  }

  get(key: string): Promise<Uint8Array | undefined> {
    return this.inner.get(key);
  }

  list(prefix: string): Promise<string[]> {
    return this.inner.list(prefix);
  }

  delete(keys: readonly string[]): Promise<void> {
    return this.inner.delete(keys);
  }
}

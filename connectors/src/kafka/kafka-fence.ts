import type { CheckpointStore } from '@coattail/runtime';
import { ConnectorError } from '../errors.js';

/** Why the fence refuses a checkpoint: the group is rebalancing (it may pass), or the partition is another worker's. */
export type FenceRefusal = 'rebalancing' | 'not-assigned';

const TASK_MANIFEST = /^[^/]+\/([^/]+)\/chk-\d+\/_manifest\.json$/;

/**
 * Wraps a `CheckpointStore` so the manifest of a partition task's checkpoint (the write that
 * makes it complete) is refused unless the group currently assigns that partition to this worker
 * and no rebalance is under way (a retryable refusal; a partition not assigned is refused for good). Kafka fences offset commits by generation; our positions live in
 * the runtime's checkpoints instead, so this is the same fence on our side: a worker that lost a
 * partition cannot complete a checkpoint that the new owner might restore, or overwrite one the
 * new owner wrote. The runtime keeps a refused checkpoint's pre-commits for the next attempt.
 */
export function fencedByAssignment(
  inner: CheckpointStore,
  topic: string,
  /** Why this worker may not complete a checkpoint of `partition` now, or undefined when it may. */
  refusal: (partition: number) => FenceRefusal | undefined,
): CheckpointStore {
  const partitionOf = (key: string): number | undefined => {
    const match = TASK_MANIFEST.exec(key);
    if (match === null) return undefined;
    // Task ids are the split id (`{topic}-{partition}`), or `{source}/{split id}` with several sources.
    const taskId = decodeURIComponent(match[1]!);
    const prefix = `${topic}-`;
    const splitId = taskId.slice(taskId.lastIndexOf('/') + 1);
    if (!splitId.startsWith(prefix) || !/^\d+$/.test(splitId.slice(prefix.length))) return undefined;
    return Number(splitId.slice(prefix.length));
  };
  return {
    put: async (key, body) => {
      const partition = partitionOf(key);
      const why = partition === undefined ? undefined : refusal(partition);
      if (why !== undefined) {
        throw new ConnectorError(
          'KAFKA_PARTITION_NOT_ASSIGNED',
          why === 'rebalancing'
            ? `partition ${partition} of ${topic}: its group is rebalancing, checkpoint refused until it settles`
            : `partition ${partition} of ${topic} is not assigned to this worker: checkpoint refused`,
          // A rebalance may leave the partition here; a partition the group gave to another worker is
          // that worker's to checkpoint, so no retry of this one could ever complete.
          { retryable: why === 'rebalancing' },
        );
      }
      await inner.put(key, body);
    },
    get: (key) => inner.get(key),
    list: (prefix) => inner.list(prefix),
    delete: (keys) => inner.delete(keys),
  };
}

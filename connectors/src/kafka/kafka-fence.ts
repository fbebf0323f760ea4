import type { CheckpointStore } from '@coattail/runtime';
import { ConnectorError } from '../errors.js';

const TASK_MANIFEST = /^[^/]+\/([^/]+)\/chk-\d+\/_manifest\.json$/;

/**
 * Wraps a `CheckpointStore` so the manifest of a partition task's checkpoint (the write that
 * makes it complete) is refused unless the group currently assigns that partition to this worker
 * and no rebalance is under way. Kafka fences offset commits by generation; our positions live in
 * the runtime's checkpoints instead, so this is the same fence on our side: a worker that lost a
 * partition cannot complete a checkpoint that the new owner might restore, or overwrite one the
 * new owner wrote. The runtime keeps a refused checkpoint's pre-commits for the next attempt.
 */
export function fencedByAssignment(
  inner: CheckpointStore,
  topic: string,
  holds: (partition: number) => boolean,
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
      if (partition !== undefined && !holds(partition)) {
        throw new ConnectorError(
          'KAFKA_PARTITION_NOT_ASSIGNED',
          `partition ${partition} of ${topic} is not assigned to this worker, or its group is rebalancing: checkpoint refused`,
          { retryable: true },
        );
      }
      await inner.put(key, body);
    },
    get: (key) => inner.get(key),
    list: (prefix) => inner.list(prefix),
    delete: (keys) => inner.delete(keys),
  };
}

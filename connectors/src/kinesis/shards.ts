import { createHash } from 'node:crypto';
import { ListShardsCommand, type KinesisClient, type Shard } from '@aws-sdk/client-kinesis';
import { listIssues, type KeyValue, type SplitDescriptor } from '@coattail/runtime';
import { z } from 'zod';
import { isTransientAwsError, sdkAttempts } from '../aws/aws-errors.js';
import { ConnectorError } from '../errors.js';
import { withRetry } from '../retry.js';

/** What a Kinesis split carries in `meta`: its hash-key range, and whether it was found at a parent's end. */
export interface ShardMeta {
  startingHashKey: string;
  endingHashKey: string;
  /** Set on children announced at SHARD_END: they are read from TRIM_HORIZON whatever the start option. */
  afterParent?: boolean;
  [key: string]: string | boolean | undefined;
}

/** Every shard of a stream (open and closed within retention), paged through ListShards. */
export async function listAllShards(client: KinesisClient, streamName: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let next: string | undefined;
  do {
    const token = next;
    const out = await withRetry(
      () => client.send(new ListShardsCommand(token === undefined ? { StreamName: streamName } : { NextToken: token })),
      {
        retryable: isTransientAwsError,
        attemptsUsed: sdkAttempts,
      },
    );
    shards.push(...(out.Shards ?? []));
    next = out.NextToken;
  } while (next !== undefined);
  return shards;
}

/** A shard as a runtime split: parents from ParentShardId/AdjacentParentShardId, hash range in meta. */
export function shardToSplit(shard: Shard, afterParent = false): SplitDescriptor {
  const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter((p): p is string => p !== undefined);
  const meta: ShardMeta = {
    startingHashKey: shard.HashKeyRange?.StartingHashKey ?? '0',
    endingHashKey: shard.HashKeyRange?.EndingHashKey ?? String(2n ** 128n - 1n),
  };
  if (afterParent) meta.afterParent = true;
  return { id: shard.ShardId!, ...(parents.length > 0 ? { parents } : {}), meta: meta as SplitDescriptor['meta'] };
}

const hashKey = z.string().regex(/^\d+$/, 'must be a decimal hash key');
const shardMetaSchema = z
  .object({
    startingHashKey: hashKey.optional(),
    endingHashKey: hashKey.optional(),
    afterParent: z.boolean().optional(),
  })
  .refine((m) => (m.startingHashKey === undefined) === (m.endingHashKey === undefined), {
    message: 'a hash-key range needs both its start and its end',
  });

/**
 * What a split's `meta` says of its shard (as listed, or as restored from a checkpoint); none for a
 * split without meta. Meta of another shape fails naming the split: read as no range, the shard's
 * children would each take all of their parent's state.
 */
export function shardMetaOf(split: SplitDescriptor): z.infer<typeof shardMetaSchema> {
  if (split.meta === undefined || split.meta === null) return {};
  const parsed = shardMetaSchema.safeParse(split.meta);
  if (!parsed.success)
    throw new ConnectorError(
      'SPLIT_META_INVALID',
      `split '${split.id}' does not carry a Kinesis shard's meta (${listIssues(parsed.error)}); it was not written by this connector`,
      { domain: 'internal', retryable: false },
    );
  return parsed.data;
}

/** The 128-bit hash Kinesis routes a partition key by: MD5 of its UTF-8 bytes, as an unsigned integer. */
export function kinesisHashKey(partitionKey: string): bigint {
  return BigInt(`0x${createHash('md5').update(partitionKey, 'utf8').digest('hex')}`);
}

/** True when `partitionKey` routes to the shard described by `split` (its meta's hash-key range). */
export function shardHoldsKey(split: SplitDescriptor, partitionKey: string): boolean {
  const meta = shardMetaOf(split);
  if (meta.startingHashKey === undefined || meta.endingHashKey === undefined) return true;
  const h = kinesisHashKey(partitionKey);
  return h >= BigInt(meta.startingHashKey) && h <= BigInt(meta.endingHashKey);
}

/**
 * The runtime's `stateKeyFilter` for Kinesis: after a split, each child takes the parent's state
 * for the keys whose partition key hashes into the child's range. `partitionKeyOf` maps a state
 * key to the partition key the producer used (by default the key itself, e.g. the symbol).
 *
 * @example
 * env.execute({ jobId, stateKeyFilter: kinesisStateKeyFilter((key) => String(key).split('|')[0]!) });
 */
export function kinesisStateKeyFilter(
  partitionKeyOf: (key: KeyValue) => string = String,
): (key: KeyValue, child: SplitDescriptor) => boolean {
  return (key, child) => shardHoldsKey(child, partitionKeyOf(key));
}

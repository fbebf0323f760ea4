import type { Shard } from '@aws-sdk/client-kinesis';
import type { SplitDescriptor } from '@coattail/runtime';
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../errors.js';
import { kinesisHashKey, kinesisStateKeyFilter, shardHoldsKey, shardMetaOf, shardToSplit } from './shards.js';

const HALF = 2n ** 127n;
const shard = (id: string, start: bigint, end: bigint): Shard => ({
  ShardId: id,
  HashKeyRange: { StartingHashKey: String(start), EndingHashKey: String(end) },
  SequenceNumberRange: { StartingSequenceNumber: '1' },
});
// A split as a checkpoint restores it: its meta went through JSON.
const restored = (split: SplitDescriptor): SplitDescriptor => JSON.parse(JSON.stringify(split)) as SplitDescriptor;

describe('Kinesis split meta', () => {
  it('divides keys between two children by their hash-key ranges, after a trip through a checkpoint', () => {
    const low = restored(shardToSplit(shard('shard-1', 0n, HALF - 1n), true));
    const high = restored(shardToSplit(shard('shard-2', HALF, 2n * HALF - 1n)));
    expect(shardMetaOf(low).afterParent).toBe(true);
    const keys = Array.from({ length: 50 }, (_, i) => `SYM-${i}`);
    for (const k of keys) expect(shardHoldsKey(low, k)).toBe(kinesisHashKey(k) < HALF);
    for (const k of keys) expect(shardHoldsKey(high, k)).toBe(!shardHoldsKey(low, k));
    expect(shardHoldsKey({ id: 'no-meta' }, 'BTC-USDT')).toBe(true);
  });

  it('refuses meta it cannot read, naming the split and the field, instead of giving a child all of its parent’s state', () => {
    const filter = kinesisStateKeyFilter();
    const halfRange: SplitDescriptor = { id: 'shard-7', meta: { startingHashKey: '0' } };
    const error = (() => {
      try {
        filter('BTC-USDT', halfRange);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe('SPLIT_META_INVALID');
    expect((error as Error).message).toContain("split 'shard-7' does not carry a Kinesis shard's meta");
    expect((error as Error).message).toContain('a hash-key range needs both its start and its end');
    const numeric: SplitDescriptor = { id: 'shard-8', meta: { startingHashKey: 'zero', endingHashKey: '10' } };
    expect(() => shardHoldsKey(numeric, 'BTC-USDT')).toThrow(/startingHashKey: must be a decimal hash key/);
  });
});

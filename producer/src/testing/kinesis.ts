import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { deaggregate } from '@coattail/connectors';
import { unifiedTradeSchema, type UnifiedTrade } from '../models.js';

/** Test helper: every trade in a stream, shard by shard from TRIM_HORIZON, de-aggregated. */
export async function readTrades(
  client: KinesisClient,
  streamName: string,
): Promise<(UnifiedTrade & { shardId: string; partitionKey: string })[]> {
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
  const out: (UnifiedTrade & { shardId: string; partitionKey: string })[] = [];
  for (const shard of Shards) {
    let { ShardIterator: it } = await client.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shard.ShardId!,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    while (it !== undefined) {
      const res = await client.send(new GetRecordsCommand({ ShardIterator: it, Limit: 10_000 }));
      const records = res.Records ?? [];
      if (records.length === 0) break;
      for (const r of records) {
        for (const u of deaggregate(r.Data!, r.PartitionKey!)) {
          const trade = unifiedTradeSchema.parse(JSON.parse(Buffer.from(u.data).toString('utf8')));
          out.push({ ...trade, shardId: shard.ShardId!, partitionKey: u.partitionKey });
        }
      }
      it = res.NextShardIterator;
    }
  }
  return out;
}

import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { deaggregate, type UserRecord } from './kpl-aggregation.js';

/** Test helper: every user record in a stream, shard by shard from TRIM_HORIZON, de-aggregated. */
export async function readWholeStream(client: KinesisClient, streamName: string): Promise<{ kinesisRecords: number; records: (UserRecord & { shardId: string })[] }> {
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
  let kinesisRecords = 0;
  const records: (UserRecord & { shardId: string })[] = [];
  for (const shard of Shards) {
    let { ShardIterator: it } = await client.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }));
    while (it !== undefined) {
      const out = await client.send(new GetRecordsCommand({ ShardIterator: it }));
      const batch = out.Records ?? [];
      if (batch.length === 0) break;
      kinesisRecords += batch.length;
      for (const r of batch) for (const u of deaggregate(r.Data!, r.PartitionKey!)) records.push({ ...u, shardId: shard.ShardId! });
      it = out.NextShardIterator;
    }
  }
  return { kinesisRecords, records };
}

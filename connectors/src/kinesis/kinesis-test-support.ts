import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import {
  CollectSink,
  StreamEnvironment,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type AggregateFunction,
} from '@coattail/runtime';
import type { KinesisSource } from './kinesis-source.js';
import { deaggregate, type UserRecord } from './kpl-aggregation.js';
import { kinesisStateKeyFilter } from './shards.js';

/** Test helper: every user record in a stream, shard by shard from TRIM_HORIZON, de-aggregated. */
export async function readWholeStream(
  client: KinesisClient,
  streamName: string,
): Promise<{ kinesisRecords: number; records: (UserRecord & { shardId: string })[] }> {
  const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: streamName }));
  let kinesisRecords = 0;
  const records: (UserRecord & { shardId: string })[] = [];
  for (const shard of Shards) {
    let { ShardIterator: it } = await client.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shard.ShardId!,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    while (it !== undefined) {
      const out = await client.send(new GetRecordsCommand({ ShardIterator: it }));
      const batch = out.Records ?? [];
      if (batch.length === 0) break;
      kinesisRecords += batch.length;
      for (const r of batch)
        for (const u of deaggregate(r.Data!, r.PartitionKey!)) records.push({ ...u, shardId: shard.ShardId! });
      it = out.NextShardIterator;
    }
  }
  return { kinesisRecords, records };
}

/** A test record: `i` is its event time, `shardId` where it was read. */
export interface KeyedTrade {
  key: string;
  i: number;
  shardId: string;
}

/** Counts records per key (and the last event time): keyed state that must follow a key across a reshard. */
const countPerKey: AggregateFunction<KeyedTrade, { count: number; last: number }, { count: number; last: number }> = {
  createAccumulator: () => ({ count: 0, last: -1 }),
  add: (t, acc) => ({ count: acc.count + 1, last: Math.max(acc.last, t.i) }),
  getResult: (acc) => acc,
  merge: (a, b) => ({ count: a.count + b.count, last: Math.max(a.last, b.last) }),
};

/**
 * Test helper: runs a job that reads `source` into a sink and counts records per key in one
 * event-time window, with Kinesis's state key filter (children inherit their keys' state).
 * Returns the job result, the records in read order, and each key's count with the task that emitted it.
 */
export async function runKeyedCountJob(source: KinesisSource<KeyedTrade>, jobId: string) {
  const sink = new CollectSink<KeyedTrade>();
  const counts = new CollectSink<{ key: string; count: number; last: number }>();
  const env = StreamEnvironment.create();
  const trades = env.fromSource(
    source,
    WatermarkStrategy.forBoundedOutOfOrderness<KeyedTrade>(0).withTimestampAssigner((t) => t.i),
  );
  trades.sinkTo(sink);
  trades
    .keyBy((t) => t.key)
    .window(TumblingEventTimeWindows.of(1_000_000))
    .aggregate(countPerKey, (key, _ctx, [acc], out) => out.collect({ key, ...acc! }))
    .sinkTo(counts);
  const result = await env.execute({
    jobId,
    stateKeyFilter: kinesisStateKeyFilter(),
    idlePollDelayMs: 5,
    maxIdlePollDelayMs: 20,
  });
  return {
    result,
    out: sink.values,
    counts: new Map(counts.records.map((r) => [r.value.key, { ...r.value, task: r.taskId }])),
    emitted: counts.records.length,
  };
}

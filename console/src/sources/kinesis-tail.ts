import { GetRecordsCommand, GetShardIteratorCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { deaggregate, listAllShards } from '@coattail/connectors';
import { silentLogger, sleep, type Logger } from '@coattail/runtime';
import { z } from 'zod';
import type { ConsoleTrade } from '../aggregate/trade-aggregator.js';

const tradeSchema = z.object({
  exchange: z.string(),
  symbol: z.string(),
  price: z.number(),
  quantity: z.number(),
  quote_volume: z.number(),
  event_time: z.number(),
});

/** Options of {@link tailKinesis}. */
export interface KinesisTailOptions {
  client: KinesisClient;
  streamName: string;
  onTrades: (trades: ConsoleTrade[]) => void;
  /** Pause between reads of a shard (Kinesis allows 5 reads per shard per second, shared with the jobs). @default 1000 (ms) */
  pollMs?: number;
  logger?: Logger;
}

/**
 * Follows a trade stream from its tip (LATEST), every open shard, without leases or
 * checkpoints: the console only watches, so it never takes a shard from a job and never
 * affects what the jobs read. Records that are not trades are skipped (the jobs' gate counts them).
 *
 * @example
 * const stop = tailKinesis({ client, streamName: 'coattail-trades', onTrades: (t) => hub.ingest(t) });
 */
export function tailKinesis(options: KinesisTailOptions): { stop(): Promise<void> } {
  const log = (options.logger ?? silentLogger).child({ component: 'console-kinesis-tail' });
  const pollMs = options.pollMs ?? 1_000;
  let running = true;
  const readShard = async (shardId: string): Promise<void> => {
    let iterator = (
      await options.client.send(
        new GetShardIteratorCommand({ StreamName: options.streamName, ShardId: shardId, ShardIteratorType: 'LATEST' }),
      )
    ).ShardIterator;
    while (running && iterator !== undefined) {
      const out = await options.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      const trades: ConsoleTrade[] = [];
      for (const record of out.Records ?? []) {
        for (const user of deaggregate(record.Data ?? new Uint8Array(), record.PartitionKey ?? '')) {
          try {
            const parsed = tradeSchema.safeParse(JSON.parse(Buffer.from(user.data).toString('utf8')));
            if (parsed.success) trades.push(parsed.data);
          } catch {
            // not JSON: the jobs' quality gate sends it to the DLQ; the console just skips it
          }
        }
      }
      if (trades.length > 0) options.onTrades(trades);
      iterator = out.NextShardIterator;
      if ((out.Records ?? []).length === 0 || (out.MillisBehindLatest ?? 0) === 0) await sleep(pollMs);
    }
  };
  const done = (async () => {
    const shards = (await listAllShards(options.client, options.streamName)).filter(
      (s) => s.SequenceNumberRange?.EndingSequenceNumber === undefined,
    );
    await Promise.all(
      shards.map((s) =>
        readShard(s.ShardId!).catch((error: unknown) => log.warn({ err: error, shardId: s.ShardId }, 'tail stopped')),
      ),
    );
  })().catch((error: unknown) => log.warn({ err: error }, 'cannot follow the trade stream'));
  return {
    stop: async () => {
      running = false;
      await done;
    },
  };
}

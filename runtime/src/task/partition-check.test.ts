import { describe, expect, it } from 'vitest';
import { StreamEnvironment } from '../api/stream-environment.js';
import { PartitioningError } from '../errors.js';
import { CollectSink } from '../sink/collect-sink.js';
import { InMemorySource, type InMemorySplit } from '../source/in-memory-source.js';
import type { SplitDescriptor } from '../source/source.js';
import { WatermarkStrategy } from '../watermarks/watermark-strategy.js';

interface Trade {
  symbol: string;
  venue: string;
  qty: number;
}
const t = (symbol: string, venue: string, qty = 1): Trade => ({ symbol, venue, qty });

/** Running volume per (symbol, venue), declared to follow the source's partitioning by symbol. */
function volumes(splits: InMemorySplit<Trade>[], sink: CollectSink<string>) {
  const env = StreamEnvironment.create();
  env
    .fromSource(new InMemorySource(splits), WatermarkStrategy.noWatermarks<Trade>())
    .map((x) => x)
    .keyBy((x) => `${x.symbol}|${x.venue}`, { sourcePartitioned: true })
    .reduce((a, b) => ({ ...a, qty: a.qty + b.qty }))
    .uid('volume')
    .map((x) => `${x.symbol}|${x.venue}=${x.qty}`)
    .sinkTo(sink);
  return env;
}

describe('keyBy declared sourcePartitioned', () => {
  it('runs fused per split when every key stays in one split, a parent shard handing keys to its child', async () => {
    const sink = new CollectSink<string>();
    const env = volumes(
      [
        { id: 'btc', records: [t('BTC', 'x'), t('BTC', 'y'), t('BTC', 'x')] },
        { id: 'eth', records: [t('ETH', 'x')], children: ['eth-2'] },
        { id: 'eth-2', records: [t('ETH', 'x', 5)], parents: ['eth'] },
      ],
      sink,
    );
    const keepAll = (_key: string | number, _child: SplitDescriptor): boolean => true;
    await env.execute({ jobId: 'aligned', stateKeyFilter: keepAll });
    expect(sink.values.sort()).toEqual(['BTC|x=1', 'BTC|x=2', 'BTC|y=1', 'ETH|x=1', 'ETH|x=6']);
  });

  it('fails the job on the first record whose key was read from another split, naming split, position and key', async () => {
    const sink = new CollectSink<string>();
    const env = volumes(
      [
        { id: 'a', records: [t('BTC', 'x'), t('ETH', 'x')] },
        { id: 'b', records: [t('SOL', 'x'), t('SOL', 'x'), t('BTC', 'x', 7)] },
      ],
      sink,
    );
    const failure = await env.execute({ jobId: 'misaligned', restartAttempts: 3 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PartitioningError);
    expect((failure as Error).message).toMatch(
      /key "BTC\|x" arrived from split 'b' \(the batch after position null up to 3\) after split 'a' had it: record \{"symbol":"BTC","venue":"x","qty":7\}/,
    );
    expect((failure as PartitioningError).retryable).toBe(false);
  });
});

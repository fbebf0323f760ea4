import { startLocalStack, type LocalStack } from '@coattail/local-stack';
import { InMemoryMetrics } from '@coattail/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExchangeConnection } from '../exchanges/exchange-connection.js';
import { binanceProtocol } from '../exchanges/binance.js';
import { coinbaseProtocol } from '../exchanges/coinbase.js';
import type { UnifiedTrade } from '../models.js';
import { startExchangeSimulator } from '../simulator/exchange-simulator.js';
import { SymbolMap } from '../symbols.js';
import { readTrades } from '../testing/kinesis.js';
import { waitFor } from '../testing/wait.js';
import { LatencyRecorder } from './latency-recorder.js';
import { Publisher } from './publisher.js';
import { KafkaTradeSink, KinesisTradeSink, type KafkaProducerLike, type TradeSink } from './trade-sink.js';

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({
    streams: [
      { name: 'agg-on', shards: 2 },
      { name: 'agg-off', shards: 2 },
    ],
    tables: [],
    buckets: [],
  });
});
afterAll(async () => {
  await stack?.stop();
});

describe.each([
  ['agg-on', true],
  ['agg-off', false],
] as const)('publishing simulator trades into kinesalite (stream %s)', (stream, aggregation) => {
  it('writes every trade received exactly once, keyed by canonical symbol, both exchanges of a symbol on one shard', async () => {
    const symbols = new SymbolMap(['BTC-USDT', 'ETH-USDT', 'SOL-USDT']);
    const sim = await startExchangeSimulator({
      symbols: [...symbols.symbols],
      tradesPerSecond: 3_000,
      replayOnConnect: 20,
    });
    const metrics = new InMemoryMetrics();
    const publisher = new Publisher({
      sink: new KinesisTradeSink({ client: stack.clients.kinesis, streamName: stream, aggregation }),
      metrics,
    });
    publisher.start();
    const received: UnifiedTrade[] = [];
    const onTrade = (t: UnifiedTrade): void => {
      received.push(t);
      publisher.push(t);
    };
    const conns = [binanceProtocol(symbols, sim.binanceUrl), coinbaseProtocol(symbols, sim.coinbaseUrl)].map(
      (protocol) => new ExchangeConnection({ protocol, onTrade, metrics, reconnectBaseMs: 10 }),
    );
    conns.forEach((c) => c.start());
    await waitFor(() => received.length > 1_500, 'trades');
    // Pause the market so the trades replayed after the reconnect are ones we already have:
    // they must not reach the stream twice.
    sim.setGenerating(false);
    await new Promise((r) => setTimeout(r, 50));
    sim.faults.drop('binance');
    await waitFor(() => metrics.total('tradesDuplicate') > 0, 'replayed trades after a reconnect');
    sim.setGenerating(true);
    await waitFor(() => received.length > 3_000, 'trades after the reconnect');
    await Promise.all(conns.map((c) => c.stop()));
    await publisher.close();
    await sim.close();

    const stored = await readTrades(stack.clients.kinesis, stream);
    expect(stored.length).toBe(received.length);
    expect(new Set(stored.map((t) => t.event_id)).size).toBe(stored.length);
    expect(new Set(stored.map((t) => t.event_id))).toEqual(new Set(received.map((t) => t.event_id)));
    expect(stored.every((t) => t.partitionKey === t.symbol)).toBe(true);
    for (const symbol of symbols.symbols) {
      const rows = stored.filter((t) => t.symbol === symbol);
      expect(new Set(rows.map((t) => t.exchange))).toEqual(new Set(['binance', 'coinbase']));
      expect(new Set(rows.map((t) => t.shardId)).size).toBe(1);
    }
    expect(metrics.total('tradesPublished')).toBe(received.length);
    expect(metrics.total('tradesDuplicate')).toBeGreaterThan(0);
    expect(publisher.latency.count).toBe(received.length);
  });
});

describe('Publisher', () => {
  const trade = (i: number): UnifiedTrade => ({
    event_id: `binance:BTC-USDT:${i}`,
    exchange: 'binance',
    symbol: 'BTC-USDT',
    price: 1,
    quantity: 1,
    quote_volume: 1,
    side: 'buy',
    trade_id: i,
    event_time: Date.now(),
    ingest_time: Date.now(),
  });

  it('drops and counts trades beyond its buffer instead of growing without bound', async () => {
    let release: () => void = () => undefined;
    const sink: TradeSink = {
      kind: 'slow',
      publish: () => new Promise<void>((r) => (release = r)),
      close: () => Promise.resolve(),
    };
    const metrics = new InMemoryMetrics();
    const publisher = new Publisher({ sink, metrics, maxBuffered: 10, maxBatch: 5 });
    publisher.start();
    publisher.push(trade(0));
    await new Promise((r) => setTimeout(r, 5)); // the first batch is now in flight
    for (let i = 1; i <= 15; i++) publisher.push(trade(i));
    expect(metrics.total('tradesDropped', { exchange: 'binance' })).toBe(5);
    const closing = publisher.close();
    for (let i = 0; i < 5; i++) {
      release();
      await new Promise((r) => setTimeout(r, 5));
    }
    await closing;
    expect(publisher.published).toBe(11);
  });

  it('reports a sink that failed for good once, and refuses trades afterwards', async () => {
    const errors: Error[] = [];
    const sink: TradeSink = {
      kind: 'broken',
      publish: () => Promise.reject(new Error('stream deleted')),
      close: () => Promise.resolve(),
    };
    const publisher = new Publisher({ sink, onFatal: (e) => errors.push(e) });
    publisher.start();
    publisher.push(trade(1));
    await expect(publisher.close()).rejects.toThrow('stream deleted');
    expect(errors).toHaveLength(1);
  });

  // The request the sink builds, on a recording fake; tests/kafka-broker/producer-kafka-sink.test.ts
  // runs the whole SINK=kafka path against the Kafka protocol fixture.
  it('publishes to Kafka keyed by symbol with acks from all replicas', async () => {
    const sent: Parameters<KafkaProducerLike['send']>[0][] = [];
    const sink = new KafkaTradeSink(
      { send: (r) => Promise.resolve(void sent.push(r)), disconnect: () => Promise.resolve() },
      'trades',
    );
    await sink.publish([trade(1), trade(2)]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ topic: 'trades', acks: -1 });
    expect(sent[0]!.messages.map((m) => m.key)).toEqual(['BTC-USDT', 'BTC-USDT']);
    expect(sent[0]!.messages.map((m) => (JSON.parse(m.value) as UnifiedTrade).trade_id)).toEqual([1, 2]);
  });

  it('computes latency percentiles at millisecond resolution', () => {
    const l = new LatencyRecorder();
    for (let i = 1; i <= 100; i++) l.record(i);
    expect([l.percentile(0.5), l.percentile(0.99), l.count]).toEqual([50, 99, 100]);
  });
});

import { InMemoryMetrics } from '@coattail/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import type { UnifiedTrade } from '../models.js';
import { Producer } from '../producer.js';
import type { TradeSink } from '../publish/trade-sink.js';
import { startExchangeSimulator } from '../simulator/exchange-simulator.js';
import { waitFor } from '../testing/wait.js';
import { startHealthServer } from './health-server.js';
import { emfDocuments, producerEmfDocuments, prometheusText } from './metrics-format.js';

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

/** A sink that keeps trades in memory: the health server does not care where trades go. */
function memorySink(): TradeSink & { trades: UnifiedTrade[] } {
  const trades: UnifiedTrade[] = [];
  return {
    kind: 'memory',
    trades,
    publish: (t) => Promise.resolve(void trades.push(...t)),
    close: () => Promise.resolve(),
  };
}

describe('health and metrics endpoints', () => {
  it('reports healthy while both exchanges stream, unhealthy once one is lost, and serves Prometheus metrics', async () => {
    const sim = await startExchangeSimulator({ symbols: ['BTC-USDT'], tradesPerSecond: 500 });
    cleanup.push(() => sim.close());
    const settings = {
      ...loadConfig({
        SYMBOLS: 'BTC-USDT',
        BINANCE_WS_URL: sim.binanceUrl,
        COINBASE_WS_URL: sim.coinbaseUrl,
        RECONNECT_BASE_MS: '5000',
        RECONNECT_MAX_MS: '5000',
      }),
    };
    const metrics = new InMemoryMetrics();
    const producer = new Producer({ settings, sink: memorySink(), metrics });
    producer.start();
    cleanup.push(() => producer.stop(5_000));
    const server = await startHealthServer(producer, metrics, 0, '127.0.0.1');
    cleanup.push(() => server.close());
    const get = (path: string): Promise<Response> => fetch(`http://127.0.0.1:${server.port}${path}`);

    await waitFor(() => producer.publisher.published > 20, 'published trades');
    const ok = await get('/healthz');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, status: 'RUNNING' });

    const text = await (await get('/metrics')).text();
    expect(text).toMatch(/coattail_producer_trades_published_total\{exchange="binance"\} [1-9]/);
    expect(text).toContain('coattail_producer_publish_latency_p99_ms');

    sim.faults.drop('coinbase'); // the next attempt is seconds away
    await waitFor(() => producer.health().exchanges.some((e) => e.status === 'BACKOFF'), 'coinbase in back-off');
    expect((await get('/healthz')).status).toBe(503);
    expect((await get('/nope')).status).toBe(404);
  });
});

describe('CloudWatch embedded metrics', () => {
  it('emits the increments since the last document, one document per dimension set', () => {
    const m = new InMemoryMetrics();
    m.counter('tradesReceived', { exchange: 'binance' }).inc(5);
    m.counter('tradesReceived', { exchange: 'coinbase' }).inc(2);
    const prev = new Map<string, number>();
    emfDocuments(m, prev, {}, 1);
    m.counter('tradesReceived', { exchange: 'binance' }).inc(3);
    const docs = emfDocuments(m, prev, { PublishLatencyP99Ms: 12 }, 2).map(
      (d) => JSON.parse(d) as Record<string, unknown>,
    );
    expect(docs).toContainEqual(expect.objectContaining({ exchange: 'binance', tradesReceived: 3 }));
    expect(docs).toContainEqual(expect.objectContaining({ exchange: 'coinbase', tradesReceived: 0 }));
    const latency = docs.find((d) => 'PublishLatencyP99Ms' in d)!;
    expect(latency._aws).toMatchObject({
      CloudWatchMetrics: [
        { Namespace: 'CoatTail/Producer', Metrics: [{ Name: 'PublishLatencyP99Ms', Unit: 'Milliseconds' }] },
      ],
    });
  });

  it("carries every metric the operations dashboards read, under the names the producer's own counters use", () => {
    const metrics = new InMemoryMetrics();
    // Not started: constructing registers every counter of the publisher and both connections.
    const producer = new Producer({ settings: loadConfig({ SYMBOLS: 'BTC-USDT' }), sink: memorySink(), metrics });
    metrics.counter('tradesReceived', { exchange: 'coinbase' }).inc(4);
    const docs = producerEmfDocuments(metrics, producer.publisher.latency, new Map(), 1).map(
      (d) =>
        JSON.parse(d) as Record<string, unknown> & {
          _aws: { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] };
        },
    );
    const declared = (exchange: string | undefined): Set<string> =>
      new Set(
        docs
          .filter((d) => d.exchange === exchange)
          .flatMap((d) => d._aws.CloudWatchMetrics.flatMap((m) => m.Metrics.map((x) => x.Name))),
      );
    for (const exchange of ['binance', 'coinbase']) {
      const names = declared(exchange);
      for (const metric of [
        'tradesReceived',
        'tradesPublished',
        'tradesDropped',
        'reconnects',
        'gapEvents',
        'tradesMissing',
      ])
        expect(names, `${metric} of ${exchange}`).toContain(metric);
      expect(docs.find((d) => d.exchange === exchange)?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['exchange']]);
    }
    expect(docs).toContainEqual(
      expect.objectContaining({ exchange: 'coinbase', tradesReceived: 4, tradesPublished: 0 }),
    );
    expect([...declared(undefined)]).toEqual(expect.arrayContaining(['PublishLatencyP50Ms', 'PublishLatencyP99Ms']));
  });

  it('escapes label values in the Prometheus text', () => {
    const m = new InMemoryMetrics();
    m.counter('messagesIgnored', { exchange: 'binance', type: 'a"b' }).inc();
    expect(prometheusText(m)).toContain('coattail_producer_messages_ignored_total{exchange="binance",type="a\\"b"} 1');
  });
});

import { InMemoryMetrics } from '@coattail/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import type { UnifiedTrade } from '../models.js';
import {
  startExchangeSimulator,
  type ExchangeSimulator,
  type ExchangeSimulatorOptions,
} from '../simulator/exchange-simulator.js';
import { SymbolMap } from '../symbols.js';
import { SAMPLE_DIR } from '../testing/fixtures.js';
import { waitFor } from '../testing/wait.js';
import { binanceProtocol } from './binance.js';
import { coinbaseProtocol } from './coinbase.js';
import { ExchangeConnection, type ExchangeConnectionOptions } from './exchange-connection.js';

const symbols = new SymbolMap(['BTC-USDT', 'ETH-USDT']);
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function setup(
  exchange: 'binance' | 'coinbase',
  sim: ExchangeSimulatorOptions = {},
  conn: Partial<ExchangeConnectionOptions> = {},
) {
  const simulator: ExchangeSimulator = await startExchangeSimulator({
    symbols: [...symbols.symbols],
    tradesPerSecond: 400,
    burstProbabilityPerSecond: 0,
    heartbeatMs: 200,
    ...sim,
  });
  const metrics = new InMemoryMetrics();
  const trades: UnifiedTrade[] = [];
  const protocol =
    exchange === 'binance'
      ? binanceProtocol(symbols, simulator.binanceUrl)
      : coinbaseProtocol(symbols, simulator.coinbaseUrl);
  const connection = new ExchangeConnection({
    protocol,
    onTrade: (t) => trades.push(t),
    metrics,
    reconnectBaseMs: 20,
    reconnectMaxMs: 200,
    staleAfterMs: 2_000,
    ...conn,
  });
  connection.start();
  cleanup.push(
    () => simulator.close(),
    () => connection.stop(),
  );
  const count = (name: string): number => metrics.total(name, { exchange });
  await waitFor(() => trades.length > 20, `first ${exchange} trades`);
  return { simulator, connection, trades, count, metrics };
}

const unique = (trades: UnifiedTrade[]): boolean => new Set(trades.map((t) => t.event_id)).size === trades.length;

describe.each(['binance', 'coinbase'] as const)('%s connection against the simulator', (exchange) => {
  it('receives normalized trades of every subscribed symbol', async () => {
    const { trades, count } = await setup(exchange);
    await waitFor(() => new Set(trades.map((t) => t.symbol)).size === 2, 'both symbols');
    expect(trades.every((t) => t.exchange === exchange && t.quote_volume > 0)).toBe(true);
    expect(count('tradesMalformed')).toBe(0);
    if (exchange === 'coinbase') expect(count('subscriptionAcks')).toBe(1);
  });

  it('reconnects after a dropped connection, resubscribes and drops the trades replayed to it', async () => {
    const { simulator, trades, count } = await setup(exchange, { replayOnConnect: 30 });
    const before = trades.length;
    simulator.faults.drop(exchange);
    await waitFor(() => count('reconnects') >= 1 && trades.length > before + 50, 'trades after the reconnect');
    expect(count('tradesDuplicate')).toBeGreaterThan(0);
    expect(unique(trades)).toBe(true);
    if (exchange === 'coinbase') expect(count('subscribesSent')).toBeGreaterThanOrEqual(2);
  });

  it('replaces a connection that went silent', async () => {
    const { simulator, trades, count } = await setup(exchange, {}, { staleAfterMs: 300 });
    simulator.faults.silence(exchange, 60_000);
    await waitFor(() => count('staleConnections') >= 1, 'stale detection');
    const after = trades.length;
    await waitFor(() => trades.length > after + 20, 'trades on the new connection');
    expect(count('reconnects')).toBeGreaterThanOrEqual(1);
  });

  it('reports skipped trade ids as a gap of the right size', async () => {
    const { simulator, trades, count } = await setup(exchange, { heartbeatMs: 60_000 });
    simulator.faults.gap(exchange, 'BTC-USDT', 7);
    await waitFor(() => count('tradesMissing') > 0, 'the gap to be seen');
    const n = trades.length;
    await waitFor(() => trades.length > n + 40, 'more trades after the gap');
    expect(count('tradesMissing')).toBe(7);
    expect(count('gapEvents')).toBe(1);
  });

  it('counts garbage and error frames without crashing and keeps reading', async () => {
    const { simulator, trades, count } = await setup(exchange);
    simulator.faults.garbage(exchange);
    simulator.faults.errorFrame(exchange);
    await waitFor(() => count('tradesMalformed') === 2 && count('exchangeErrors') === 1, 'malformed and error counts');
    const n = trades.length;
    await waitFor(() => trades.length > n + 10, 'trades after the garbage');
  });
});

describe('connection hand-over before the age limit', () => {
  it('opens a fresh connection before closing the old one, losing and duplicating nothing', async () => {
    const { trades, count } = await setup('binance', { tradesPerSecond: 2_000 }, { maxConnectionAgeMs: 250 });
    await waitFor(() => count('connectionHandovers') >= 2, 'two hand-overs');
    expect(count('reconnects')).toBe(0);
    expect(count('tradesMissing')).toBe(0);
    expect(unique(trades)).toBe(true);
  });

  it('hands over when Binance announces serverShutdown', async () => {
    const { simulator, count } = await setup('binance');
    simulator.faults.replay('binance', [
      '{"stream":"!serverShutdown","data":{"e":"serverShutdown","E":1770123456789}}',
    ]);
    await waitFor(() => count('connectionHandovers') === 1, 'a hand-over');
  });
});

describe('Coinbase subscription errors', () => {
  it('counts the error frame for an unknown product', async () => {
    const sim = await startExchangeSimulator({ symbols: ['BTC-USDT'] });
    const metrics = new InMemoryMetrics();
    const conn = new ExchangeConnection({
      protocol: coinbaseProtocol(new SymbolMap(['DOGE-USDT']), sim.coinbaseUrl),
      onTrade: () => undefined,
      metrics,
    });
    cleanup.push(
      () => sim.close(),
      () => conn.stop(),
    );
    conn.start();
    await waitFor(() => metrics.total('exchangeErrors') === 1, 'the error frame');
    expect(metrics.total('subscriptionAcks')).toBe(0);
  });
});

describe('reconnect back-off', () => {
  it('keeps retrying an unreachable exchange with capped delays until stopped', async () => {
    const sim = await startExchangeSimulator({ symbols: ['BTC-USDT'] });
    const url = sim.binanceUrl;
    await sim.close();
    const metrics = new InMemoryMetrics();
    const conn = new ExchangeConnection({
      protocol: binanceProtocol(new SymbolMap(['BTC-USDT']), url),
      onTrade: () => undefined,
      metrics,
      reconnectBaseMs: 5,
      reconnectMaxMs: 20,
    });
    conn.start();
    await waitFor(() => metrics.total('reconnects') >= 10, 'ten attempts', 5_000);
    await conn.stop();
    expect(conn.status).toBe('STOPPED');
  });
});

describe('replay of JSONL files through the simulator (our sample frames)', () => {
  it('delivers Binance trade and control frames from a file to the adapter', async () => {
    const { simulator, trades, count } = await setup('binance');
    simulator.setGenerating(false);
    await new Promise((r) => setTimeout(r, 30));
    expect(await simulator.replayFile('binance', `${SAMPLE_DIR}binance-trades.jsonl`)).toBe(4);
    expect(await simulator.replayFile('binance', `${SAMPLE_DIR}binance-control.jsonl`)).toBe(6);
    await waitFor(
      () => count('exchangeErrors') === 2 && count('subscriptionAcks') === 2,
      'the replayed acks and errors',
    );
    const ids = [
      'binance:BTC-USDT:4100000001',
      'binance:BTC-USDT:4100000002',
      'binance:ETH-USDT:1900000001',
      'binance:ETH-USDT:1900000002',
    ];
    expect(ids.filter((id) => !trades.some((t) => t.event_id === id))).toEqual([]);
    simulator.setGenerating(true); // the successor takes over on its first frame
    await waitFor(() => count('connectionHandovers') >= 1, 'the hand-over serverShutdown asks for');
    expect(count('tradesMalformed')).toBe(0);
  });

  it('delivers Coinbase match, last_match, heartbeat and error frames from a file to the adapter', async () => {
    const { simulator, trades, count } = await setup('coinbase');
    simulator.setGenerating(false);
    await new Promise((r) => setTimeout(r, 30));
    const acks = count('subscriptionAcks');
    const heartbeats = count('heartbeats');
    expect(await simulator.replayFile('coinbase', `${SAMPLE_DIR}coinbase-messages.jsonl`)).toBe(5);
    await waitFor(() => count('exchangeErrors') === 1, 'the replayed error');
    expect(trades.filter((t) => t.event_id.startsWith('coinbase:BTC-USDT:60000000')).map((t) => t.side)).toEqual([
      'buy',
      'sell',
    ]);
    expect(count('subscriptionAcks')).toBe(acks + 1);
    expect(count('heartbeats')).toBeGreaterThan(heartbeats);
    expect(count('tradesMalformed')).toBe(0);
  });
});

describe('replay of other payloads through the simulator (our sample frames)', () => {
  it('delivers trades of the old field set and ignores the other payloads by name', async () => {
    const { simulator, trades, count } = await setup('binance');
    simulator.setGenerating(false);
    await new Promise((r) => setTimeout(r, 30));
    await simulator.replayFile('binance', `${SAMPLE_DIR}binance-other-payloads.jsonl`);
    await waitFor(() => trades.some((t) => t.event_id === 'binance:BNB-BTC:88000001'), 'the old-format trade');
    await waitFor(() => count('messagesIgnored') >= 6, 'the non-trade payloads');
    expect(count('tradesMalformed')).toBe(0);
  });
});

describe('quiet markets', () => {
  it('keeps a connection with no trades alive through pings instead of calling it stale', async () => {
    const { simulator, count } = await setup('binance', {}, { staleAfterMs: 300 });
    simulator.setGenerating(false);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(count('staleConnections')).toBe(0);
    expect(count('reconnects')).toBe(0);
  });
});

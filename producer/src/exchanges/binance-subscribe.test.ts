import { InMemoryMetrics } from '@coattail/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import type { UnifiedTrade } from '../models.js';
import { startExchangeSimulator, type ExchangeSimulator } from '../simulator/exchange-simulator.js';
import { SymbolMap } from '../symbols.js';
import { waitFor } from '../testing/wait.js';
import { binanceProtocol } from './binance.js';
import { ExchangeConnection } from './exchange-connection.js';

/** 600 symbols: their combined-stream URL is about 9 000 characters. */
const MANY = Array.from({ length: 600 }, (_, i) => `C${String(i).padStart(3, '0')}-USDT`);

describe('Binance subscriptions for many streams', () => {
  let sim: ExchangeSimulator | undefined;
  let conn: ExchangeConnection | undefined;
  afterEach(async () => {
    await conn?.stop();
    await sim?.close();
  });

  it('keeps a short subscription in the URL and sends nothing', () => {
    const p = binanceProtocol(new SymbolMap(['BTC-USDT', 'ETH-USDT']), 'wss://x');
    expect(p.url()).toBe('wss://x/stream?streams=btcusdt@trade/ethusdt@trade');
    expect(p.subscribeMessages()).toEqual([]);
  });

  it('subscribes with SUBSCRIBE batches within 5 messages a second when the URL would be too long for the server', async () => {
    // The server refuses URLs over 8 000 characters (414) and closes a connection on its sixth message in a second.
    sim = await startExchangeSimulator({
      symbols: MANY,
      tradesPerSecond: 12_000,
      burstProbabilityPerSecond: 0,
      binanceMaxUrlLength: 8_000,
    });
    const metrics = new InMemoryMetrics();
    const seen = new Set<string>();
    const protocol = binanceProtocol(new SymbolMap(MANY), sim.binanceUrl, { streamsPerSubscribe: 100 });
    expect(protocol.url()).toBe(`${sim.binanceUrl}/stream`);
    expect(protocol.subscribeMessages()).toHaveLength(6);
    conn = new ExchangeConnection({
      protocol,
      onTrade: (t: UnifiedTrade) => seen.add(t.symbol),
      metrics,
      reconnectBaseMs: 10,
    });
    conn.start();
    const count = (name: string): number => metrics.total(name, { exchange: 'binance' });
    await waitFor(() => count('subscriptionAcks') === 6, 'six acknowledged SUBSCRIBE messages');
    await waitFor(() => seen.size === MANY.length, 'trades of every symbol', 30_000);
    expect(count('subscribesSent')).toBe(6);
    expect(count('reconnects')).toBe(0);
    expect(count('exchangeErrors')).toBe(0);
  });
});

import { InMemoryMetrics } from '@coattail/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { ProducerConfigError } from '../errors.js';
import { Producer } from '../producer.js';
import type { TradeSink } from '../publish/trade-sink.js';
import { startExchangeSimulator, type ExchangeSimulatorOptions } from '../simulator/exchange-simulator.js';
import { SymbolMap } from '../symbols.js';
import { captureLogger } from '../testing/capture-logger.js';
import { waitFor } from '../testing/wait.js';
import { binanceProtocol } from './binance.js';
import { coinbaseProtocol } from './coinbase.js';
import { ExchangeConnection, type ExchangeConnectionOptions } from './exchange-connection.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function connect(
  exchange: 'binance' | 'coinbase',
  symbols: string[],
  sim: ExchangeSimulatorOptions = {},
  conn: Partial<ExchangeConnectionOptions> = {},
) {
  const simulator = await startExchangeSimulator({
    symbols: ['BTC-USDT', 'DOGE-USDT'],
    tradesPerSecond: 200,
    burstProbabilityPerSecond: 0,
    heartbeatMs: 100,
    ...sim,
  });
  const metrics = new InMemoryMetrics();
  const { logger, entries } = captureLogger();
  const map = new SymbolMap(symbols);
  const connection = new ExchangeConnection({
    protocol:
      exchange === 'binance'
        ? binanceProtocol(map, simulator.binanceUrl)
        : coinbaseProtocol(map, simulator.coinbaseUrl),
    onTrade: () => undefined,
    metrics,
    logger,
    reconnectBaseMs: 5,
    reconnectMaxMs: 40,
    silentAfterMs: 400,
    ...conn,
  });
  cleanup.push(
    () => simulator.close(),
    () => connection.stop(),
  );
  const count = (name: string): number => metrics.total(name, { exchange });
  const scheduled = () => entries.filter((e) => e.msg === 'reconnect scheduled').map((e) => e.fields);
  return { simulator, connection, count, entries, scheduled };
}

describe('an exchange that refuses the subscription', () => {
  it('turns the feed red with the exchange’s error as the reason although the socket answers pings', async () => {
    const { connection, count, entries } = await connect('coinbase', ['BTC-USDT', 'DOGE-USDT'], {
      coinbaseUnlisted: ['DOGE-USDT'],
    });
    connection.start();
    await waitFor(() => count('exchangeErrors') === 1, 'the subscribe error');
    expect(entries.some((e) => e.level === 'error' && String(e.fields.message).includes('DOGE-USD'))).toBe(true);
    await waitFor(() => !connection.health().ok && connection.health().reason !== undefined, 'health to turn red');
    expect(connection.status).toBe('OPEN');
    expect(connection.health().reason).toMatch(
      /^no trades or heartbeats from coinbase for \d+ s; last error: Failed to subscribe: DOGE-USD is not a valid product$/,
    );
  });

  it('keeps growing the back-off when the server closes after every error frame', async () => {
    const { connection, count, scheduled } = await connect('coinbase', ['BTC-USDT', 'DOGE-USDT'], {
      coinbaseUnlisted: ['DOGE-USDT'],
      coinbaseCloseOnError: true,
    });
    connection.start();
    await waitFor(() => scheduled().length >= 5, 'five reconnects');
    // An error frame is not a working connection: the attempt count (and the delay cap) never resets.
    expect(scheduled().map((f) => f.attempt)).toEqual([
      1,
      2,
      3,
      4,
      5,
      ...scheduled()
        .slice(5)
        .map((f) => f.attempt),
    ]);
    expect(count('exchangeErrors')).toBeGreaterThanOrEqual(5);
  });

  it('publishes from both exchanges when each reads its own list, and stays green', async () => {
    const sim = await startExchangeSimulator({
      symbols: ['BTC-USDT', 'DOGE-USDT'],
      coinbaseUnlisted: ['DOGE-USDT'],
      tradesPerSecond: 400,
      heartbeatMs: 100,
    });
    const published: string[] = [];
    const sink: TradeSink = {
      kind: 'memory',
      publish: (trades) => {
        for (const t of trades) published.push(`${t.exchange}:${t.symbol}`);
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    };
    const producer = new Producer({
      settings: {
        ...loadConfig({
          SYMBOLS: 'BTC-USDT,DOGE-USDT',
          COINBASE_SYMBOLS: 'BTC-USDT',
          BINANCE_WS_URL: sim.binanceUrl,
          COINBASE_WS_URL: sim.coinbaseUrl,
        }),
        silentAfterMs: 2_000,
      },
      sink,
    });
    cleanup.push(
      () => sim.close(),
      async () => void (await producer.stop(5_000)),
    );
    producer.start();
    const seen = (key: string) => published.includes(key);
    await waitFor(
      () => seen('binance:DOGE-USDT') && seen('binance:BTC-USDT') && seen('coinbase:BTC-USDT'),
      'trades of every exchange and symbol',
    );
    await waitFor(() => producer.health().ok, 'a green health');
    expect(producer.health().exchanges.map((e) => e.exchange)).toEqual(['binance', 'coinbase']);
  });
});

describe('liveness is data, not pongs', () => {
  it('turns a Binance feed red after the configured silence while pings keep the socket open', async () => {
    const { simulator, connection } = await connect('binance', ['BTC-USDT'], {}, { staleAfterMs: 200 });
    connection.start();
    await waitFor(() => connection.health().ok, 'trades');
    simulator.setGenerating(false);
    await waitFor(() => !connection.health().ok, 'the silence to be noticed');
    expect(connection.status).toBe('OPEN');
    expect(connection.health().available).toBe(true);
    expect(connection.health().reason).toMatch(/^no trades or heartbeats from binance for \d+ s$/);
    simulator.setGenerating(true);
    await waitFor(() => connection.health().ok, 'green again once trades flow');
  });
});

describe('a Coinbase configuration that would merge two markets', () => {
  it('is refused at startup, naming both symbols and the fix', () => {
    expect(() => loadConfig({ SYMBOLS: 'BTC-USDT,BTC-USD' })).toThrow(
      /SYMBOLS: BTC-USDT and BTC-USD both read Coinbase product BTC-USD; list only one of them for Coinbase \(COINBASE_SYMBOLS\)/,
    );
    expect(() => coinbaseProtocol(new SymbolMap(['BTC-USDT', 'BTC-USD']))).toThrow(ProducerConfigError);
    expect(loadConfig({ SYMBOLS: 'BTC-USDT,BTC-USD', COINBASE_SYMBOLS: 'BTC-USD' }).coinbaseSymbols).toEqual([
      'BTC-USD',
    ]);
    expect(loadConfig({ SYMBOLS: 'BTC-USDT,BTC-USD', COINBASE_PRODUCT_MAP: 'BTC-USDT=BTC-USDT' }).symbols).toHaveLength(
      2,
    );
    expect(loadConfig({ SYMBOLS: 'BTC-USDT,BTC-USD', EXCHANGES: 'binance' }).binanceSymbols).toHaveLength(2);
  });
});

describe('HTTP refusals at the WebSocket upgrade', () => {
  it('reads 451 as geo-blocking: counted, logged at error with its meaning, a long back-off, and the exchange unavailable', async () => {
    const { simulator, connection, count, entries, scheduled } = await connect(
      'binance',
      ['BTC-USDT'],
      {},
      {
        refusalBackoffMs: 600_000,
      },
    );
    simulator.faults.refuseUpgrades('binance', 451);
    connection.start();
    await waitFor(() => scheduled().length === 1, 'the first retry to be scheduled');
    expect(count('exchangeErrors')).toBe(1);
    expect(count('upgradeRefusals')).toBe(1);
    expect(scheduled()[0]?.delayMs).toBe(600_000);
    const logged = entries.find((e) => e.level === 'error' && e.fields.httpStatus === 451);
    expect(String(logged?.fields.meaning)).toMatch(/geo-blocking/);
    expect(connection.health()).toMatchObject({ ok: false, available: false });
    expect(connection.health().reason).toMatch(/^HTTP 451 at the WebSocket upgrade/);
  });

  it.each([
    [429, 7, 7_000],
    [418, undefined, 300_000],
  ])('waits out HTTP %i (Retry-After %s) before trying again', async (status, retryAfterSec, delay) => {
    const { simulator, connection, count, scheduled } = await connect('binance', ['BTC-USDT']);
    simulator.faults.refuseUpgrades('binance', status, {
      count: 1,
      ...(retryAfterSec !== undefined ? { retryAfterSec } : {}),
    });
    connection.start();
    await waitFor(() => scheduled().length === 1, 'the retry to be scheduled');
    expect(scheduled()[0]?.delayMs).toBe(delay);
    expect(count('exchangeErrors')).toBe(1);
    expect(connection.health().available).toBe(true);
  });

  it('connects once the refusal is over and turns green again', async () => {
    const { simulator, connection, count } = await connect('binance', ['BTC-USDT'], {}, { refusalBackoffMs: 1 });
    simulator.faults.refuseUpgrades('binance', 451, { count: 2 });
    connection.start();
    await waitFor(() => count('upgradeRefusals') === 2, 'both refusals');
    await waitFor(() => connection.health().ok, 'trades after the refusals');
    expect(connection.health().available).toBe(true);
  });
});

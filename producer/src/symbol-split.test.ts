import { InMemoryMetrics } from '@coattail/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchBinanceExchangeInfo, splitBinanceSymbol } from './binance-symbols.js';
import { loadConfig } from './config.js';
import { binanceProtocol } from './exchanges/binance.js';
import { ExchangeConnection } from './exchanges/exchange-connection.js';
import type { UnifiedTrade } from './models.js';
import { startExchangeSimulator, type ExchangeSimulator } from './simulator/exchange-simulator.js';
import { SymbolMap } from './symbols.js';
import { waitFor } from './testing/wait.js';

describe('splitting a Binance symbol nobody configured', () => {
  it('takes the longest quote asset that leaves a real base, including Binance’s fiat quotes', () => {
    expect(splitBinanceSymbol('HNTUSD')).toBe('HNT-USD');
    expect(splitBinanceSymbol('BTCTUSD')).toBe('BTC-TUSD');
    expect(splitBinanceSymbol('BTCAUD')).toBe('BTC-AUD');
    expect(splitBinanceSymbol('ETHFDUSD')).toBe('ETH-FDUSD');
    expect(splitBinanceSymbol('SOLJPY')).toBe('SOL-JPY');
    expect(splitBinanceSymbol('BNBBTC')).toBe('BNB-BTC');
    expect(splitBinanceSymbol('XYZ')).toBeUndefined();
  });

  it('prefers a base it knows, and never guesses a single-letter base', () => {
    expect(splitBinanceSymbol('OPTUSD')).toBe('OPT-USD');
    expect(splitBinanceSymbol('OPTUSD', new Set(['OP']))).toBe('OP-TUSD');
    expect(splitBinanceSymbol('TUSDT')).toBeUndefined();
    expect(new SymbolMap(['T-USDT']).fromBinance('TUSDT')).toBe('T-USDT');
    expect(loadConfig({ SYMBOLS: 'T-USDT,W-USDT' }).symbols).toEqual(['T-USDT', 'W-USDT']);
  });
});

describe('Binance symbols from the exchange’s own metadata', () => {
  let sim: ExchangeSimulator | undefined;
  let conn: ExchangeConnection | undefined;
  afterEach(async () => {
    await conn?.stop();
    await sim?.close();
  });

  it('normalizes trades of unconfigured symbols with exchangeInfo’s base and quote, the heuristic only where it is silent', async () => {
    sim = await startExchangeSimulator({
      symbols: ['BTC-USDT'],
      tradesPerSecond: 0,
      binanceSymbolInfo: [{ symbol: 'OPTUSD', baseAsset: 'OP', quoteAsset: 'TUSD' }],
    });
    sim.setGenerating(false);
    const info = await fetchBinanceExchangeInfo(sim.binanceRestUrl);
    expect(info).toContainEqual({ symbol: 'OPTUSD', baseAsset: 'OP', quoteAsset: 'TUSD' });
    const trades: UnifiedTrade[] = [];
    conn = new ExchangeConnection({
      protocol: binanceProtocol(new SymbolMap(['BTC-USDT'], {}, info), sim.binanceUrl),
      onTrade: (t) => trades.push(t),
      metrics: new InMemoryMetrics(),
    });
    conn.start();
    await waitFor(() => conn?.status === 'OPEN' && sim?.sessions('binance') === 1, 'the session');
    const frame = (s: string, id: number): string =>
      `{"e":"trade","E":1700000000001,"s":"${s}","t":${id},"p":"1.5","q":"2","T":1700000000000,"m":true,"M":true}`;
    sim.faults.replay('binance', [frame('OPTUSD', 1), frame('HNTUSD', 2), frame('BTCAUD', 3)]);
    await waitFor(() => trades.length === 3, 'three trades');
    expect(trades.map((t) => t.symbol)).toEqual(['OP-TUSD', 'HNT-USD', 'BTC-AUD']);
  });
});

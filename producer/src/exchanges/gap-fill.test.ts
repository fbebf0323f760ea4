import { InMemoryMetrics } from '@coattail/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { startExchangeSimulator, type ExchangeSimulator } from '../simulator/exchange-simulator.js';
import { SymbolMap } from '../symbols.js';
import { waitFor } from '../testing/wait.js';
import { binanceProtocol } from './binance.js';
import { ExchangeConnection } from './exchange-connection.js';

const frame = (id: number): string =>
  `{"stream":"btcusdt@trade","data":{"e":"trade","E":${1700000000000 + id},"s":"BTCUSDT","t":${id},"p":"37000.00","q":"0.01000000","T":${1700000000000 + id},"m":false,"M":true}}`;

describe('gaps that fill later', () => {
  let sim: ExchangeSimulator | undefined;
  let conn: ExchangeConnection | undefined;
  afterEach(async () => {
    await conn?.stop();
    await sim?.close();
  });

  it('takes trades back out of tradesMissing when the ids counted missing arrive after all', async () => {
    sim = await startExchangeSimulator({ symbols: ['BTC-USDT'], tradesPerSecond: 0 });
    sim.setGenerating(false);
    const metrics = new InMemoryMetrics();
    const ids: number[] = [];
    conn = new ExchangeConnection({
      protocol: binanceProtocol(new SymbolMap(['BTC-USDT']), sim.binanceUrl),
      onTrade: (t) => ids.push(t.trade_id),
      metrics,
    });
    conn.start();
    const count = (name: string): number => metrics.total(name, { exchange: 'binance' });
    await waitFor(() => conn?.status === 'OPEN' && sim?.sessions('binance') === 1, 'the session');
    // 100, 101, then 105: three counted missing; then 103 and 102 arrive (as over a hand-over's
    // overlap, from the other socket), and 106 continues.
    sim.faults.replay('binance', [100, 101, 105].map(frame));
    await waitFor(() => count('tradesMissing') === 3, 'the gap');
    sim.faults.replay('binance', [103, 102, 106].map(frame));
    await waitFor(() => ids.length === 6, 'every trade');
    expect(count('tradesMissing')).toBe(1);
    expect(count('tradesRecovered')).toBe(2);
    expect(count('gapEvents')).toBe(1);
    expect(count('tradesOutOfOrder')).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { Market, type SimTrade } from './market.js';

function run(market: Market, seconds: number, tickMs = 100): SimTrade[] {
  const out: SimTrade[] = [];
  for (let now = tickMs; now <= seconds * 1_000; now += tickMs) out.push(...market.tick(now, tickMs));
  return out;
}

describe('the simulated market', () => {
  it('produces the requested rate with consecutive trade ids per market in time order', () => {
    const trades = run(
      new Market({ symbols: ['BTC-USDT', 'ETH-USDT'], tradesPerSecond: 2_000, burstProbabilityPerSecond: 0 }),
      10,
    );
    expect(trades.length).toBeGreaterThan(19_000);
    expect(trades.length).toBeLessThan(21_000);
    for (const ex of ['binance', 'coinbase'] as const) {
      const ids = trades.filter((t) => t.exchange === ex && t.symbol === 'BTC-USDT').map((t) => t.tradeId);
      expect(ids.every((id, i) => i === 0 || id === ids[i - 1]! + 1)).toBe(true);
    }
  });

  it('includes whale trades above 100 000 of quote volume and many small ones (heavy tail)', () => {
    const trades = run(new Market({ symbols: ['BTC-USDT'], tradesPerSecond: 2_000, whaleProbability: 0.002 }), 10);
    const notional = trades.map((t) => Number(t.price) * Number(t.size));
    expect(notional.filter((n) => n > 100_000).length).toBeGreaterThan(10);
    const sorted = [...notional].sort((a, b) => a - b);
    expect(sorted[Math.floor(sorted.length / 2)]!).toBeLessThan(100);
  });

  it('dislocates Coinbase from Binance by more than 0.5 % at times', () => {
    const trades = run(
      new Market({ symbols: ['BTC-USDT'], tradesPerSecond: 500, dislocationProbabilityPerSecond: 0.2 }),
      30,
      1_000,
    );
    let maxSpread = 0;
    for (let s = 0; s < 30; s++) {
      const second = trades.filter((t) => Math.floor((t.time - 1) / 1_000) === s);
      const avg = (ex: string): number => {
        const xs = second.filter((t) => t.exchange === ex).map((t) => Number(t.price));
        return xs.reduce((a, b) => a + b, 0) / xs.length;
      };
      maxSpread = Math.max(maxSpread, Math.abs(avg('coinbase') / avg('binance') - 1));
    }
    expect(maxSpread).toBeGreaterThan(0.005);
  });

  it('bursts volume well above the base rate', () => {
    const base = run(
      new Market({ symbols: ['BTC-USDT'], tradesPerSecond: 200, burstProbabilityPerSecond: 0 }),
      20,
    ).length;
    const bursty = run(
      new Market({ symbols: ['BTC-USDT'], tradesPerSecond: 200, burstProbabilityPerSecond: 1 }),
      20,
    ).length;
    expect(bursty).toBeGreaterThan(base * 3);
  });

  it('moves prices as a random walk: never constant, small steps, wandering well beyond one step', () => {
    const market = new Market({
      symbols: ['BTC-USDT'],
      tradesPerSecond: 400,
      burstProbabilityPerSecond: 0,
      dislocationProbabilityPerSecond: 0,
    });
    // The mean Binance price of each simulated second stands in for the mid.
    const mids: number[] = [];
    for (let second = 1; second <= 600; second++) {
      const prices = market
        .tick(second * 1_000, 1_000)
        .filter((t) => t.exchange === 'binance')
        .map((t) => Number(t.price));
      mids.push(prices.reduce((a, b) => a + b, 0) / prices.length);
    }
    const steps = mids.slice(1).map((m, i) => Math.abs(Math.log(m / mids[i]!)));
    const maxStep = Math.max(...steps);
    expect(new Set(mids.map((m) => m.toFixed(2))).size).toBeGreaterThan(500);
    expect(maxStep).toBeLessThan(0.003); // 0.04 % a second of volatility, plus trade noise
    expect(steps.filter((x) => x > 0).length).toBe(steps.length);
    // A walk drifts: over ten minutes the range spans many single steps (a constant or a
    // mean-reverting noise around one level would stay within about one step).
    expect(Math.log(Math.max(...mids) / Math.min(...mids))).toBeGreaterThan(3 * maxStep);
  });
});

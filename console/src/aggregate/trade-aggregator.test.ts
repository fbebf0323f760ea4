import { meanStd } from '@coattail/stream-jobs';
import { describe, expect, it } from 'vitest';
import { ConsoleConfigError } from '../errors.js';
import { TradeAggregator, type ConsoleTrade } from './trade-aggregator.js';

const T0 = 1_800_000_000_000; // a whole minute, so windows start on it
const trade = (exchange: string, t: number, price: number, quantity: number, symbol = 'BTC-USDT'): ConsoleTrade => ({
  exchange,
  symbol,
  price,
  quantity,
  quote_volume: price * quantity,
  event_time: t,
});

describe('TradeAggregator', () => {
  it('charts the last price per second and the trailing VWAP over every exchange', () => {
    const market = new TradeAggregator({ vwapWindowMs: 2_000, spreadWindowMs: 2_000, zWindowMs: 2_000 });
    market.ingest(
      [trade('binance', T0 + 100, 100, 1), trade('coinbase', T0 + 900, 102, 3), trade('binance', T0 + 1_500, 110, 1)],
      T0 + 2_000,
    );
    const [view] = market.snapshot(T0 + 2_000).symbols;
    expect(view!.points).toEqual([
      { t: T0, price: 102, vwap: (100 + 306) / 4 },
      { t: T0 + 1_000, price: 110, vwap: (100 + 306 + 110) / 5 },
    ]);
    expect(view!.lastPrice).toBe(110);
  });

  it('drops a bucket from the VWAP once it leaves the trailing window', () => {
    const market = new TradeAggregator({ vwapWindowMs: 2_000, spreadWindowMs: 2_000, zWindowMs: 2_000 });
    market.ingest([trade('binance', T0, 100, 1), trade('binance', T0 + 2_500, 200, 1)], T0 + 3_000);
    const points = market.snapshot(T0 + 3_000).symbols[0]!.points;
    expect(points.at(-1)).toEqual({ t: T0 + 2_000, price: 200, vwap: 200 });
  });

  it("computes each complete window's cross-exchange spread as the spread job does", () => {
    const market = new TradeAggregator({ spreadWindowMs: 5_000, graceMs: 1_000 });
    market.ingest(
      [
        trade('binance', T0 + 1_000, 100, 1),
        trade('binance', T0 + 2_000, 102, 1),
        trade('coinbase', T0 + 3_000, 101.6, 2),
        // the open window: not shown yet
        trade('binance', T0 + 5_500, 100, 1),
        trade('coinbase', T0 + 5_600, 105, 1),
      ],
      T0 + 6_500,
    );
    const spreads = market.snapshot(T0 + 6_500).symbols[0]!.spreads;
    expect(spreads).toHaveLength(1);
    expect(spreads[0]!.t).toBe(T0);
    expect(spreads[0]!.high).toBe('coinbase');
    expect(spreads[0]!.low).toBe('binance');
    expect(spreads[0]!.spreadPct).toBeCloseTo(((101.6 - 101) / 101) * 100, 10);
  });

  it("scores each window's volume against the previous windows with the anomaly job's mean and deviation", () => {
    const market = new TradeAggregator({ zWindowMs: 2_000, zHistory: 5, zMinHistory: 3, graceMs: 0 });
    const volumes = [1, 2, 3, 2, 1, 2, 30];
    market.ingest(
      volumes.map((v, i) => trade('binance', T0 + i * 2_000 + 10, 100, v)),
      T0 + volumes.length * 2_000,
    );
    const z = market.snapshot(T0 + volumes.length * 2_000).symbols[0]!.zscores;
    expect(z.map((p) => p.volume)).toEqual(volumes);
    expect(z.slice(0, 3).map((p) => p.z)).toEqual([null, null, null]);
    for (let i = 3; i < volumes.length; i++) {
      const { mean, std } = meanStd(volumes.slice(Math.max(0, i - 5), i));
      expect(z[i]!.z).toBeCloseTo((volumes[i]! - mean) / std, 9);
    }
    expect(z.at(-1)!.z!).toBeGreaterThan(2.5);
  });

  it('sends the browser the same bounded charts at 20 000 trades/s as at 20 trades/s', () => {
    const sizes = [20, 20_000].map((perSecond) => {
      const market = new TradeAggregator({ spreadWindowMs: 5_000, zWindowMs: 2_000, zHistory: 1_800 });
      const seconds = 200;
      const batch: ConsoleTrade[] = [];
      for (let s = 0; s < seconds; s++) {
        for (let i = 0; i < perSecond; i++) {
          const t = T0 + s * 1_000 + Math.floor((i * 1_000) / perSecond);
          batch.push(trade(i % 2 ? 'coinbase' : 'binance', t, 100 + (i % 7), 0.5, i % 3 ? 'BTC-USDT' : 'ETH-USDT'));
        }
        market.ingest(batch.splice(0), T0 + s * 1_000 + 999);
      }
      const snapshot = market.snapshot(T0 + seconds * 1_000);
      expect(snapshot.tradesSeen.binance! + snapshot.tradesSeen.coinbase!).toBe(perSecond * seconds);
      for (const view of snapshot.symbols) expect(view.points.length).toBeLessThanOrEqual(181);
      return JSON.stringify(snapshot).length;
    });
    expect(sizes[1]!).toBeLessThan(sizes[0]! * 1.5);
  });

  it('ignores trades older than its history and trades without a price or size', () => {
    const market = new TradeAggregator();
    market.ingest(
      [trade('binance', T0 - 86_400_000, 100, 1), trade('binance', T0, Number.NaN, 1), trade('binance', T0, 100, 0)],
      T0,
    );
    expect(market.snapshot(T0).symbols).toEqual([]);
    // Still counted as arrivals: the rate is what the feed delivered.
    expect(market.snapshot(T0).tradesSeen).toEqual({ binance: 3 });
  });

  it('refuses windows that do not line up with its buckets, and says what to change', () => {
    expect(() => new TradeAggregator({ spreadWindowMs: 2_500 })).toThrow(ConsoleConfigError);
    expect(() => new TradeAggregator({ spreadWindowMs: 2_500 })).toThrow(/multiple of bucketMs/);
  });
});

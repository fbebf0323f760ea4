import { OutputTag } from '@coattail/runtime';
import { OperatorHarness } from '@coattail/runtime/testing';
import { describe, expect, it } from 'vitest';
import type { JobTrade, SpreadAlert, SpreadRecord } from '../model/records.js';
import { trade } from '../test-trades.js';
import { spreadPipeline } from './spread-calculator.js';

const options = { windowMs: 30_000, thresholdPct: 0.5, lateTag: new OutputTag<JobTrade>('late') };

function run(trades: JobTrade[]): { spreads: SpreadRecord[]; alerts: SpreadAlert[] } {
  const spreads = OperatorHarness.of<JobTrade, SpreadRecord>((s) => spreadPipeline(s, options).spreads);
  const alerts = OperatorHarness.of<JobTrade, SpreadAlert>((s) => spreadPipeline(s, options).alerts);
  for (const h of [spreads, alerts]) {
    for (const t of trades) h.processElement(t, t.event_time);
    h.processWatermark(10 * 30_000);
  }
  return { spreads: spreads.outputValues(), alerts: alerts.outputValues() };
}

describe('spread calculator', () => {
  it('computes VWAP per exchange and the spread relative to the lower VWAP', () => {
    const { spreads, alerts } = run([
      trade({ price: 100, quantity: 1, event_time: 1_000 }),
      trade({ price: 102, quantity: 1, event_time: 2_000 }), // binance VWAP 101
      trade({ exchange: 'coinbase', price: 101.5, quantity: 2, event_time: 3_000 }), // coinbase 101.5
    ]);
    expect(spreads).toHaveLength(1);
    expect(spreads[0]).toMatchObject({
      spread_id: 'spread:BTC-USDT:0',
      window_start: 0,
      window_end: 30_000,
      low_exchange: 'binance',
      low_vwap: 101,
      high_exchange: 'coinbase',
      high_vwap: 101.5,
      flagged: false,
      trades: { binance: 2, coinbase: 1 },
    });
    expect(spreads[0]!.spread_pct).toBeCloseTo((0.5 / 101) * 100, 12); // 0.495 %: under 0.5
    expect(alerts).toEqual([]);
  });

  it('flags a spread above the threshold and raises it as an alert', () => {
    const { spreads, alerts } = run([
      trade({ exchange: 'coinbase', price: 100, quantity: 1, event_time: 31_000 }),
      trade({ price: 100.6, quantity: 1, event_time: 32_000 }),
    ]);
    expect(spreads[0]).toMatchObject({
      window_start: 30_000,
      low_exchange: 'coinbase',
      high_exchange: 'binance',
      flagged: true,
    });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ alert_id: 'spread:BTC-USDT:30000', alert_type: 'SPREAD', event_time: 59_999 });
    expect(alerts[0]!.spread_pct).toBeCloseTo(0.6, 9);
  });

  it('emits nothing for a window where only one exchange traded, or for empty windows', () => {
    const { spreads } = run([
      trade({ price: 100, event_time: 1_000 }),
      trade({ exchange: 'coinbase', price: 120, event_time: 61_000 }),
    ]);
    expect(spreads).toEqual([]);
  });

  it('keeps symbols apart', () => {
    const { spreads } = run([
      trade({ price: 100, event_time: 1 }),
      trade({ symbol: 'ETH-USDT', exchange: 'coinbase', price: 200, event_time: 2 }),
    ]);
    expect(spreads).toEqual([]);
  });
});

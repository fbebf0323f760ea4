import { OperatorHarness } from '@coattail/runtime/testing';
import { describe, expect, it } from 'vitest';
import type { JobTrade, WhaleAlert } from '../model/records.js';
import { trade } from '../test-trades.js';
import { whalePipeline } from './whale-detector.js';

const options = { threshold: 100_000, recentTrades: 100, vwapWindowMs: 60_000 };
const harness = () => OperatorHarness.of<JobTrade, WhaleAlert>((s) => whalePipeline(s, options).alerts);

describe('whale detector', () => {
  it('flags quote volume strictly above the threshold: exactly 100 000 is not a whale', () => {
    const h = harness();
    h.processElement(trade({ price: 50_000, quantity: 2, event_time: 1 }), 1);
    h.processElement(trade({ price: 100_000.01, quantity: 1, event_time: 2, event_id: 'w' }), 2);
    expect(h.outputValues().map((a) => [a.alert_id, a.quote_volume])).toEqual([['whale:w', 100_000.01]]);
  });

  it('enriches the alert with the average size and the VWAP of the minute before', () => {
    const h = harness();
    h.processElement(trade({ price: 100, quantity: 10, event_time: 1_000 }), 1_000); // 1 000 quote, over a minute before the whale
    h.processElement(trade({ price: 100, quantity: 20, event_time: 50_000 }), 50_000); // 2 000
    h.processElement(trade({ price: 106, quantity: 30, event_time: 70_000 }), 70_000); // 3 180
    h.processElement(trade({ price: 110, quantity: 2_000, event_time: 80_000, side: 'sell' }), 80_000); // 220 000
    const [alert] = h.outputValues();
    expect(alert).toMatchObject({
      alert_type: 'WHALE',
      exchange: 'binance',
      side: 'sell',
      threshold: 100_000,
      event_time: 80_000,
    });
    expect(alert!.size_vs_avg).toBeCloseTo(220_000 / ((1_000 + 2_000 + 3_180) / 3), 9);
    expect(alert!.vwap_1m).toBeCloseTo((2_000 + 3_180) / 50, 9); // trades at 50 s and 70 s only
    expect(alert!.price_vs_vwap_pct).toBeCloseTo(((110 - 103.6) / 103.6) * 100, 9);
  });

  it('has no context for a first trade, and keeps context per symbol and exchange', () => {
    const h = harness();
    h.processElement(trade({ exchange: 'coinbase', price: 100, quantity: 5, event_time: 1 }), 1);
    h.processElement(trade({ price: 200_000, quantity: 1, event_time: 2 }), 2);
    expect(h.outputValues()[0]).toMatchObject({ size_vs_avg: null, vwap_1m: null, price_vs_vwap_pct: null });
  });
});

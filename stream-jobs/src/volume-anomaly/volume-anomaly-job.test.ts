import { OutputTag } from '@coattail/runtime';
import { OperatorHarness } from '@coattail/runtime/testing';
import { describe, expect, it } from 'vitest';
import type { AnomalyAlert, JobTrade, VolumeAggregate } from '../model/records.js';
import { trade } from '../test-trades.js';
import { meanStd } from './rolling-zscore.js';
import { volumeAnomalyPipeline } from './volume-anomaly-job.js';

const MIN = 60_000;
const late = new OutputTag<JobTrade>('late');
const options = { threshold: 2.5, windowMs: MIN, historyWindows: 60, minHistory: 10, lateTag: late };

function alertsFor(volumes: (number | null)[]): AnomalyAlert[] {
  const h = OperatorHarness.of<JobTrade, AnomalyAlert>((s) => volumeAnomalyPipeline(s, options).alerts);
  volumes.forEach((v, minute) => {
    if (v !== null) h.processElement(trade({ quantity: v, event_time: minute * MIN + 1_000 }), minute * MIN + 1_000);
  });
  h.processWatermark(volumes.length * MIN + MIN);
  return h.outputValues();
}

const alternating = (n: number): number[] => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : 2));

describe('volume anomaly job', () => {
  it('aggregates each 60 s window per symbol and exchange (count, volume, quote volume, VWAP, min, max)', () => {
    const h = OperatorHarness.of<JobTrade, VolumeAggregate>((s) => volumeAnomalyPipeline(s, options).aggregates);
    h.processElement(trade({ price: 100, quantity: 1, event_time: 1_000 }), 1_000);
    h.processElement(trade({ price: 110, quantity: 3, event_time: 59_999 }), 59_999);
    h.processElement(trade({ exchange: 'coinbase', price: 105, quantity: 2, event_time: 2_000 }), 2_000);
    h.processWatermark(MIN);
    expect(h.outputValues()).toEqual([
      {
        symbol: 'BTC-USDT',
        exchange: 'binance',
        window_start: 0,
        window_end: MIN,
        trade_count: 2,
        total_volume: 4,
        total_quote_volume: 430,
        vwap: 107.5,
        min_price: 100,
        max_price: 110,
      },
      {
        symbol: 'BTC-USDT',
        exchange: 'coinbase',
        window_start: 0,
        window_end: MIN,
        trade_count: 1,
        total_volume: 2,
        total_quote_volume: 210,
        vwap: 105,
        min_price: 105,
        max_price: 105,
      },
    ]);
  });

  it('alerts exactly once when a window\u2019s z-score reaches the threshold (2.5 is an anomaly)', () => {
    // History 1,2,1,2,… : mean 1.5, standard deviation 0.5, so 2.75 is z = 2.5 exactly.
    const alerts = alertsFor([...alternating(12), 2.75, 1, 2, 1]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      alert_id: 'volume-anomaly:BTC-USDT:binance:720000',
      alert_type: 'VOLUME_ANOMALY',
      window_start: 12 * MIN,
      volume: 2.75,
      mean_volume: 1.5,
      stddev_volume: 0.5,
      z_score: 2.5,
      history_minutes: 12,
    });
  });

  it('does not alert just below the threshold, nor for a drop that is within it', () => {
    expect(alertsFor([...alternating(12), 2.74])).toEqual([]);
    expect(alertsFor([...alternating(12), 0.26])).toEqual([]);
    expect(alertsFor([...alternating(12), 0.25])[0]?.z_score).toBe(-2.5);
  });

  it('counts minutes without trades as zero volume in the history', () => {
    const alerts = alertsFor([
      ...Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? 1 : 3)),
      null,
      null,
      null,
      null,
      null,
      10,
    ]);
    const expected = meanStd([1, 3, 1, 3, 1, 3, 1, 3, 1, 3, 0, 0, 0, 0, 0]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ history_minutes: 15, mean_volume: expected.mean, stddev_volume: expected.std });
  });

  it('waits for ten minutes of history, and never alerts on a flat history', () => {
    expect(alertsFor([...alternating(9), 50])).toEqual([]);
    expect(alertsFor([...Array<number>(20).fill(1), 50])).toEqual([]);
  });

  it('keeps one hour of history', () => {
    // A spike 61 minutes ago has left the hour: a repeat of it is an anomaly again.
    const alerts = alertsFor([...alternating(12), 40, ...alternating(60), 40]);
    expect(alerts.map((a) => a.window_start / MIN)).toEqual([12, 73]);
    expect(alerts[1]!.history_minutes).toBe(60);
  });

  it('sends trades too late for their window to the late output', () => {
    const h = OperatorHarness.of<JobTrade, JobTrade>((s) => volumeAnomalyPipeline(s, options).late, {
      sideOutputs: [],
    });
    h.processElement(trade({ event_time: 1_000 }), 1_000).processWatermark(2 * MIN);
    h.processElement(trade({ event_time: 30_000, event_id: 'late-one' }), 30_000);
    expect(h.outputValues().map((t) => t.event_id)).toEqual(['late-one']);
  });
});

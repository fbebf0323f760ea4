import { ManualClock } from '@coattail/runtime';
import { describe, expect, it } from 'vitest';
import { DataQualityChecker } from './data-quality-checker.js';
import { emfQualityPublisher } from './quality-metrics-publisher.js';
import { tradeChecks, type RawTradeRecord } from './trade-checks.js';

const NOW = 1_700_000_000_000;
const trade = (over: Partial<Record<keyof RawTradeRecord, unknown>> = {}): RawTradeRecord => ({
  event_id: 'binance:BTC-USDT:1',
  exchange: 'binance',
  symbol: 'BTC-USDT',
  price: 100_000,
  quantity: 0.5,
  quote_volume: 50_000,
  event_time: NOW - 1_000,
  ...over,
});

function checker(): DataQualityChecker<RawTradeRecord> {
  const c = new DataQualityChecker<RawTradeRecord>(new ManualClock(NOW));
  for (const check of tradeChecks()) c.addCheck(check);
  return c;
}

describe('DataQualityChecker with the trade checks', () => {
  it('registers exactly the eleven trade checks with their severities', () => {
    expect(checker().checks).toEqual([
      ...[
        'completeness_event_id',
        'completeness_symbol',
        'completeness_price',
        'completeness_quantity',
        'completeness_timestamp',
        'validity_price_positive',
        'validity_quantity_positive',
        'validity_symbol_allowed',
        'validity_exchange_allowed',
      ].map((name) => ({ name, severity: 'ERROR' })),
      { name: 'timeliness_recent', severity: 'WARN' },
      { name: 'consistency_quote_volume', severity: 'WARN' },
    ]);
  });

  it('passes a clean batch through as the same array, with a perfect score', () => {
    const batch = [trade(), trade({ event_id: 'b' })];
    const result = checker().validate(batch);
    expect(result.valid).toBe(batch);
    expect(result.invalid).toEqual([]);
    expect(result.metrics).toMatchObject({
      RecordsProcessed: 2,
      RecordsPassed: 2,
      RecordsFailed: 0,
      RecordsLate: 0,
      QualityScore: 100,
    });
  });

  it('names every ERROR rule a record fails, and keeps order for the valid ones', () => {
    const bad = trade({ price: null, quantity: -1, symbol: 'DOGE-USDT' });
    const batch = [trade({ event_id: 'a' }), bad, trade({ event_id: 'c' })];
    const result = checker().validate(batch);
    expect(result.valid.map((r) => r.event_id)).toEqual(['a', 'c']);
    expect(result.invalid).toEqual([
      {
        record: bad,
        failed: [
          'completeness_price',
          'validity_price_positive',
          'validity_quantity_positive',
          'validity_symbol_allowed',
        ],
        warnings: ['consistency_quote_volume'],
      },
    ]);
    expect(result.metrics.QualityScore).toBeCloseTo(66.667, 2);
    expect(result.metrics.failuresByCheck).toMatchObject({ completeness_price: 1, validity_symbol_allowed: 1 });
  });

  it('treats missing and null fields as incomplete', () => {
    const result = checker().validate([{ exchange: 'binance' }]);
    expect(result.invalid[0]!.failed.slice(0, 5)).toEqual([
      'completeness_event_id',
      'completeness_symbol',
      'completeness_price',
      'completeness_quantity',
      'completeness_timestamp',
    ]);
  });

  it('lets WARN failures pass, counting stale records as late', () => {
    const stale = trade({ event_time: NOW - 300_001 });
    const inconsistent = trade({ quote_volume: 50_100 }); // 0.2 % off
    const result = checker().validate([stale, inconsistent, trade({ quote_volume: 50_040 })]); // 0.08 %: fine
    expect(result.valid).toHaveLength(3);
    expect(result.warned.map((w) => w.warnings)).toEqual([['timeliness_recent'], ['consistency_quote_volume']]);
    expect(result.metrics).toMatchObject({ RecordsPassed: 3, RecordsFailed: 0, RecordsLate: 1 });
  });

  it('takes allowed sets and thresholds from configuration', () => {
    const c = new DataQualityChecker<RawTradeRecord>(new ManualClock(NOW));
    for (const check of tradeChecks({ allowedSymbols: ['DOGE-USDT'], allowedExchanges: ['kraken'], maxAgeMs: 10 }))
      c.addCheck(check);
    const result = c.validate([trade({ symbol: 'DOGE-USDT', exchange: 'kraken' })]);
    expect(result.invalid).toEqual([]);
    expect(result.warned[0]!.warnings).toEqual(['timeliness_recent']);
  });

  it('inspects one record: nothing for a clean one, the failed rules otherwise', () => {
    expect(checker().inspect(trade())).toBeUndefined();
    expect(checker().inspect(trade({ symbol: 'DOGE-USDT', event_time: NOW - 600_000 }))).toEqual({
      failed: ['validity_symbol_allowed'],
      warnings: ['timeliness_recent'],
    });
  });

  it('scores an empty batch 100 and refuses duplicate check names', () => {
    expect(checker().validate([]).metrics).toMatchObject({ RecordsProcessed: 0, QualityScore: 100 });
    expect(() => checker().addCheck({ name: 'completeness_symbol', check: () => true })).toThrow(/already registered/);
  });
});

describe('emfQualityPublisher', () => {
  it('writes CloudWatch embedded-metric events in the CryptoPulse/Quality namespace, per job and per check', async () => {
    const lines: string[] = [];
    const result = checker().validate([trade(), trade({ price: 0 })]);
    await emfQualityPublisher({ write: (line) => lines.push(line) }).publish('whales', result.metrics);
    const events = lines.map(
      (l) =>
        JSON.parse(l) as {
          _aws: {
            CloudWatchMetrics: {
              Namespace: string;
              Dimensions: string[][];
              Metrics: { Name: string; Unit: string }[];
            }[];
          };
        } & Record<string, unknown>,
    );
    const perJob = events.find((e) => e.Check === undefined)!;
    expect(perJob._aws.CloudWatchMetrics[0]!.Namespace).toBe('CryptoPulse/Quality');
    expect(perJob._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['Job']]);
    expect(perJob).toMatchObject({
      Job: 'whales',
      RecordsProcessed: 2,
      RecordsPassed: 1,
      RecordsFailed: 1,
      RecordsLate: 0,
      QualityScore: 50,
    });
    expect(perJob._aws.CloudWatchMetrics[0]!.Metrics.find((m) => m.Name === 'QualityScore')!.Unit).toBe('Percent');
    const perCheck = events.find((e) => e.Check === 'validity_price_positive')!;
    expect(perCheck).toMatchObject({ Job: 'whales', RecordsFailed: 1 });
  });
});

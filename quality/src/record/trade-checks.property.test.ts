import fc from 'fast-check';
import { ManualClock } from '@coattail/runtime';
import { describe, expect, it } from 'vitest';
import { DataQualityChecker } from './data-quality-checker.js';
import { tradeCheckSuite, type RawTradeRecord } from './trade-checks.js';

const NOW = 1_700_000_000_000;
const anyValue = fc.oneof(
  fc.constantFrom(
    null,
    undefined,
    '',
    0,
    -1,
    Number.NaN,
    Infinity,
    -Infinity,
    'BTC-USDT',
    'binance',
    'coinbase',
    'DOGE-USDT',
  ),
  fc.double(),
  fc.integer({ min: NOW - 400_000, max: NOW + 1_000 }),
  fc.string(),
);
const plausible = fc.record({
  event_id: fc.oneof(fc.string(), anyValue),
  exchange: fc.oneof(fc.constantFrom('binance', 'coinbase'), anyValue),
  symbol: fc.oneof(fc.constantFrom('BTC-USDT', 'ETH-USDT', 'SOL-USDT'), anyValue),
  price: fc.oneof(fc.double({ min: 0.0001, max: 1e6, noNaN: true }), anyValue),
  quantity: fc.oneof(fc.double({ min: 0.0001, max: 1e3, noNaN: true }), anyValue),
  quote_volume: fc.oneof(fc.double({ min: 0.0001, max: 1e9, noNaN: true }), anyValue),
  event_time: fc.oneof(fc.integer({ min: NOW - 400_000, max: NOW }), anyValue),
});
// Half the time make quote_volume consistent, so the fused path's true branch is exercised.
const records = fc
  .tuple(plausible, fc.boolean())
  .map(([r, fix]) =>
    fix && typeof r.price === 'number' && typeof r.quantity === 'number'
      ? { ...r, quote_volume: r.price * r.quantity }
      : r,
  ) as fc.Arbitrary<RawTradeRecord>;

describe('tradeCheckSuite', () => {
  it('fuses the eleven checks exactly: passesAll is true iff every check passes', () => {
    const suite = tradeCheckSuite();
    const context = { now: NOW };
    fc.assert(
      fc.property(records, (r) => {
        expect(suite.passesAll(r, context)).toBe(suite.checks.every((c) => c.check(r, context)));
      }),
      { numRuns: 5_000 },
    );
  });

  it('gives the same verdicts through the fused path as through the checks one by one', () => {
    const fused = new DataQualityChecker<RawTradeRecord>(new ManualClock(NOW)).addSuite(tradeCheckSuite());
    const single = new DataQualityChecker<RawTradeRecord>(new ManualClock(NOW));
    for (const c of tradeCheckSuite().checks) single.addCheck(c);
    fc.assert(
      fc.property(fc.array(records, { maxLength: 30 }), (batch) => {
        expect(fused.validate(batch)).toEqual(single.validate(batch));
      }),
      { numRuns: 500 },
    );
  });
});

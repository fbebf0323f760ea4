import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuck, tradesQuery, type DuckFixture } from '../../test/duck.js';
import { evaluateGate } from './evaluate-gate.js';
import type { GateRuleInput } from './gate-config.js';

let duck: DuckFixture;
let trades: string;
const start = Date.UTC(2026, 0, 1);

beforeAll(async () => {
  duck = await openDuck();
  trades = await duck.write('trades.parquet', tradesQuery(100, start));
});
afterAll(() => duck.close());

async function check(rule: GateRuleInput, path = trades, now = start) {
  const result = await evaluateGate(
    duck.connection,
    { name: 'g', action: 'warn', rules: [rule] },
    { format: 'parquet', paths: [path] },
    { now },
  );
  return result.rules[0]!;
}

describe('gate rules', () => {
  it('bounds numbers, ISO timestamps and text, on both sides', async () => {
    expect(await check({ type: 'bounds', column: 'price', min: 100, max: 149 })).toMatchObject({ passed: true });
    expect(await check({ type: 'bounds', column: 'price', max: 139 })).toMatchObject({ failedCount: 20 });
    expect(
      await check({ type: 'bounds', column: 'event_time', min: '2026-01-01T00:00:10Z', max: '2026-01-01T00:01:00Z' }),
    ).toMatchObject({ failedCount: 10 + 39 });
    expect(await check({ type: 'bounds', column: 'symbol', min: 'BTC', max: 'C' })).toMatchObject({ failedCount: 34 });
  });

  it('allows listed values, compared as numbers on number columns and as text otherwise', async () => {
    expect(await check({ type: 'allowed_values', column: 'side', values: ['buy', 'sell'] })).toMatchObject({
      passed: true,
      expected: 'side in [buy, sell]',
    });
    expect(await check({ type: 'allowed_values', column: 'side', values: ['buy'] })).toMatchObject({ failedCount: 50 });
    expect(await check({ type: 'allowed_values', column: 'price', values: [100, 101] })).toMatchObject({
      failedCount: 96,
    });
    expect(await check({ type: 'allowed_values', column: 'price', values: ['100.0', 101] })).toMatchObject({
      failedCount: 98,
    });
  });

  it('matches a regular expression against the whole value', async () => {
    expect(await check({ type: 'regex', column: 'event_id', pattern: 'binance:[A-Z]+-USDT:\\d+' })).toMatchObject({
      passed: true,
      expected: 'event_id matches binance:[A-Z]+-USDT:\\d+',
    });
    expect(await check({ type: 'regex', column: 'event_id', pattern: 'binance:[A-Z]+-USDT:\\d' })).toMatchObject({
      failedCount: 90,
    });
  });

  it('holds rows to a custom SQL predicate, a NULL outcome counting as broken', async () => {
    expect(await check({ type: 'sql', predicate: 'abs(quote_volume - price * quantity) < 1e-9' })).toMatchObject({
      id: 'sql(abs(quote_volume - price * quantity) < 1e-9)',
      passed: true,
    });
    expect(await check({ id: 'nulls', type: 'sql', predicate: 'NULL' })).toMatchObject({
      id: 'nulls',
      failedCount: 100,
    });
  });

  it('expects a row count within a range', async () => {
    expect(await check({ type: 'row_count', min: 100, max: 100 })).toMatchObject({ passed: true, observed: 100 });
    expect(await check({ type: 'row_count', min: 101 })).toMatchObject({
      passed: false,
      message: '100 rows, expected 101 ≤ rows',
    });
    expect(await check({ type: 'row_count', max: 10 })).toMatchObject({ expected: '0 ≤ rows ≤ 10' });
  });

  it('judges freshness from a timestamp column or epoch milliseconds', async () => {
    const newest = start + 99_000;
    expect(
      await check({ type: 'freshness', column: 'event_time', maxAgeMs: 60_000 }, trades, newest + 60_000),
    ).toMatchObject({
      passed: true,
      observed: 60_000,
    });
    expect(
      await check({ type: 'freshness', column: 'event_time_ms', maxAgeMs: 60_000 }, trades, newest + 60_001),
    ).toMatchObject({ passed: false, message: "stale: newest 'event_time_ms' is 60001 ms old, allowed 60000 ms" });
    const empty = await duck.write('no-times.parquet', 'SELECT NULL::TIMESTAMP AS t FROM range(3)');
    expect(await check({ type: 'freshness', column: 't', maxAgeMs: 1 }, empty)).toMatchObject({
      passed: false,
      observed: 'no values',
    });
  });

  it('compares the schema: missing, mistyped and undeclared columns', async () => {
    expect(
      await check({
        type: 'schema',
        columns: [
          { name: 'price', type: 'number' },
          { name: 'event_time', type: 'timestamp' },
        ],
      }),
    ).toMatchObject({ passed: true, message: 'schema matches' });
    const result = await check({
      type: 'schema',
      additionalColumns: false,
      columns: [
        { name: 'price', type: 'integer' },
        { name: 'venue', type: 'string' },
        { name: 'symbol', type: 'string' },
      ],
    });
    expect(result.passed).toBe(false);
    expect(result.message).toBe(
      "schema differs: column 'price' is DECIMAL(21,1), expected integer; column 'venue' is missing; undeclared column(s): " +
        'event_id, exchange, side, quantity, quote_volume, event_time_ms, event_time',
    );
    const kinds = await duck.write(
      'kinds.parquet',
      `SELECT true AS b, DATE '2026-01-01' AS d, 1::INTEGER AS n, '1' AS s`,
    );
    expect(
      await check(
        {
          type: 'schema',
          additionalColumns: false,
          columns: [
            { name: 'b', type: 'boolean' },
            { name: 'd', type: 'date' },
            { name: 'n', type: 'integer' },
            { name: 's', type: 'integer' },
          ],
        },
        kinds,
      ),
    ).toMatchObject({ passed: true });
  });

  it('compiles the file-quality schema definition into rules', async () => {
    const result = await evaluateGate(
      duck.connection,
      {
        name: 'defined',
        action: 'warn',
        definition: {
          columns: [
            { name: 'event_id', type: 'string', required: true, pattern: 'binance:.*', unique: true },
            { name: 'price', type: 'number', min: '100', max: 120 },
            { name: 'event_time', type: 'timestamp', min: '2026-01-01T00:00:00Z' },
            { name: 'side', allowedValues: ['buy', 'sell'] },
          ],
          primaryKey: ['exchange', 'event_id'],
        },
      },
      { format: 'parquet', paths: [trades] },
    );
    expect(result.rules.map((r) => [r.id, r.passed])).toEqual([
      ['schema', true],
      ['not_null(event_id)', true],
      ['regex(event_id)', true],
      ['bounds(price)', false],
      ['bounds(event_time)', true],
      ['allowed_values(side)', true],
      ['unique(exchange,event_id)', true],
      ['unique(event_id)', true],
    ]);
    const empty = await evaluateGate(
      duck.connection,
      { name: 'nothing', definition: {} },
      { format: 'parquet', paths: [trades] },
    );
    expect(empty).toMatchObject({ status: 'passed', rules: [] });
  });
});

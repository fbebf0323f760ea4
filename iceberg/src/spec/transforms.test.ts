import { describe, expect, it } from 'vitest';
import { applyTransform, parseTransform, partitionValueToPath } from './transforms.js';
import { compareValues, fromBinary, toBinary } from './values.js';

const micros = (iso: string): bigint => BigInt(Date.parse(iso)) * 1000n;

describe('partition transforms', () => {
  it('buckets values with the spec hash, dropping the sign bit', () => {
    // spec: hash(34) = 2017239379 → 2017239379 % 16 = 3
    expect(applyTransform(parseTransform('bucket[16]'), 'long', 34n)).toBe(2017239379 % 16);
    expect(applyTransform(parseTransform('bucket[16]'), 'int', 34)).toBe(2017239379 % 16);
    // hash('iceberg') = 1210000089
    expect(applyTransform(parseTransform('bucket[100]'), 'string', 'iceberg')).toBe(1210000089 % 100);
    // negative hash: 2017-11-16T22:31:08 → -2047944441
    expect(applyTransform(parseTransform('bucket[7]'), 'timestamptz', micros('2017-11-16T22:31:08Z'))).toBe(
      (-2047944441 & 0x7fffffff) % 7,
    );
  });

  it('truncates with positive remainders and by code points', () => {
    const t = parseTransform('truncate[10]');
    expect(applyTransform(t, 'int', 1)).toBe(0);
    expect(applyTransform(t, 'int', -1)).toBe(-10);
    expect(applyTransform(t, 'long', -1n)).toBe(-10n);
    expect(applyTransform(parseTransform('truncate[3]'), 'string', 'iceberg')).toBe('ice');
    expect(applyTransform(parseTransform('truncate[2]'), 'string', '😀😁😂')).toBe('😀😁');
    expect(applyTransform(parseTransform('truncate[50]'), 'decimal(9,2)', 1065n)).toBe(1050n);
  });

  it('derives day, hour, month and year ordinals from microsecond timestamps, before 1970 too', () => {
    const ts = micros('2026-11-21T13:45:00.123Z') + 456n;
    expect(applyTransform(parseTransform('day'), 'timestamptz', ts)).toBe(Date.UTC(2026, 10, 21) / 86_400_000);
    expect(applyTransform(parseTransform('hour'), 'timestamptz', ts)).toBe(Date.UTC(2026, 10, 21, 13) / 3_600_000);
    expect(applyTransform(parseTransform('month'), 'timestamptz', ts)).toBe((2026 - 1970) * 12 + 10);
    expect(applyTransform(parseTransform('year'), 'timestamptz', ts)).toBe(56);
    expect(applyTransform(parseTransform('day'), 'timestamp', -1n)).toBe(-1);
    expect(applyTransform(parseTransform('hour'), 'timestamp', -1n)).toBe(-1);
  });

  it('renders partition values in paths the way Java does', () => {
    expect(partitionValueToPath(parseTransform('day'), 20_778)).toBe('2026-11-21');
    expect(partitionValueToPath(parseTransform('hour'), 498_685)).toBe('2026-11-21-13');
    expect(partitionValueToPath(parseTransform('identity'), 'BTC/USDT')).toBe('BTC%2FUSDT');
  });

  it('returns null for null input and keeps unknown transforms parseable', () => {
    expect(applyTransform(parseTransform('bucket[4]'), 'long', null)).toBeNull();
    expect(parseTransform('zorder')).toEqual({ kind: 'unknown', text: 'zorder' });
  });
});

describe('binary single-value serialization', () => {
  it('round-trips every primitive type', () => {
    const cases: [string, unknown][] = [
      ['boolean', true],
      ['int', -42],
      ['long', -(2n ** 62n)],
      ['double', 1.5],
      ['float', 0.5],
      ['date', 20_778],
      ['timestamptz', 1_763_733_000_123_456n],
      ['string', 'Überweisung 😀'],
      ['uuid', 'f79c3e09-677c-4bbd-a479-3f349cb785e7'],
      ['decimal(9,2)', -1065n],
      ['binary', Uint8Array.of(0, 255)],
    ];
    for (const [type, value] of cases) expect(fromBinary(type, toBinary(type, value as never))).toEqual(value);
  });

  it('writes ints and longs little-endian and decimals as minimal big-endian two’s complement', () => {
    expect([...toBinary('int', 1)]).toEqual([1, 0, 0, 0]);
    expect([...toBinary('long', 1n)]).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect([...toBinary('decimal(9,2)', 1420n)]).toEqual([0x05, 0x8c]);
    expect([...toBinary('decimal(9,2)', -1n)]).toEqual([0xff]);
    expect([...toBinary('decimal(9,2)', 128n)]).toEqual([0x00, 0x80]);
  });

  it('orders -0.0 before +0.0 and strings by code point', () => {
    expect(compareValues(-0, 0)).toBeLessThan(0);
    expect(compareValues(0, -0)).toBeGreaterThan(0);
    expect(compareValues('\uffff', '😀')).toBeLessThan(0);
    expect(compareValues('😀', '\uffff')).toBeGreaterThan(0);
    expect(compareValues('ab', 'abc')).toBeLessThan(0);
    expect(compareValues('😀a', '😀b')).toBeLessThan(0);
  });
});

describe('column metrics', () => {
  it('bounds floats with -0.0 below +0.0 and skips NaN and nulls', async () => {
    const { computeMetrics } = await import('../data/column-stats.js');
    const m = computeMetrics([{ id: 1, name: 'x', required: false, type: 'double' }], [[0, -0, Number.NaN, null, 2]]);
    expect(Object.is(fromBinary('double', m.lowerBounds.get(1)!), -0)).toBe(true);
    expect(fromBinary('double', m.upperBounds.get(1)!)).toBe(2);
    expect([m.nullValueCounts.get(1), m.nanValueCounts.get(1), m.valueCounts.get(1)]).toEqual([1, 1, 5]);
  });

  it('truncates string bounds to 16 code points and rounds the upper bound up', async () => {
    const { computeMetrics } = await import('../data/column-stats.js');
    const long = 'abcdefghijklmnopqrstuvwxyz';
    const m = computeMetrics([{ id: 1, name: 's', required: false, type: 'string' }], [[long, 'b']]);
    expect(fromBinary('string', m.lowerBounds.get(1)!)).toBe('abcdefghijklmnop');
    expect(fromBinary('string', m.upperBounds.get(1)!)).toBe('b');
    const m2 = computeMetrics([{ id: 1, name: 's', required: false, type: 'string' }], [[long]]);
    expect(fromBinary('string', m2.upperBounds.get(1)!)).toBe('abcdefghijklmnoq');
  });
});

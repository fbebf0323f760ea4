import { describe, expect, it } from 'vitest';
import { emfDocument } from './emf.js';

interface EmfLine {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
  };
  [field: string]: unknown;
}

describe('emfDocument', () => {
  it('writes one CloudWatch embedded-metric line: directive, dimension values, metric values and properties', () => {
    const line = emfDocument({
      namespace: 'CoatTail/Test',
      timestamp: 1_700_000_000_000,
      dimensions: { Job: 'whales', Check: 'price' },
      dimensionSets: [['Job'], ['Job', 'Check']],
      metrics: [
        { name: 'RecordsFailed', value: 3, unit: 'Count' },
        { name: 'LagMs', value: 12.5, unit: 'Milliseconds', storageResolution: 1 },
      ],
      properties: { key: 'raw/a.json' },
    });
    expect(line).not.toContain('\n');
    const doc = JSON.parse(line) as EmfLine;
    expect(doc._aws).toEqual({
      Timestamp: 1_700_000_000_000,
      CloudWatchMetrics: [
        {
          Namespace: 'CoatTail/Test',
          Dimensions: [['Job'], ['Job', 'Check']],
          Metrics: [
            { Name: 'RecordsFailed', Unit: 'Count' },
            { Name: 'LagMs', Unit: 'Milliseconds', StorageResolution: 1 },
          ],
        },
      ],
    });
    expect(doc).toMatchObject({ Job: 'whales', Check: 'price', RecordsFailed: 3, LagMs: 12.5, key: 'raw/a.json' });
  });

  it('publishes every dimension as one set when no sets are named', () => {
    const doc = JSON.parse(
      emfDocument({ namespace: 'N', dimensions: { a: '1', b: '2' }, metrics: [{ name: 'm', value: 1 }] }),
    ) as EmfLine;
    expect(doc._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['a', 'b']]);
    expect(doc._aws.CloudWatchMetrics[0]!.Metrics).toEqual([{ Name: 'm', Unit: 'None' }]);
  });

  it('refuses documents CloudWatch would drop, saying what is wrong', () => {
    const one = [{ name: 'm', value: 1 }];
    expect(() => emfDocument({ namespace: ' ', metrics: one })).toThrow(/namespace/);
    expect(() => emfDocument({ namespace: 'N', metrics: [] })).toThrow(/1 to 100 metrics, not 0/);
    const many = Array.from({ length: 101 }, (_, i) => ({ name: `m${i}`, value: i }));
    expect(() => emfDocument({ namespace: 'N', metrics: many })).toThrow(/not 101/);
    expect(() => emfDocument({ namespace: 'N', dimensionSets: [['Job']], metrics: one })).toThrow(/'Job' has no value/);
    expect(() => emfDocument({ namespace: 'N', metrics: [{ name: 'm', value: Number.NaN }] })).toThrow(/finite/);
    expect(() => emfDocument({ namespace: 'N', dimensions: { m: 'x' }, metrics: one })).toThrow(/collides/);
    const wide = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`d${i}`, 'v']));
    expect(() => emfDocument({ namespace: 'N', dimensions: wide, metrics: one })).toThrow(/at most 30/);
  });
});

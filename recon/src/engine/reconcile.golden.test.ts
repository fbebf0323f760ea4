import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReconConfig } from '../config/load-config.js';
import { expectedAggregates } from '../generator/golden-aggregates.js';
import { generateGoldenDataset, type GoldenDataset } from '../generator/generate-golden.js';
import type { ReconResult } from '../result/types.js';
import { reconcile } from './reconcile.js';

describe('reconcile on the golden dataset (20 000 rows, 1 % per induced kind)', () => {
  let dir: string;
  let golden: GoldenDataset;
  let result: ReconResult;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recon-golden-'));
    golden = await generateGoldenDataset({ dir, rows: 20_000, rate: 0.01, engine: { threads: 2 } });
    result = await reconcile(await loadReconConfig(golden.configPath));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('induces every kind at least once', () => {
    for (const [kind, count] of Object.entries(golden.expected.induced)) expect(count, kind).toBeGreaterThan(0);
  });

  it('counts rows on both sides exactly', () => {
    expect({ source: result.rowCount.source, target: result.rowCount.target }).toEqual(golden.expected.rowCount);
    expect(result.rowCount.status).toBe(
      golden.expected.rowCount.source === golden.expected.rowCount.target ? 'PASS' : 'FAIL',
    );
  });

  it('reports the missing column, the extra column and both kinds of type change', () => {
    const { missingInTarget, extraInTarget, typeWarnings, typeFailures } = result.schema;
    expect({ missingInTarget, extraInTarget, typeWarnings, typeFailures }).toEqual(golden.expected.schema);
  });

  it('finds orphans on both sides and duplicate keys on both sides', () => {
    const k = result.keys;
    expect({
      sourceOnly: k.sourceOnly,
      targetOnly: k.targetOnly,
      duplicateKeysSource: k.duplicateKeysSource,
      duplicateRowsSource: k.duplicateRowsSource,
      duplicateKeysTarget: k.duplicateKeysTarget,
      duplicateRowsTarget: k.duplicateRowsTarget,
      exactDuplicateKeysTarget: k.exactDuplicateKeysTarget,
      conflictingDuplicateKeysTarget: k.conflictingDuplicateKeysTarget,
      pairedKeys: k.pairedKeys,
    }).toEqual(golden.expected.keys);
  });

  it('attributes every changed cell to its column and tolerates noise, case, blanks and sub-precision time', () => {
    expect(result.hash.mismatchedRows).toBe(golden.expected.hash.mismatchedRows);
    expect(result.hash.toleratedRows).toBe(golden.expected.hash.toleratedRows);
    expect(Object.fromEntries(result.hash.byColumn.map((c) => [c.column, c.mismatches]))).toEqual(
      golden.expected.hash.byColumn,
    );
  });

  it.each(['exclude', 'all'] as const)(
    'compares the rows of exact and conflicting replays as duplicates: %s says',
    async (duplicates) => {
      const config = await loadReconConfig(golden.configPath);
      const other = await reconcile({ ...config, duplicates });
      expect(other.hash.mismatchedRows).toBe(golden.expected.hash.mismatchedRowsByPolicy[duplicates]);
      expect(other.keys.conflictingDuplicateKeysTarget).toBe(golden.expected.keys.conflictingDuplicateKeysTarget);
    },
  );

  it('profiles nulls per column, including injected nulls, with delta and percentages', () => {
    const { rowCount, nulls } = golden.expected;
    // Percentages are of each side's row count (duplicates and orphans included), 0–100.
    const expected = (column: string, source: number, target: number) => ({
      column,
      status: source === target ? 'PASS' : 'FAIL',
      sourceNulls: source,
      targetNulls: target,
      sourceNullPct: (100 * source) / rowCount.source,
      targetNullPct: (100 * target) / rowCount.target,
      delta: target - source,
      deltaPctPoints: (100 * target) / rowCount.target - (100 * source) / rowCount.source,
    });
    expect(result.nulls.columns).toEqual(
      result.nulls.columns.map((c) => {
        const n = nulls[c.column] ?? { source: 0, target: 0 };
        return expected(c.column, n.source, n.target);
      }),
    );
    expect(result.nulls.columns.map((c) => c.column)).toEqual(expect.arrayContaining(['quantity', 'note']));
    expect(result.nulls.columns.find((c) => c.column === 'quantity')?.status).toBe('FAIL');
  });

  it('computes the match rate over the union of keys and does not reconcile', () => {
    expect(result.matchRate).toBeCloseTo(golden.expected.matchRate, 9);
    expect(result.reconciled).toBe(false);
  });

  it('compares sum, min, max and avg of every numeric column with the expected status and difference', () => {
    const expected = expectedAggregates(golden.expected.rows, golden.expected.rate);
    const relTolerance: Record<string, number> = { price: 1e-9 }; // goldenConfig; absolute is 0
    const near = (actual: number | null, want: number): void =>
      expect(Math.abs((actual ?? NaN) - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
    const statuses: Record<string, string> = {};
    for (const row of result.aggregates.rows) {
      const e = expected[row.column as keyof typeof expected];
      const [s, t] = [e.source[row.metric], e.target[row.metric]];
      near(row.source, s);
      near(row.target, t);
      near(row.difference, t - s);
      const allowed =
        (relTolerance[row.column] ?? 0) * Math.abs(t) +
        (row.metric === 'sum' || row.metric === 'avg' ? 1e-9 * Math.max(Math.abs(s), Math.abs(t)) : 0);
      // Every expected difference is either none or far outside the tolerance: no coin flips.
      expect(t === s || Math.abs(t - s) > 10 * allowed, `${row.column}.${row.metric}`).toBe(true);
      expect(row.status, `${row.column}.${row.metric}`).toBe(Math.abs(t - s) <= allowed ? 'PASS' : 'FAIL');
      statuses[`${row.column}.${row.metric}`] = row.status;
    }
    // What that derivation gives, spelled out: every column with induced value changes fails its
    // sum and avg; min/max fail only where a changed or orphaned row held the extreme (id 0, the
    // smallest quote_volume, is missing in the target). trade_count has no value changes, but the
    // replayed rows add to its sum and shift its average; its extremes are unchanged.
    const fail = (c: string, ...m: string[]) =>
      Object.fromEntries(['sum', 'min', 'max', 'avg'].map((x) => [`${c}.${x}`, m.includes(x) ? 'FAIL' : 'PASS']));
    expect(statuses).toEqual({
      ...fail('price', 'sum', 'max', 'avg'),
      ...fail('quantity', 'sum', 'avg'),
      ...fail('quote_volume', 'sum', 'min', 'max', 'avg'),
      ...fail('trade_count', 'sum', 'avg'),
    });
    expect(result.aggregates.status).toBe('FAIL');
  });

  it('finds the same when the inputs are materialized first (engine.cache: always)', async () => {
    const config = await loadReconConfig(golden.configPath);
    const cached = await reconcile({ ...config, engine: { ...config.engine, cache: 'always' } });
    expect(cached.keys).toEqual(result.keys);
    expect(cached.hash).toEqual(result.hash);
    expect(cached.nulls).toEqual(result.nulls);
  });
});

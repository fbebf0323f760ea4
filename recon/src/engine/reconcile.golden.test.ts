import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReconConfig } from '../config/load-config.js';
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
    expect(result.rowCount.status).toBe(golden.expected.rowCount.source === golden.expected.rowCount.target ? 'PASS' : 'FAIL');
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
      pairedKeys: k.pairedKeys,
    }).toEqual(golden.expected.keys);
  });

  it('attributes every changed cell to its column and tolerates noise, case, blanks and sub-precision time', () => {
    expect(result.hash.mismatchedRows).toBe(golden.expected.hash.mismatchedRows);
    expect(result.hash.toleratedRows).toBe(golden.expected.hash.toleratedRows);
    expect(Object.fromEntries(result.hash.byColumn.map((c) => [c.column, c.mismatches]))).toEqual(golden.expected.hash.byColumn);
  });

  it('profiles nulls per column, including injected nulls', () => {
    const byColumn = Object.fromEntries(result.nulls.columns.map((c) => [c.column, { source: c.sourceNulls, target: c.targetNulls }]));
    expect(byColumn.quantity).toEqual(golden.expected.nulls.quantity);
    expect(byColumn.note).toEqual(golden.expected.nulls.note);
    expect(result.nulls.columns.find((c) => c.column === 'quantity')?.status).toBe('FAIL');
  });

  it('computes the match rate over the union of keys and does not reconcile', () => {
    expect(result.matchRate).toBeCloseTo(golden.expected.matchRate, 9);
    expect(result.reconciled).toBe(false);
  });

  it('compares sum, min, max and avg of every numeric column', () => {
    const columns = new Set(result.aggregates.rows.map((a) => a.column));
    expect([...columns].sort()).toEqual(['price', 'quantity', 'quote_volume', 'trade_count']);
    expect(result.aggregates.rows).toHaveLength(16);
  });

  it('finds the same when the inputs are materialized first (engine.cache: always)', async () => {
    const config = await loadReconConfig(golden.configPath);
    const cached = await reconcile({ ...config, engine: { ...config.engine, cache: 'always' } });
    expect(cached.keys).toEqual(result.keys);
    expect(cached.hash).toEqual(result.hash);
    expect(cached.nulls).toEqual(result.nulls);
  });
});

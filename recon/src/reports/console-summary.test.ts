import { describe, expect, it } from 'vitest';
import { buildSummary } from '../result/summary.js';
import type { ReconResult } from '../result/types.js';
import { formatSummary } from './console-summary.js';

const parts = {
  rowCount: { status: 'FAIL', source: 1000, target: 998, difference: -2 },
  schema: {
    status: 'PASS',
    columns: [],
    missingInTarget: [],
    extraInTarget: [],
    typeWarnings: [],
    typeFailures: [],
    declaredTypes: [],
  },
  nulls: { status: 'PASS', columns: [] },
  aggregates: { status: 'PASS', rows: [] },
  keys: {
    status: 'FAIL',
    detail: '',
    sourceOnly: 2,
    targetOnly: 0,
    duplicatePolicy: 'first' as const,
    duplicateKeysSource: 0,
    duplicateRowsSource: 0,
    exactDuplicateKeysSource: 0,
    conflictingDuplicateKeysSource: 0,
    duplicateKeysTarget: 0,
    duplicateRowsTarget: 0,
    exactDuplicateKeysTarget: 0,
    conflictingDuplicateKeysTarget: 0,
    duplicatePairsCompared: 0,
    pairedKeys: 998,
    pairedWithDuplicates: 0,
    sample: [],
  },
  hash: {
    status: 'FAIL',
    detail: '',
    pairedRows: 998,
    hashCandidates: 3,
    mismatchedRows: 3,
    matchedRows: 995,
    toleratedRows: 0,
    byColumn: [{ column: 'price', mismatches: 3 }],
    sample: [],
  },
} satisfies Pick<ReconResult, 'rowCount' | 'schema' | 'nulls' | 'aggregates' | 'keys' | 'hash'>;

describe('formatSummary', () => {
  it('prints the verdict, the row counts, one line per check and the columns that differ', () => {
    const result: ReconResult = {
      ...parts,
      name: 'trades',
      startedAt: '',
      finishedAt: '',
      durationMs: 1234,
      reconciled: false,
      matchRate: 99.5,
      source: { location: 's' },
      target: { location: 't' },
      primaryKey: ['id'],
      summary: buildSummary(parts),
      messages: ['target input has no rows'],
      artifacts: { summary: 'summary.csv' },
    };
    const text = formatSummary(result, 'out');
    expect(text.split('\n')[0]).toBe('trades: NOT RECONCILED  (match rate 99.5000 %, 1.23 s)');
    expect(text).toContain('source 1,000 rows   target 998 rows');
    expect(text).toMatch(/orphans_source_only\s+FAIL\s+1,000\s+2\s+99\.80/);
    expect(text).toContain('mismatches by column: price=3');
    expect(text).toContain('! target input has no rows');
    expect(text).toContain('reports: out (summary.csv)');
  });
});

import type { CheckStatus, KeyResult, ReconResult, SummaryRow } from './types.js';

type Parts = Pick<ReconResult, 'rowCount' | 'schema' | 'nulls' | 'aggregates' | 'keys' | 'hash'>;

/** The worst of several statuses (ERROR > FAIL > WARN > PASS > SKIPPED). */
export function worst(statuses: readonly CheckStatus[]): CheckStatus {
  const order: CheckStatus[] = ['ERROR', 'FAIL', 'WARN', 'PASS', 'SKIPPED'];
  for (const s of order) if (statuses.includes(s)) return s;
  return 'PASS';
}

const pct = (part: number, whole: number): number | null => (whole === 0 ? null : (100 * part) / whole);

/** One summary row per check, in the order of the five layers. */
export function buildSummary(r: Parts): SummaryRow[] {
  const failedNulls = r.nulls.columns.filter((c) => c.status !== 'PASS');
  const failedAggs = r.aggregates.rows.filter((a) => a.status !== 'PASS');
  const schemaIssues = r.schema.missingInTarget.length + r.schema.extraInTarget.length + r.schema.typeFailures.length;
  const compared = r.schema.columns.filter((c) => c.issue !== 'excluded').length;
  const k = r.keys;
  const distinctSource = r.rowCount.source - k.duplicateRowsSource;
  const distinctTarget = r.rowCount.target - k.duplicateRowsTarget;
  const side = (keys: number, rows: number, exact: number, conflicting: number): string =>
    `${keys} keys, ${rows} extra rows (${exact} exact copies, ${conflicting} conflicting)`;
  return [
    {
      check: 'row_count',
      status: r.rowCount.status,
      sourceCount: r.rowCount.source,
      targetCount: r.rowCount.target,
      difference: r.rowCount.difference,
      matchRate: pct(Math.min(r.rowCount.source, r.rowCount.target), Math.max(r.rowCount.source, r.rowCount.target)),
      detail: rowCountText(r.rowCount.difference),
    },
    {
      check: 'schema',
      status: r.schema.status,
      sourceCount: null,
      targetCount: null,
      difference: schemaIssues,
      matchRate: pct(compared - schemaIssues, compared),
      detail: `missing in target: [${r.schema.missingInTarget.join(', ')}]; extra in target: [${r.schema.extraInTarget.join(', ')}]; type mismatches: [${r.schema.typeFailures.join(', ')}]; compatible type changes: [${r.schema.typeWarnings.join(', ')}]`,
    },
    {
      check: 'null_profile',
      status: r.nulls.status,
      sourceCount: sum(r.nulls.columns.map((c) => c.sourceNulls)),
      targetCount: sum(r.nulls.columns.map((c) => c.targetNulls)),
      difference: failedNulls.length,
      matchRate: pct(r.nulls.columns.length - failedNulls.length, r.nulls.columns.length),
      detail:
        failedNulls.length === 0
          ? 'null counts equal in every column'
          : `null counts differ in: ${failedNulls.map((c) => `${c.column} (${Math.abs(c.delta).toLocaleString('en-US')} ${c.delta >= 0 ? 'more' : 'fewer'} in target)`).join(', ')}`,
    },
    {
      check: 'aggregates',
      status: r.aggregates.status,
      sourceCount: null,
      targetCount: null,
      difference: failedAggs.length,
      matchRate: pct(r.aggregates.rows.length - failedAggs.length, r.aggregates.rows.length),
      detail:
        failedAggs.length === 0
          ? 'sum/min/max/avg within tolerance'
          : `outside tolerance: ${failedAggs.map((a) => `${a.column}.${a.metric}`).join(', ')}`,
    },
    {
      check: 'orphans_source_only',
      status: k.status === 'ERROR' ? 'ERROR' : k.sourceOnly > 0 ? 'FAIL' : 'PASS',
      sourceCount: distinctSource,
      targetCount: null,
      difference: k.sourceOnly,
      matchRate: pct(distinctSource - k.sourceOnly, distinctSource),
      detail: 'keys present only in the source',
    },
    {
      check: 'orphans_target_only',
      status: k.status === 'ERROR' ? 'ERROR' : k.targetOnly > 0 ? 'FAIL' : 'PASS',
      sourceCount: null,
      targetCount: distinctTarget,
      difference: k.targetOnly,
      matchRate: pct(distinctTarget - k.targetOnly, distinctTarget),
      detail: 'keys present only in the target',
    },
    {
      check: 'duplicate_keys',
      status: k.status === 'ERROR' ? 'ERROR' : k.duplicateKeysSource + k.duplicateKeysTarget > 0 ? 'FAIL' : 'PASS',
      sourceCount: k.duplicateKeysSource,
      targetCount: k.duplicateKeysTarget,
      difference: k.duplicateKeysSource + k.duplicateKeysTarget,
      matchRate: null,
      detail:
        `duplicates in source: ${side(k.duplicateKeysSource, k.duplicateRowsSource, k.exactDuplicateKeysSource, k.conflictingDuplicateKeysSource)}; ` +
        `in target: ${side(k.duplicateKeysTarget, k.duplicateRowsTarget, k.exactDuplicateKeysTarget, k.conflictingDuplicateKeysTarget)}; ` +
        POLICY_TEXT[k.duplicatePolicy],
    },
    {
      check: 'row_hash',
      status: r.hash.status,
      sourceCount: r.hash.pairedRows,
      targetCount: r.hash.pairedRows,
      difference: r.hash.mismatchedRows,
      matchRate: pct(r.hash.matchedRows, r.hash.pairedRows),
      detail: r.hash.detail,
    },
  ];
}

/** Says which way the counts differ in words: "target has 900 fewer rows", never "-900 rows". */
export function rowCountText(difference: number): string {
  if (difference === 0) return 'source and target have the same number of rows';
  const n = Math.abs(difference).toLocaleString('en-US');
  return `target has ${n} ${difference > 0 ? 'more' : 'fewer'} row${Math.abs(difference) === 1 ? '' : 's'}`;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

const POLICY_TEXT: Record<KeyResult['duplicatePolicy'], string> = {
  first: 'first occurrence compared',
  exclude: 'excluded from row comparison',
  all: 'every row pair compared',
};

import type { ReconResult } from '../result/types.js';
import type { SuiteResult } from '../result/suite-types.js';

const fmt = (n: number | null): string =>
  n === null ? '' : Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(4);

/**
 * A readable plain-text summary for terminals: the verdict, the KPIs, one line per check and
 * the worst columns.
 */
export function formatSummary(result: ReconResult, outputDir?: string): string {
  const lines: string[] = [];
  lines.push(
    `${result.name}: ${result.reconciled ? 'RECONCILED' : 'NOT RECONCILED'}  (match rate ${result.matchRate.toFixed(4)} %, ${(result.durationMs / 1000).toFixed(2)} s)`,
  );
  lines.push(
    `  source ${fmt(result.rowCount.source)} rows   target ${fmt(result.rowCount.target)} rows   key ${result.primaryKey.join(', ')}`,
  );
  lines.push('');
  const header = ['check', 'status', 'source', 'target', 'diff', 'match %'];
  const rows = result.summary.map((r) => [
    r.check,
    r.status,
    fmt(r.sourceCount),
    fmt(r.targetCount),
    fmt(r.difference),
    r.matchRate === null ? '' : r.matchRate.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `  ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')}`;
  lines.push(line(header));
  for (const r of rows) lines.push(line(r));
  const worstColumns = result.hash.byColumn.filter((c) => c.mismatches > 0).sort((a, b) => b.mismatches - a.mismatches);
  if (worstColumns.length > 0) {
    lines.push('');
    lines.push(`  mismatches by column: ${worstColumns.map((c) => `${c.column}=${fmt(c.mismatches)}`).join(', ')}`);
  }
  for (const m of result.messages) lines.push(`  ! ${m}`);
  if (outputDir !== undefined)
    lines.push('', `  reports: ${outputDir} (${Object.values(result.artifacts).join(', ')})`);
  return lines.join('\n');
}

/** The terminal summary of a multi-table run: the verdict, then one line per table. */
export function formatSuiteSummary(suite: SuiteResult, outputDir?: string): string {
  const tables = suite.tables.filter((t) => t.status === 'RECONCILED').length;
  const lines = [
    `${suite.name}: ${suite.reconciled ? 'RECONCILED' : 'NOT RECONCILED'}  (${tables} of ${suite.tables.length} tables reconciled, ${(suite.durationMs / 1000).toFixed(2)} s)`,
    '',
  ];
  const header = ['table', 'status', 'match %', 'source', 'target', 'failed checks'];
  const rows = suite.tables.map((t) => [
    t.name,
    t.status,
    t.matchRate === null ? '' : t.matchRate.toFixed(2),
    fmt(t.sourceRows),
    fmt(t.targetRows),
    t.error?.split('\n')[0] ?? t.failedChecks.join(', '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `  ${cells.map((c, i) => (i >= 2 && i <= 4 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd();
  lines.push(line(header), ...rows.map(line));
  if (outputDir !== undefined)
    lines.push('', `  reports: ${outputDir} (${Object.values(suite.artifacts).join(', ')}; one folder per table)`);
  return lines.join('\n');
}

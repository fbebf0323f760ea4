import type { SummaryRow } from '../result/types.js';

/** One CSV field per RFC 4180: quoted when it holds a comma, quote or line break. */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text =
    typeof value === 'number' && !Number.isInteger(value) ? String(Number(value.toPrecision(12))) : String(value);
  // A leading =, +, - or @ makes spreadsheets evaluate the cell: prefix a quote (CSV injection).
  const safe = /^[=+\-@]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Rows to CSV text with a header line. */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number | boolean | null)[])[],
): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/** summary.csv: one row per check. */
export function summaryCsv(rows: readonly SummaryRow[]): string {
  return toCsv(
    ['check', 'status', 'source_count', 'target_count', 'difference', 'match_rate_pct', 'detail'],
    rows.map((r) => [
      r.check,
      r.status,
      r.sourceCount,
      r.targetCount,
      r.difference,
      r.matchRate === null ? null : Number(r.matchRate.toFixed(4)),
      r.detail,
    ]),
  );
}

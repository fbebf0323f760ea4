import { writeFile } from 'node:fs/promises';
import type { ReconResult } from '../result/types.js';
import { xlsxWorkbook, type XlsxCell, type XlsxSheet } from './xlsx.js';

type Cell = XlsxCell;

/** Sheet names, in workbook order. */
export const EXCEL_SHEETS = [
  'Summary',
  'Schema',
  'Nulls',
  'Aggregates',
  'Orphans',
  'Mismatches by column',
  'Sample rows',
] as const;

function addSheet(book: XlsxSheet[], name: string, header: string[], rows: Cell[][]): void {
  book.push({ name, header, rows });
}

/**
 * The multi-sheet workbook: Summary, Schema, Nulls, Aggregates, Orphans, Mismatches by column
 * and Sample rows. Orphans and samples are capped (`output.sampleSize`); the full lists are in
 * the Parquet/CSV exports.
 */
export async function writeExcelReport(result: ReconResult, file: string): Promise<void> {
  const book: XlsxSheet[] = [];
  addSheet(
    book,
    'Summary',
    ['check', 'status', 'source_count', 'target_count', 'difference', 'match_rate_pct', 'detail'],
    [
      [
        'overall',
        result.reconciled ? 'RECONCILED' : 'NOT RECONCILED',
        result.rowCount.source,
        result.rowCount.target,
        result.rowCount.difference,
        result.matchRate,
        result.name,
      ],
      ...result.summary.map((r) => [
        r.check,
        r.status,
        r.sourceCount,
        r.targetCount,
        r.difference,
        r.matchRate,
        r.detail,
      ]),
    ],
  );
  addSheet(
    book,
    'Schema',
    ['column', 'target_column', 'source_type', 'target_type', 'status', 'issue'],
    result.schema.columns.map((c) => [c.column, c.targetColumn, c.sourceType, c.targetType, c.status, c.issue]),
  );
  addSheet(
    book,
    'Nulls',
    [
      'column',
      'status',
      'source_nulls',
      'target_nulls',
      'source_null_pct',
      'target_null_pct',
      'delta',
      'delta_pct_points',
    ],
    result.nulls.columns.map((c) => [
      c.column,
      c.status,
      c.sourceNulls,
      c.targetNulls,
      c.sourceNullPct,
      c.targetNullPct,
      c.delta,
      c.deltaPctPoints,
    ]),
  );
  addSheet(
    book,
    'Aggregates',
    ['column', 'metric', 'status', 'source', 'target', 'difference', 'relative_difference'],
    result.aggregates.rows.map((a) => [
      a.column,
      a.metric,
      a.status,
      a.source,
      a.target,
      a.difference,
      a.relativeDifference,
    ]),
  );
  const k = result.keys;
  addSheet(
    book,
    'Orphans',
    ['kind', 'record_key', 'source_rows', 'target_rows'],
    [
      ['total source_only', null, k.sourceOnly, null],
      ['total target_only', null, null, k.targetOnly],
      ['total duplicate keys', null, k.duplicateKeysSource, k.duplicateKeysTarget],
      ...k.sample.map((s) => [s.kind, s.recordKey, s.sourceRows, s.targetRows]),
    ],
  );
  addSheet(
    book,
    'Mismatches by column',
    ['column', 'mismatches', 'pct_of_paired_rows'],
    result.hash.byColumn.map((c) => [
      c.column,
      c.mismatches,
      result.hash.pairedRows === 0 ? null : (100 * c.mismatches) / result.hash.pairedRows,
    ]),
  );
  addSheet(
    book,
    'Sample rows',
    ['record_key', 'column', 'source_value', 'target_value'],
    result.hash.sample.map((m) => [m.recordKey, m.column, m.sourceValue, m.targetValue]),
  );
  await writeFile(file, xlsxWorkbook(book, { creator: '@coattail/recon', created: new Date(result.startedAt) }));
}

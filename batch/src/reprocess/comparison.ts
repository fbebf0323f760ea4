import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResultRow } from '@coattail/iceberg';
import type { AnomalyAlert } from '@coattail/stream-jobs';
import ExcelJS from 'exceljs';

/** One anomaly on either side, reduced to what the comparison shows. */
export interface ComparedAnomaly {
  alert_id: string;
  symbol: string;
  exchange: string;
  window_start: string;
  volume: number;
  z_score: number;
}

/** An anomaly found by both runs, with the z-score of each. */
export interface MatchedAnomaly extends Omit<ComparedAnomaly, 'volume' | 'z_score'> {
  volume_original: number;
  volume_reprocessed: number;
  z_original: number;
  z_reprocessed: number;
  z_difference: number;
}

/** The comparison of the original anomalies (stream job) with the reprocessed ones, keyed by `alert_id`. */
export interface AnomalyComparison {
  matched: MatchedAnomaly[];
  onlyOriginal: ComparedAnomaly[];
  onlyReprocessed: ComparedAnomaly[];
  /** Matched anomalies whose z-scores differ by more than `tolerance`, largest difference first. */
  zScoreDifferences: MatchedAnomaly[];
  tolerance: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const micros = (v: unknown): number => (typeof v === 'bigint' ? Number(v / 1000n) : Number(v));

function fromOriginal(r: ResultRow): ComparedAnomaly {
  return {
    alert_id: String(r.alert_id),
    symbol: String(r.symbol),
    exchange: String(r.exchange),
    window_start: iso(micros(r.window_start)),
    volume: Number(r.total_volume),
    z_score: Number(r.z_score),
  };
}

function fromReprocessed(a: AnomalyAlert): ComparedAnomaly {
  return {
    alert_id: a.alert_id,
    symbol: a.symbol,
    exchange: a.exchange,
    window_start: iso(a.window_start),
    volume: a.volume,
    z_score: a.z_score,
  };
}

/**
 * Matches original and reprocessed anomalies on `alert_id` (job, symbol, exchange, window start —
 * deterministic on both sides) and lists what only one side has and where the z-scores differ.
 */
export function compareAnomalies(
  original: readonly ResultRow[],
  reprocessed: readonly AnomalyAlert[],
  tolerance = 1e-9,
): AnomalyComparison {
  const before = new Map(original.map((r) => [String(r.alert_id), fromOriginal(r)]));
  const after = new Map(reprocessed.map((a) => [a.alert_id, fromReprocessed(a)]));
  const matched: MatchedAnomaly[] = [];
  for (const [id, a] of after) {
    const o = before.get(id);
    if (!o) continue;
    matched.push({
      alert_id: id,
      symbol: a.symbol,
      exchange: a.exchange,
      window_start: a.window_start,
      volume_original: o.volume,
      volume_reprocessed: a.volume,
      z_original: o.z_score,
      z_reprocessed: a.z_score,
      z_difference: a.z_score - o.z_score,
    });
  }
  const byWindow = (
    x: { window_start: string; alert_id: string },
    y: { window_start: string; alert_id: string },
  ): number => x.window_start.localeCompare(y.window_start) || x.alert_id.localeCompare(y.alert_id);
  return {
    matched: matched.sort(byWindow),
    onlyOriginal: [...before.values()].filter((o) => !after.has(o.alert_id)).sort(byWindow),
    onlyReprocessed: [...after.values()].filter((a) => !before.has(a.alert_id)).sort(byWindow),
    zScoreDifferences: matched
      .filter((m) => Math.abs(m.z_difference) > tolerance)
      .sort((x, y) => Math.abs(y.z_difference) - Math.abs(x.z_difference)),
    tolerance,
  };
}

type Cell = string | number;
const MATCHED_HEADER = [
  'alert_id',
  'symbol',
  'exchange',
  'window_start',
  'volume_original',
  'volume_reprocessed',
  'z_original',
  'z_reprocessed',
  'z_difference',
];
const SIDE_HEADER = ['alert_id', 'symbol', 'exchange', 'window_start', 'volume', 'z_score'];

/** A matched anomaly's cells, in `MATCHED_HEADER` order (the CSV and the workbook share it). */
const matchedRow = (m: MatchedAnomaly): Cell[] => [
  m.alert_id,
  m.symbol,
  m.exchange,
  m.window_start,
  m.volume_original,
  m.volume_reprocessed,
  m.z_original,
  m.z_reprocessed,
  m.z_difference,
];
const sideRow = (a: ComparedAnomaly): Cell[] => [a.alert_id, a.symbol, a.exchange, a.window_start, a.volume, a.z_score];

function csvCell(v: Cell): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line per anomaly: `matched`, `only_original` or `only_reprocessed`, with both sides' figures. */
export function comparisonCsv(c: AnomalyComparison): string {
  // A one-sided anomaly fills its own side's volume and z-score columns and leaves the other side's empty.
  const oneSided = (status: string, a: ComparedAnomaly, original: boolean): Cell[] => [
    status,
    a.alert_id,
    a.symbol,
    a.exchange,
    a.window_start,
    original ? a.volume : '',
    original ? '' : a.volume,
    original ? a.z_score : '',
    original ? '' : a.z_score,
    '',
  ];
  const lines: Cell[][] = [
    ...c.matched.map((m) => ['matched', ...matchedRow(m)]),
    ...c.onlyOriginal.map((o) => oneSided('only_original', o, true)),
    ...c.onlyReprocessed.map((a) => oneSided('only_reprocessed', a, false)),
  ];
  return [['status', ...MATCHED_HEADER], ...lines].map((l) => l.map(csvCell).join(',')).join('\n') + '\n';
}

/** Sheet names of the workbook, in order. */
export const COMPARISON_SHEETS = [
  'Summary',
  'Matched',
  'Only original',
  'Only reprocessed',
  'Z-score differences',
] as const;

function sheet(book: ExcelJS.Workbook, name: string, header: string[], rows: Cell[][]): void {
  const ws = book.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(header).font = { bold: true };
  for (const r of rows) ws.addRow(r);
  ws.columns.forEach(
    (col, i) =>
      (col.width = Math.min(
        60,
        Math.max(12, (header[i]?.length ?? 8) + 2, ...rows.slice(0, 100).map((r) => String(r[i] ?? '').length + 2)),
      )),
  );
}

/** Builds the multi-sheet workbook of a comparison. */
export function comparisonWorkbook(c: AnomalyComparison, context: Record<string, string | number>): ExcelJS.Workbook {
  const book = new ExcelJS.Workbook();
  book.creator = '@coattail/batch';
  sheet(
    book,
    'Summary',
    ['item', 'value'],
    [
      ...Object.entries(context),
      ['matched', c.matched.length],
      ['only in original', c.onlyOriginal.length],
      ['only in reprocessed', c.onlyReprocessed.length],
      [`z-score differences (> ${c.tolerance})`, c.zScoreDifferences.length],
    ],
  );
  sheet(book, 'Matched', MATCHED_HEADER, c.matched.map(matchedRow));
  sheet(book, 'Only original', SIDE_HEADER, c.onlyOriginal.map(sideRow));
  sheet(book, 'Only reprocessed', SIDE_HEADER, c.onlyReprocessed.map(sideRow));
  sheet(book, 'Z-score differences', MATCHED_HEADER, c.zScoreDifferences.map(matchedRow));
  return book;
}

/** Writes `comparison.csv` and `comparison.xlsx` into `dir`; returns their paths. */
export async function writeComparisonReports(
  c: AnomalyComparison,
  dir: string,
  context: Record<string, string | number>,
): Promise<{ csv: string; xlsx: string }> {
  await mkdir(dir, { recursive: true });
  const csv = join(dir, 'comparison.csv');
  const xlsx = join(dir, 'comparison.xlsx');
  await writeFile(csv, comparisonCsv(c));
  await comparisonWorkbook(c, context).xlsx.writeFile(xlsx);
  return { csv, xlsx };
}

/** A few terminal lines: the counts and the largest z-score differences. */
export function comparisonSummary(c: AnomalyComparison, top = 5): string {
  const lines = [
    `matched ${c.matched.length} · only in original ${c.onlyOriginal.length} · only in reprocessed ${c.onlyReprocessed.length} · z-score differences ${c.zScoreDifferences.length}`,
  ];
  for (const m of c.zScoreDifferences.slice(0, top))
    lines.push(
      `  ${m.alert_id}: z ${m.z_original.toFixed(3)} → ${m.z_reprocessed.toFixed(3)} (${m.z_difference >= 0 ? '+' : ''}${m.z_difference.toFixed(3)})`,
    );
  return lines.join('\n');
}

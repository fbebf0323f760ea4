import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadReconConfig } from '../config/load-config.js';
import { DuckSession } from '../engine/duck-session.js';
import { generateGoldenDataset, type GoldenDataset } from '../generator/generate-golden.js';
import type { ReconResult } from '../result/types.js';
import { quoteLiteral } from '../sql/quote.js';
import { csvField } from './csv.js';
import { EXCEL_SHEETS } from './excel.js';
import { runReconciliation } from './write-reports.js';

describe('runReconciliation reports', () => {
  let dir: string;
  let out: string;
  let golden: GoldenDataset;
  let result: ReconResult;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recon-reports-'));
    golden = await generateGoldenDataset({ dir, rows: 5_000, rate: 0.01 });
    const config = await loadReconConfig(golden.configPath);
    out = config.output.dir;
    result = await runReconciliation(config);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes summary.csv with one row per check', async () => {
    const lines = (await readFile(join(out, 'summary.csv'), 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('check,status,source_count,target_count,difference,match_rate_pct,detail');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([
      'row_count',
      'schema',
      'null_profile',
      'aggregates',
      'orphans_source_only',
      'orphans_target_only',
      'duplicate_keys',
      'row_hash',
    ]);
  });

  it('exports every mismatched cell and every key issue in full, as Parquet and CSV', async () => {
    const session = await DuckSession.open({ threads: 1 });
    try {
      const cells = await session.one(
        `SELECT count(*) AS n FROM read_parquet(${quoteLiteral(join(out, 'mismatches.parquet'))})`,
      );
      const expectedCells = Object.values(golden.expected.hash.byColumn).reduce((a, b) => a + b, 0);
      expect(Number(cells.n)).toBe(expectedCells);
      const csvCells = await session.one(
        `SELECT count(*) AS n FROM read_csv(${quoteLiteral(join(out, 'mismatches.csv'))})`,
      );
      expect(Number(csvCells.n)).toBe(expectedCells);
      const kinds = await session.rows(
        `SELECT kind, count(*) AS n FROM read_parquet(${quoteLiteral(join(out, 'key-issues.parquet'))}) GROUP BY kind ORDER BY kind`,
      );
      const k = golden.expected.keys;
      expect(kinds.map((r) => [r.kind, Number(r.n)])).toEqual([
        ['duplicate_source', k.duplicateKeysSource],
        ['duplicate_target', k.duplicateKeysTarget],
        ['source_only', k.sourceOnly],
        ['target_only', k.targetOnly],
      ]);
    } finally {
      session.close();
    }
  });

  it('writes an Excel workbook with the seven sheets that reopens cleanly', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(out, 'recon-report.xlsx'));
    expect(book.worksheets.map((s) => s.name)).toEqual([...EXCEL_SHEETS]);
    const summary = book.getWorksheet('Summary')!;
    expect(summary.getRow(2).getCell(2).value).toBe('NOT RECONCILED');
    expect(book.getWorksheet('Sample rows')!.rowCount).toBe(1 + result.hash.sample.length);
  });

  it('samples key issues of every kind, so orphans show beside many duplicates (JSON and Excel)', async () => {
    const kinds = ['duplicate_source', 'duplicate_target', 'source_only', 'target_only'];
    const k = golden.expected.keys;
    // More duplicates than the sample holds: a sample in kind order would show no orphan at all.
    expect(k.duplicateKeysSource + k.duplicateKeysTarget).toBeGreaterThanOrEqual(result.keys.sample.length);
    expect([...new Set(result.keys.sample.map((s) => s.kind))]).toEqual(kinds);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(out, 'recon-report.xlsx'));
    const sheetKinds = book.getWorksheet('Orphans')!.getColumn(1).values.slice(5);
    expect([...new Set(sheetKinds)]).toEqual(kinds);
  });

  it('keeps the trailing zeros of timestamps and says which way the row counts differ', () => {
    const times = result.hash.sample.filter((c) => c.column === 'trade_time');
    expect(times.length).toBeGreaterThan(0);
    for (const c of times) {
      expect(c.sourceValue).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
      expect(c.targetValue).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/);
    }
    const more = result.rowCount.target - result.rowCount.source;
    expect(result.summary[0]?.detail).toBe(`target has ${more.toLocaleString('en-US')} more rows`);
    const nulled = golden.expected.nulls.quantity!.target - golden.expected.nulls.quantity!.source;
    expect(result.summary[2]?.detail).toContain(`quantity (${nulled.toLocaleString('en-US')} more in target)`);
  });

  it('writes result.json last, listing every artifact', async () => {
    const json = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as ReconResult;
    expect(json.reconciled).toBe(false);
    expect(json.hash.mismatchedRows).toBe(golden.expected.hash.mismatchedRows);
    expect(Object.values(json.artifacts).sort()).toEqual(
      [
        'key-issues.csv',
        'key-issues.parquet',
        'mismatches.csv',
        'mismatches.parquet',
        'recon-report.xlsx',
        'result.json',
        'summary.csv',
      ].sort(),
    );
  });

  it('escapes CSV fields and defuses spreadsheet formulas', () => {
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(-1)).toBe('-1');
  });
});

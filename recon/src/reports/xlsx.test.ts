import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { columnName, xlsxWorkbook } from './xlsx.js';

describe('the xlsx writer', () => {
  it('writes a workbook a spreadsheet reader opens with every value, a bold frozen header and a filter', async () => {
    const bytes = xlsxWorkbook(
      [
        {
          name: 'Mismatches by column',
          header: ['column', 'value', 'flag'],
          rows: [
            ['a & <b> "c"', 1.5, true],
            ['€ unicode ✓', -1e-12, false],
            [null, Number.NaN, null],
            ['ctrl\u0001char', 12345678901, null],
          ],
        },
        { name: "it's empty", header: ['x'], rows: [] },
      ],
      { creator: '@coattail/recon', created: new Date('2026-01-02T03:04:05Z') },
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(['Mismatches by column', "it's empty"]);
    expect(book.creator).toBe('@coattail/recon');
    const sheet = book.getWorksheet('Mismatches by column')!;
    const values = sheet
      .getSheetValues()
      .slice(1)
      .map((r) => (r as unknown[]).slice(1));
    expect(values).toEqual([
      ['column', 'value', 'flag'],
      ['a & <b> "c"', 1.5, true],
      ['€ unicode ✓', -1e-12, false],
      [undefined, 'NaN'],
      ['ctrlchar', 12345678901],
    ]);
    expect(sheet.getCell('A1').font?.bold).toBe(true);
    expect(sheet.getCell('A2').font?.bold).toBeFalsy();
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(sheet.autoFilter).toBe('A1:C1');
    expect(book.getWorksheet("it's empty")!.rowCount).toBe(1);
  });

  it('names columns past Z as spreadsheets do', () => {
    expect([0, 25, 26, 51, 52, 701, 702].map(columnName)).toEqual(['A', 'Z', 'AA', 'AZ', 'BA', 'ZZ', 'AAA']);
  });
});

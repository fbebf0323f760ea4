import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckSession } from '../engine/duck-session.js';
import { EXPORT_FILES } from '../reports/exports.js';
import { quoteLiteral } from '../sql/quote.js';
import { MismatchPages } from './mismatch-pages.js';

const ROWS = 30_000;

describe('mismatch pages', () => {
  let dir: string;
  let pages: MismatchPages;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recon-pages-'));
    const session = await DuckSession.open({ threads: 2 });
    try {
      // The export's shape and order, in many small row groups so a parallel scan could reorder them.
      await session.run(
        `COPY (SELECT CAST(i AS VARCHAR) AS record_key, 'c' || (i % 3) AS column_name, CAST(i AS VARCHAR) AS source_value, NULL::VARCHAR AS target_value
               FROM range(${ROWS}) r(i) ORDER BY column_name, i)
         TO ${quoteLiteral(join(dir, EXPORT_FILES.mismatchesParquet))} (FORMAT parquet, ROW_GROUP_SIZE 2048)`,
      );
    } finally {
      session.close();
    }
    // Two threads: without the order guarantee, pages overlap and skip rows.
    pages = await MismatchPages.open(dir, { threads: 2 });
  });
  afterAll(async () => {
    pages.close();
    await rm(dir, { recursive: true, force: true });
  });

  const all = async (column: string, limit: number): Promise<string[]> => {
    const seen: string[] = [];
    for (let offset = 0; ; offset += limit) {
      const page = await pages.page({ offset, limit, column, key: '' });
      seen.push(...page.rows.map((r) => `${r.column}/${r.recordKey}`));
      if (offset + limit >= page.total) return seen;
    }
  };
  const fileOrder = (column: string): string[] =>
    Array.from({ length: ROWS }, (_, i) => i)
      .map((i) => ({ column: `c${i % 3}`, key: i }))
      .sort((a, b) => a.column.localeCompare(b.column) || a.key - b.key)
      .filter((r) => column === '' || r.column === column)
      .map((r) => `${r.column}/${r.key}`);

  it('returns every mismatch exactly once across pages, in the export order', async () => {
    const seen = await all('', 500);
    expect(seen).toHaveLength(ROWS);
    expect(new Set(seen).size).toBe(ROWS);
    expect(seen).toEqual(fileOrder(''));
  });

  it('returns every mismatch of a filtered column exactly once across pages', async () => {
    const seen = await all('c1', 333);
    expect(seen).toHaveLength(ROWS / 3);
    expect(seen).toEqual(fileOrder('c1'));
  });

  it('answers the same page twice with the same rows', async () => {
    const query = { offset: 12_345, limit: 50, column: '', key: '' };
    expect((await pages.page(query)).rows).toEqual((await pages.page(query)).rows);
  });
});

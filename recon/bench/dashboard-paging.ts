/**
 * How fast the dashboard pages a mismatch export of `rows` cells: first page, middle, last, and
 * a filtered page, each one server request's worth of DuckDB work.
 */
import { join } from 'node:path';
import { MismatchPages } from '../src/dashboard/mismatch-pages.js';
import { DuckSession, quoteLiteral } from '../src/index.js';

/** Milliseconds per page request at several positions. */
export interface PagingFigures {
  rows: number;
  firstMs: number;
  middleMs: number;
  lastMs: number;
  filteredMs: number;
}

export async function measurePaging(dir: string, rows: number): Promise<PagingFigures> {
  const session = await DuckSession.open({ threads: 2 });
  try {
    // Same shape and order as the real export: (record_key, column_name, source_value, target_value) by column, key.
    await session.run(
      `COPY (SELECT CAST(i // 11 AS VARCHAR) AS record_key, 'column_' || (i % 11) AS column_name, CAST(i AS VARCHAR) AS source_value,
             CAST(i + 1 AS VARCHAR) AS target_value FROM range(${rows}) r(i) ORDER BY column_name, i)
       TO ${quoteLiteral(join(dir, 'mismatches.parquet'))} (FORMAT parquet, COMPRESSION zstd)`,
    );
  } finally {
    session.close();
  }
  const pages = await MismatchPages.open(dir);
  try {
    const time = async (offset: number, column = ''): Promise<number> => {
      const started = performance.now();
      const page = await pages.page({ offset, limit: 50, column, key: '' });
      if (page.rows.length === 0) throw new Error(`empty page at ${offset}`);
      return performance.now() - started;
    };
    await time(0); // warm the file's metadata cache like a second visitor would
    return {
      rows,
      firstMs: await time(0),
      middleMs: await time(Math.floor(rows / 2)),
      lastMs: await time(rows - 50),
      filteredMs: await time(Math.floor(rows / 22), 'column_7'),
    };
  } finally {
    pages.close();
  }
}

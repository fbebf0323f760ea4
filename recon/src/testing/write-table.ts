import { join } from 'node:path';
import { DuckSession } from '../engine/duck-session.js';
import { quoteLiteral } from '../sql/quote.js';

/**
 * Test helper: writes the rows of a DuckDB `select` to `dir/file`, as CSV or Parquet by the file's
 * extension; returns `file` (relative, as configs name inputs).
 */
export async function writeTable(dir: string, file: string, select: string): Promise<string> {
  const session = await DuckSession.open({ threads: 1 });
  try {
    await session.run(
      `COPY (${select}) TO ${quoteLiteral(join(dir, file))} (FORMAT ${file.endsWith('.csv') ? 'csv' : 'parquet'})`,
    );
  } finally {
    session.close();
  }
  return file;
}

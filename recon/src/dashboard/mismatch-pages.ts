import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DuckSession, toCount, toText } from '../engine/duck-session.js';
import { EXPORT_FILES } from '../reports/exports.js';
import { quoteLiteral } from '../sql/quote.js';

/** Query of one page of the mismatch table, as the page sends it. */
export const pageQuerySchema = z
  .object({
    offset: z.coerce.number().int().nonnegative().default(0),
    limit: z.coerce.number().int().positive().max(500).default(50),
    /** Exact column name, or empty for all. */
    column: z.string().max(1000).default(''),
    /** Substring of the record key, or empty. */
    key: z.string().max(1000).default(''),
  })
  .strict();

/** One page of mismatches and the total matching the filter. */
export interface MismatchPage {
  total: number;
  offset: number;
  limit: number;
  rows: { recordKey: string; column: string; sourceValue: string | null; targetValue: string | null }[];
}

/**
 * Pages the Parquet mismatch export on the server with DuckDB: each request reads one page, so
 * ten million mismatches page as quickly as ten. Filters are bound parameters, never SQL text.
 */
export class MismatchPages {
  private constructor(
    private readonly session: DuckSession,
    private readonly file: string,
  ) {}

  /** Opens a small DuckDB session over `<dir>/mismatches.parquet`. */
  static async open(dir: string): Promise<MismatchPages> {
    const session = await DuckSession.open({ threads: 1, memoryLimit: '256MB' });
    return new MismatchPages(session, join(dir, EXPORT_FILES.mismatchesParquet));
  }

  /** Returns the requested page; an absent export (row-level checks did not run) is empty. */
  async page(query: z.output<typeof pageQuerySchema>): Promise<MismatchPage> {
    const empty: MismatchPage = { total: 0, offset: query.offset, limit: query.limit, rows: [] };
    if (!(await access(this.file).then(() => true, () => false))) return empty;
    const where = `($1 = '' OR column_name = $1) AND ($2 = '' OR contains(record_key, $2))`;
    const from = `read_parquet(${quoteLiteral(this.file)})`;
    const params = [query.column, query.key];
    const total = toCount((await this.session.one(`SELECT count(*) AS n FROM ${from} WHERE ${where}`, params)).n);
    // The export is written sorted by (column_name, record_key) and DuckDB keeps file order.
    const rows = await this.session.rows(`SELECT * FROM ${from} WHERE ${where} LIMIT ${query.limit} OFFSET ${query.offset}`, params);
    return {
      total,
      offset: query.offset,
      limit: query.limit,
      rows: rows.map((r) => ({
        recordKey: toText(r.record_key) ?? '',
        column: toText(r.column_name) ?? '',
        sourceValue: toText(r.source_value),
        targetValue: toText(r.target_value),
      })),
    };
  }

  /** Closes the session. */
  close(): void {
    this.session.close();
  }
}

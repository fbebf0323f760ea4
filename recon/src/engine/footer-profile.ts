import { quoteIdent, quoteLiteral } from '../sql/quote.js';
import type { ColumnPair } from './column-plan.js';
import { toCount, toNumber, toText } from './duck-session.js';
import { SOURCE_VIEW, TARGET_VIEW, type ReconContext } from './recon-context.js';

/** Counts, null counts and numeric aggregates of one side (what the profile scan computes). */
export interface SideProfile {
  rows: number;
  nulls: Map<string, number>;
  aggregates: Map<string, { sum: number | null; min: number | null; max: number | null; avg: number | null }>;
}

/** Types whose footer min/max text reads back as the exact DOUBLE the profile scan would give. */
const EXACT_BOUNDS = /^(U?(TINYINT|SMALLINT|INTEGER|BIGINT)|DOUBLE)$/i;

/**
 * A side's profile from its Parquet footers plus one narrow scan: every row group's footer holds
 * its row count, each column's null count and min/max, so only the sums of the numeric columns
 * are read from the data (measured at 1 M rows: 30 ms a side instead of 100). Returns undefined,
 * and the caller scans as before, unless every compared column has a null count in every row
 * group and every numeric column has exact bounds wherever it holds values; a sum that is NaN
 * (a NaN value: footers leave NaN out of min/max) also falls back to the scan.
 */
export async function footerProfile(
  ctx: ReconContext,
  side: 'source' | 'target',
  location: string,
  numeric: ColumnPair[],
): Promise<SideProfile | undefined> {
  const fileName = (c: ColumnPair): string => (side === 'source' ? c.name : c.targetName);
  const typeOf = (c: ColumnPair): string => (side === 'source' ? c.sourceType : c.targetType);
  if (!numeric.every((c) => EXACT_BOUNDS.test(typeOf(c)))) return undefined;
  const meta = await ctx.session.rows(
    `WITH m AS (SELECT DISTINCT file_name, row_group_id, row_group_num_rows AS rg_rows, path_in_schema AS p,
         stats_null_count AS rg_nulls, stats_min_value AS lo, stats_max_value AS hi
       FROM parquet_metadata(${quoteLiteral(location)}))
     SELECT p, count(*) AS groups, count(rg_nulls) AS counted, sum(rg_nulls) AS null_count,
       count(*) FILTER (WHERE rg_rows > rg_nulls AND (lo IS NULL OR hi IS NULL)) AS unbounded,
       list(lo) FILTER (WHERE rg_rows > rg_nulls) AS los, list(hi) FILTER (WHERE rg_rows > rg_nulls) AS his,
       (SELECT count(*) FROM (SELECT DISTINCT file_name, row_group_id FROM m)) AS all_groups,
       (SELECT sum(rg_rows) FROM (SELECT DISTINCT file_name, row_group_id, rg_rows FROM m)) AS all_rows
     FROM m GROUP BY p`,
  );
  const byPath = new Map(meta.map((r) => [toText(r.p) ?? '', r]));
  const stats = ctx.plan.compared.map((c) => byPath.get(fileName(c)));
  // A column missing from a file (read as NULLs there) or a row group without a null count: scan.
  const complete = stats.every(
    (r) => r !== undefined && toCount(r.groups) === toCount(r.all_groups) && toCount(r.counted) === toCount(r.groups),
  );
  if (!complete || meta.length === 0) return undefined;
  const bound = (values: unknown, pick: (a: number, b: number) => number): number | null | undefined => {
    const list = Array.isArray(values) ? values.map((v) => Number(v)) : [];
    if (list.some((v) => Number.isNaN(v))) return undefined;
    return list.length === 0 ? null : list.reduce((a, b) => pick(a, b));
  };
  const rows = toCount(meta[0]?.all_rows);
  const sums =
    numeric.length === 0
      ? {}
      : await ctx.session.one(
          `SELECT ${numeric.map((c, i) => `sum(CAST(${quoteIdent(c.name)} AS DOUBLE)) AS sum_${i}`).join(', ')} FROM ${side === 'source' ? SOURCE_VIEW : TARGET_VIEW}`,
        );
  const aggregates: SideProfile['aggregates'] = new Map();
  for (const [i, c] of numeric.entries()) {
    const r = byPath.get(fileName(c));
    const sum = toNumber(sums[`sum_${i}`]);
    const min = bound(r?.los, Math.min);
    const max = bound(r?.his, Math.max);
    if (r === undefined || toCount(r.unbounded) > 0 || min === undefined || max === undefined) return undefined;
    if (sum !== null && Number.isNaN(sum)) return undefined;
    const values = rows - toCount(r.null_count);
    aggregates.set(c.name, { sum, min, max, avg: sum === null || values === 0 ? null : sum / values });
  }
  return {
    rows,
    nulls: new Map(ctx.plan.compared.map((c, i) => [c.name, toCount(stats[i]?.null_count)])),
    aggregates,
  };
}

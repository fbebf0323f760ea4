import type { DuckDBConnection, Json } from '@duckdb/node-api';
import type { ColumnProfileFacts } from '@coattail/quality';
import type { ColumnSql } from './column-sql.js';
import { num, rows, toProfileValue } from './duck-values.js';
import type { AnalyzeOptions } from './file-analyzer.js';

/** Categorical columns with more distinct values than this get no top-value list (ids, free text). */
const TOP_VALUES_MAX_DISTINCT = 1000;

type MapEntries = { key: Json; value: Json }[];

/**
 * Histograms for numeric columns (equal-width bins) and top values for categorical ones, all in
 * one scan: DuckDB's `histogram()` per column, bounded by the approximate distinct count measured
 * in the first pass (near-unique columns get none).
 */
export async function addDistributions(
  conn: DuckDBConnection,
  source: string,
  cols: ColumnSql[],
  profiles: ColumnProfileFacts[],
  options: AnalyzeOptions,
): Promise<void> {
  const items = options.distributionItems ?? 10;
  const limit = options.maxDistributionColumns ?? 50;
  const select: string[] = [];
  const planned: ({ i: number; kind: 'bins'; lo: number; width: number } | { i: number; kind: 'top' })[] = [];
  for (const [i, c] of cols.slice(0, limit).entries()) {
    const p = profiles[i] as ColumnProfileFacts;
    if (p.nonNull === 0) continue;
    if (c.numeric && typeof p.min === 'number' && typeof p.max === 'number') {
      const width = (p.max - p.min) / items;
      if (width <= 0 || !Number.isFinite(width)) {
        profiles[i] = { ...p, histogram: [{ lower: p.min, upper: p.min, count: p.nonNull }] };
        continue;
      }
      select.push(
        `histogram(least(floor((${c.typed} - ${p.min}) / ${width}), ${items - 1})::INTEGER) FILTER (${c.typed} IS NOT NULL) AS h${i}`,
      );
      planned.push({ i, kind: 'bins', lo: p.min, width });
    } else if (p.distinct <= TOP_VALUES_MAX_DISTINCT) {
      select.push(`histogram(${c.text}) FILTER (${c.raw} IS NOT NULL) AS h${i}`);
      planned.push({ i, kind: 'top' });
    }
  }
  if (select.length === 0) return;
  const [row = {}] = await rows(conn, `SELECT ${select.join(', ')} FROM ${source}`);
  for (const plan of planned) {
    const p = profiles[plan.i] as ColumnProfileFacts;
    const entries = (row[`h${plan.i}`] ?? []) as MapEntries;
    if (plan.kind === 'bins') {
      const counts = new Map(entries.map((e) => [num(e.key), num(e.value)]));
      profiles[plan.i] = {
        ...p,
        histogram: Array.from({ length: items }, (_, b) => ({
          lower: plan.lo + b * plan.width,
          upper: plan.lo + (b + 1) * plan.width,
          count: counts.get(b) ?? 0,
        })),
      };
    } else {
      const top = entries
        .map((e) => ({ value: toProfileValue(e.key), count: num(e.value) }))
        .sort((a, b) => b.count - a.count || String(a.value).localeCompare(String(b.value)))
        .slice(0, items);
      profiles[plan.i] = { ...p, topValues: top };
    }
  }
}

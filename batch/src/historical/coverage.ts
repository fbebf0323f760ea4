import type { Table } from '@coattail/iceberg';

/** An inclusive range of epoch milliseconds. */
export type TimeRange = readonly [start: number, end: number];

/**
 * Snapshot summary key that remembers which time ranges of a symbol are loaded. Aggregates
 * (`aggTrades`) are remembered apart: a range loaded as aggregates does not hold the trades.
 */
export const coverageKey = (symbol: string, namespace: 'trades' | 'aggregates' = 'trades'): string =>
  namespace === 'trades' ? `coattail.historical-load.${symbol}` : `coattail.historical-load.aggregates.${symbol}`;

/** Sorts and merges overlapping or adjacent ranges. */
export function mergeRanges(ranges: readonly TimeRange[]): TimeRange[] {
  const sorted = ranges.filter(([s, e]) => e >= s).toSorted((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out.at(-1);
    if (last && s <= last[1] + 1) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

/** The parts of `wanted` that `covered` does not contain. */
export function missingRanges(wanted: TimeRange, covered: readonly TimeRange[]): TimeRange[] {
  const out: TimeRange[] = [];
  let cursor = wanted[0];
  for (const [s, e] of mergeRanges(covered)) {
    if (e < cursor) continue;
    if (s > wanted[1]) break;
    if (s > cursor) out.push([cursor, Math.min(s - 1, wanted[1])]);
    cursor = Math.max(cursor, e + 1);
    if (cursor > wanted[1]) return out;
  }
  if (cursor <= wanted[1]) out.push([cursor, wanted[1]]);
  return out;
}

/**
 * The loaded ranges of `symbol`, read from the newest snapshot of the table's current ancestry
 * that carries them. They are written in the same atomic commit as the rows they describe, so
 * after a crash the table and the memory of what it holds cannot disagree.
 */
export function readCoverage(
  table: Table | undefined,
  symbol: string,
  namespace: 'trades' | 'aggregates' = 'trades',
): TimeRange[] {
  if (table === undefined) return [];
  const key = coverageKey(symbol, namespace);
  const byId = new Map(table.snapshots().map((s) => [s['snapshot-id'], s]));
  for (
    let s = table.currentSnapshot();
    s !== undefined;
    s = s['parent-snapshot-id'] === undefined ? undefined : byId.get(s['parent-snapshot-id'])
  ) {
    const value = s.summary[key];
    if (value !== undefined) return parseRanges(value);
  }
  return [];
}

function parseRanges(value: string): TimeRange[] {
  const parsed: unknown = JSON.parse(value);
  if (!Array.isArray(parsed)) return [];
  return parsed.filter(
    (r): r is [number, number] => Array.isArray(r) && r.length === 2 && r.every((n) => Number.isSafeInteger(n)),
  );
}

/** Formats a range for humans: ISO times, inclusive. */
export function formatRange([s, e]: TimeRange): string {
  return `${new Date(s).toISOString()} .. ${new Date(e).toISOString()}`;
}

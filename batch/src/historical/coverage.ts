import type { Table } from '@coattail/iceberg';
import { listIssues } from '@coattail/runtime';
import { z } from 'zod';
import { BatchJobError } from './errors.js';

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
    if (value !== undefined) return parseCoverage(value, `snapshot ${s['snapshot-id']}'s summary '${key}'`);
  }
  return [];
}

const rangesSchema = z.array(
  z
    .tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])
    .refine(([start, end]) => end >= start, { message: 'a range must not end before it starts' }),
);

/**
 * The ranges a snapshot summary records as loaded (`where` names the snapshot and key for the
 * error). A value of another shape fails: read as less than it says, the loader would load those
 * ranges again and duplicate their trades; read as more, it would leave holes.
 */
export function parseCoverage(value: string, where: string): TimeRange[] {
  const refuse = (what: string, cause?: unknown): BatchJobError =>
    new BatchJobError(
      'COVERAGE_INVALID',
      `${where} is not a list of loaded time ranges (${what}): repair the table's snapshot summary before loading again`,
      { domain: 'external', retryable: false, cause },
    );
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch (cause) {
    throw refuse('not JSON', cause);
  }
  const parsed = rangesSchema.safeParse(raw);
  if (!parsed.success) throw refuse(listIssues(parsed.error));
  return parsed.data;
}

/** Formats a range for humans: ISO times, inclusive. */
export function formatRange([s, e]: TimeRange): string {
  return `${new Date(s).toISOString()} .. ${new Date(e).toISOString()}`;
}

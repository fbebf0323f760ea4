import { INDUCED_KINDS, SLOT_MULTIPLIER, periodOf, type InducedKind } from './golden-plan.js';

/** Sum, min, max and avg of one numeric column on one side (NULLs ignored, as in SQL). */
export interface GoldenAggregate {
  sum: number;
  min: number;
  max: number;
  avg: number;
}

/** The numeric columns of the golden dataset, in plan order. */
export const GOLDEN_NUMERIC_COLUMNS = ['price', 'quantity', 'quote_volume', 'trade_count'] as const;
type NumericColumn = (typeof GOLDEN_NUMERIC_COLUMNS)[number];
type Row = Record<NumericColumn, number | null>;

/**
 * The numeric values of one source row, in plain arithmetic: the generator computes them as
 * exact decimals in DuckDB and casts to DOUBLE, which is what integer arithmetic then one
 * division gives here.
 */
function sourceRow(id: number): Row {
  const cents = 10_000 + (id % 10_007) * 37;
  const milli = (id % 997) + 1;
  return {
    price: cents / 100,
    quantity: milli / 1000,
    quote_volume: (cents * milli) / 100_000,
    trade_count: (id % 50) + 1,
  };
}

/** The target copy of a source row under its induced kind (only value changes; row counts are handled by the caller). */
function targetRow(row: Row, kind: InducedKind | undefined): Row {
  const price = row.price ?? 0;
  if (kind === 'price_changed' || kind === 'replayed_with_error' || kind === 'conflicting_replay')
    return { ...row, price: price * 1.01 + 1 };
  if (kind === 'price_noise_within_tolerance') return { ...row, price: price * (1 + 1e-12) };
  if (kind === 'quantity_nulled') return { ...row, quantity: null };
  if (kind === 'quote_volume_and_side_changed') return { ...row, quote_volume: (row.quote_volume ?? 0) + 100 };
  return row;
}

function aggregate(rows: Row[], column: NumericColumn): GoldenAggregate {
  const values = rows.map((r) => r[column]).filter((v): v is number => v !== null);
  const sum = values.reduce((a, b) => a + b, 0);
  return {
    sum,
    min: values.reduce((a, b) => Math.min(a, b)),
    max: values.reduce((a, b) => Math.max(a, b)),
    avg: sum / values.length,
  };
}

/**
 * Sum, min, max and avg of every numeric column on both sides of a golden dataset of `rows`
 * ids at `rate`, derived from the plan (which kind hits which id), independently of the engine.
 */
export function expectedAggregates(
  rows: number,
  rate: number,
): Record<NumericColumn, { source: GoldenAggregate; target: GoldenAggregate }> {
  const period = periodOf(rate);
  const source: Row[] = [];
  const target: Row[] = [];
  for (let id = 0; id < rows; id++) {
    const kind = INDUCED_KINDS[(id * SLOT_MULTIPLIER) % period];
    const row = sourceRow(id);
    source.push(row);
    if (kind === 'duplicate_in_source') source.push(row);
    if (kind === 'missing_in_target') continue;
    const copy = targetRow(row, kind);
    target.push(copy);
    // An extra target row is a copy with a new trade_id; a duplicate is the same row twice.
    if (kind === 'extra_in_target' || kind === 'duplicate_in_target' || kind === 'replayed_with_error')
      target.push(copy);
    // A conflicting replay carries yet another price.
    if (kind === 'conflicting_replay') target.push({ ...copy, price: (copy.price ?? 0) * 1.01 + 1 });
  }
  const both = (c: NumericColumn) => ({ source: aggregate(source, c), target: aggregate(target, c) });
  return {
    price: both('price'),
    quantity: both('quantity'),
    quote_volume: both('quote_volume'),
    trade_count: both('trade_count'),
  };
}

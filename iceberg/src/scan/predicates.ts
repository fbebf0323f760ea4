import type { DataFile } from '../manifest/manifest.js';
import type { FieldSummary } from '../manifest/manifest-list.js';
import type { NestedField, Schema } from '../schema/types.js';
import type { BoundPartitionField } from '../spec/partition-spec.js';
import { applyTransform } from '../spec/transforms.js';
import { compareValues, fromBinary, normalizeValue, type IcebergValue } from '../spec/values.js';

/** A filter on one column; a scan's filters are AND-ed. Values take the same forms as row values. */
export type Predicate =
  | { column: string; op: '=' | '!=' | '<' | '<=' | '>' | '>='; value: unknown }
  | { column: string; op: 'in'; values: readonly unknown[] }
  | { column: string; op: 'is-null' | 'not-null' };

type Cmp = '=' | '<' | '<=' | '>' | '>=';

/**
 * Projects a column predicate onto a partition field (spec: Scan Planning — inclusive
 * projection): the result keeps every partition that may hold a matching row.
 */
function projectComparison(
  b: BoundPartitionField,
  op: Cmp,
  v: IcebergValue,
): { op: Cmp; value: IcebergValue } | undefined {
  const t = b.transform;
  const p = applyTransform(t, b.sourceType, v);
  if (p === null) return undefined;
  switch (t.kind) {
    case 'identity':
      return { op, value: p };
    case 'bucket':
      return op === '=' ? { op, value: p } : undefined;
    case 'truncate':
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
      // monotonic transforms: strict bounds weaken to inclusive ones on the transformed value
      return { op: op === '<' ? '<=' : op === '>' ? '>=' : op, value: p };
    case 'void':
    case 'unknown':
      return undefined;
  }
}

function satisfies(op: Cmp, actual: IcebergValue, expected: IcebergValue): boolean {
  const c = compareValues(actual, expected);
  return op === '=' ? c === 0 : op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
}

/** Whether a value range [lower, upper] may contain a value matching `op v`. */
function rangeMayMatch(
  op: Cmp,
  lower: IcebergValue | undefined,
  upper: IcebergValue | undefined,
  v: IcebergValue,
): boolean {
  switch (op) {
    case '=':
      return (
        !(lower !== undefined && compareValues(v, lower) < 0) && !(upper !== undefined && compareValues(v, upper) > 0)
      );
    case '<':
      return lower === undefined || compareValues(lower, v) < 0;
    case '<=':
      return lower === undefined || compareValues(lower, v) <= 0;
    case '>':
      return upper === undefined || compareValues(upper, v) > 0;
    case '>=':
      return upper === undefined || compareValues(upper, v) >= 0;
  }
}

/** A scan filter bound to a schema: column field and normalized values. */
export interface BoundPredicate {
  field: NestedField;
  predicate: Predicate;
  values: IcebergValue[];
}

/** Binds predicates to a schema (unknown columns are a usage error). */
export function bindPredicates(
  schema: Schema,
  predicates: readonly Predicate[],
  resolve: (schema: Schema, name: string) => NestedField,
): BoundPredicate[] {
  return predicates.map((p) => {
    const field = resolve(schema, p.column);
    const raw = p.op === 'in' ? p.values : 'value' in p ? [p.value] : [];
    return {
      field,
      predicate: p,
      values: raw.map((v) => normalizeValue(field.type, v, field.name)).filter((v): v is IcebergValue => v !== null),
    };
  });
}

/** Whether a file's partition tuple may hold rows matching every predicate. */
export function partitionMayMatch(
  bound: readonly BoundPartitionField[],
  tuple: readonly (IcebergValue | null)[],
  predicates: readonly BoundPredicate[],
): boolean {
  return predicates.every((bp) => {
    const op = bp.predicate.op;
    if (op === '!=' || op === 'is-null' || op === 'not-null') return true;
    return bound.every((b, i) => {
      if (b.field['source-id'] !== bp.field.id) return true;
      const actual = tuple[i] ?? null;
      const comparisons =
        op === 'in' ? bp.values.map((v) => projectComparison(b, '=', v)) : [projectComparison(b, op, bp.values[0]!)];
      if (comparisons.some((c) => c === undefined)) return true;
      return actual !== null && comparisons.some((c) => satisfies(c!.op, actual, c!.value));
    });
  });
}

/** Whether a manifest's partition summaries may hold matching files. */
export function manifestMayMatch(
  bound: readonly BoundPartitionField[],
  summaries: readonly FieldSummary[] | undefined,
  predicates: readonly BoundPredicate[],
): boolean {
  if (!summaries) return true;
  return predicates.every((bp) => {
    const op = bp.predicate.op;
    if (op === '!=' || op === 'is-null' || op === 'not-null') return true;
    return bound.every((b, i) => {
      const s = summaries[i];
      if (b.field['source-id'] !== bp.field.id || !s) return true;
      if (!s.lowerBound || !s.upperBound) return s.containsNull ? false : true;
      const lower = fromBinary(b.resultType, s.lowerBound);
      const upper = fromBinary(b.resultType, s.upperBound);
      const comparisons =
        op === 'in' ? bp.values.map((v) => projectComparison(b, '=', v)) : [projectComparison(b, op, bp.values[0]!)];
      if (comparisons.some((c) => c === undefined)) return true;
      return comparisons.some((c) => rangeMayMatch(c!.op, lower, upper, c!.value));
    });
  });
}

/** Whether a data file's column metrics (bounds, null counts) allow matching rows. */
export function metricsMayMatch(file: DataFile, predicates: readonly BoundPredicate[]): boolean {
  return predicates.every(({ field, predicate, values }) => {
    const id = field.id;
    const nulls = file.nullValueCounts.get(id);
    const count = file.valueCounts.get(id);
    if (predicate.op === 'is-null') return nulls === undefined || nulls > 0;
    const allNull = nulls !== undefined && count !== undefined && nulls === count;
    if (predicate.op === 'not-null') return !allNull;
    if (allNull) return false;
    if (predicate.op === '!=') return true;
    const lowerBytes = file.lowerBounds.get(id);
    const upperBytes = file.upperBounds.get(id);
    const lower = lowerBytes ? fromBinary(field.type, lowerBytes) : undefined;
    const upper = upperBytes ? fromBinary(field.type, upperBytes) : undefined;
    if (predicate.op === 'in') return values.some((v) => rangeMayMatch('=', lower, upper, v));
    return rangeMayMatch(predicate.op, lower, upper, values[0]!);
  });
}

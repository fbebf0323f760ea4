import type { ColumnType } from '@coattail/quality';
import type { RowRule } from './gate-config.js';
import type { InputColumn } from './gate-input.js';
import { quoteIdent, quoteLiteral } from './sql-text.js';

const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT']);
for (const t of ['UINTEGER', 'UBIGINT', 'UHUGEINT']) INTEGER_TYPES.add(t);

/** True when DuckDB's type holds numbers (integers, floats, decimals). */
export function isNumericType(type: string): boolean {
  return INTEGER_TYPES.has(type) || type === 'FLOAT' || type === 'DOUBLE' || type.startsWith('DECIMAL');
}

/** Whether a DuckDB type is what a declared logical column type expects. */
export function typeMatches(declared: ColumnType, type: string): boolean {
  switch (declared) {
    case 'string':
      return type === 'VARCHAR';
    case 'integer':
      return INTEGER_TYPES.has(type);
    case 'number':
      return isNumericType(type);
    case 'boolean':
      return type === 'BOOLEAN';
    case 'date':
      return type === 'DATE';
    case 'timestamp':
      return type.startsWith('TIMESTAMP');
  }
}

/** The DuckDB type a VARCHAR value must cast to for a declared type (text formats such as CSV). */
export const CAST_TYPE: Record<ColumnType, string> = {
  string: 'VARCHAR',
  integer: 'BIGINT',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
};

/**
 * The failure test of a `bounds` rule on `col` (an SQL expression of DuckDB type `type`): TRUE for
 * a value outside the bounds, or one that cannot be compared with them.
 */
export function boundsFailure(
  col: string,
  type: string,
  min: string | number | undefined,
  max: string | number | undefined,
): string {
  const sample = (min ?? max)!;
  // Numbers compare as numbers (values of a text column that are not numbers fail: mixed types),
  // ISO dates as timestamps, anything else as text.
  let value = col;
  let lit = (b: string | number): string => quoteLiteral(String(b));
  if (typeof sample === 'number') {
    value = isNumericType(type) ? col : `TRY_CAST(${col} AS DOUBLE)`;
    lit = (b) => String(Number(b));
  } else if (!Number.isNaN(Date.parse(sample))) {
    value = `TRY_CAST(${col} AS TIMESTAMP)`;
    lit = (b) => `TIMESTAMP ${quoteLiteral(String(b))}`;
  } else {
    value = `CAST(${col} AS VARCHAR)`;
  }
  // Only a TRY_CAST can turn a present value into NULL: a value that is not a number/timestamp.
  const out = value.startsWith('TRY_CAST') ? [`${value} IS NULL`] : [];
  if (min !== undefined) out.push(`${value} < ${lit(min)}`);
  if (max !== undefined) out.push(`${value} > ${lit(max)}`);
  return `(${col} IS NOT NULL AND (${out.join(' OR ')}))`;
}

/**
 * A boolean SQL expression, never NULL, that is TRUE for a row breaking the rule. Nulls pass every
 * rule but `not_null` and `sql`. `unique` reads `uniqueSlot`, a `row_number()` over its key that
 * {@link uniqueWindow} adds: every row of a duplicated key but one fails.
 */
export function failureExpression(rule: RowRule, columns: readonly InputColumn[], uniqueSlot: string): string {
  const typeOf = (name: string): string => columns.find((c) => c.name === name)!.type;
  switch (rule.type) {
    case 'not_null':
      return `(${quoteIdent(rule.column)} IS NULL)`;
    case 'bounds':
      return boundsFailure(quoteIdent(rule.column), typeOf(rule.column), rule.min, rule.max);
    case 'allowed_values': {
      const col = quoteIdent(rule.column);
      const numeric = isNumericType(typeOf(rule.column)) && rule.values.every((v) => typeof v === 'number');
      const list = rule.values.map((v) => (numeric ? String(v) : quoteLiteral(String(v)))).join(', ');
      return `(${col} IS NOT NULL AND ${numeric ? col : `CAST(${col} AS VARCHAR)`} NOT IN (${list}))`;
    }
    case 'regex': {
      const col = quoteIdent(rule.column);
      return `(${col} IS NOT NULL AND NOT regexp_full_match(CAST(${col} AS VARCHAR), ${quoteLiteral(rule.pattern)}))`;
    }
    case 'unique':
      return `(${quoteIdent(uniqueSlot)} > 1)`;
    case 'sql':
      return `((${rule.predicate}) IS NOT TRUE)`;
  }
}

/** The window column that numbers the rows of each key of a `unique` rule. */
export function uniqueWindow(columns: readonly string[], slot: string): string {
  return `row_number() OVER (PARTITION BY ${columns.map(quoteIdent).join(', ')}) AS ${quoteIdent(slot)}`;
}

/**
 * How many rows of a `unique` key are duplicates (all but one per key), as one aggregate term:
 * cheaper than the window, and NULL keys count as one key, as `PARTITION BY` groups them.
 */
export function duplicateCountTerm(columns: readonly string[]): string {
  if (columns.length === 1) {
    const col = quoteIdent(columns[0]!);
    return `(count(${col}) - count(DISTINCT ${col}) + greatest(count(*) - count(${col}) - 1, 0))`;
  }
  return `(count(*) - count(DISTINCT row(${columns.map(quoteIdent).join(', ')})))`;
}

/**
 * A screen for {@link duplicateCountTerm} that counts distinct 64-bit hashes instead of keys:
 * several times cheaper on string keys. Equal keys have equal hashes, so a screen of 0 proves
 * there are no duplicates; anything else (a duplicate, or a rare hash collision) is confirmed
 * with the exact term.
 */
export function duplicateScreenTerm(columns: readonly string[]): string {
  if (columns.length === 1) {
    const col = quoteIdent(columns[0]!);
    return `(count(${col}) - count(DISTINCT hash(${col})) FILTER (WHERE ${col} IS NOT NULL) + greatest(count(*) - count(${col}) - 1, 0))`;
  }
  return `(count(*) - count(DISTINCT hash(${columns.map(quoteIdent).join(', ')})))`;
}

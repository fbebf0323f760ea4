import type { ColumnDefinition, ColumnType } from '@coattail/quality';
import { sqlIdent, sqlLiteral } from './parser-registry.js';

/** The DuckDB type each declared column type is checked against. */
export const DUCK_TYPES: Readonly<Record<ColumnType, string>> = {
  string: 'VARCHAR',
  integer: 'BIGINT',
  number: 'DOUBLE',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMPTZ',
};

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL|DECIMAL.*)$/;

/** SQL fragments for one column of the file. */
export interface ColumnSql {
  readonly name: string;
  readonly physicalType: string;
  readonly definition: ColumnDefinition | undefined;
  /** The raw column. */
  readonly raw: string;
  /** The value as text. */
  readonly text: string;
  /** The value in its declared type (NULL when it does not convert), or the raw value. */
  readonly typed: string;
  /** Whether `typed` is numeric (for mean, stddev, histograms). */
  readonly numeric: boolean;
  /** Non-null values that do not convert; undefined when nothing is declared. */
  readonly typeMismatch?: string;
  /** Converted values breaking the pattern or allowed values. */
  readonly formatMismatch?: string;
  readonly belowMin?: string;
  readonly aboveMax?: string;
}

function boundLiteral(value: number | string, duckType: string): string {
  // Integer columns compare against DOUBLE bounds so `min: 0.5` is a valid bound, not a cast error.
  return `CAST(${sqlLiteral(String(value))} AS ${duckType === 'BIGINT' ? 'DOUBLE' : duckType})`;
}

/** Builds the check expressions of one column from its declaration (if any). */
export function columnSql(name: string, physicalType: string, definition: ColumnDefinition | undefined): ColumnSql {
  const raw = sqlIdent(name);
  const text = physicalType === 'VARCHAR' ? raw : `CAST(${raw} AS VARCHAR)`;
  if (definition === undefined) {
    return { name, physicalType, definition, raw, text, typed: raw, numeric: NUMERIC.test(physicalType) };
  }
  const duckType = DUCK_TYPES[definition.type];
  const typed = physicalType === duckType ? raw : `TRY_CAST(${text} AS ${duckType})`;
  const typeMismatch =
    physicalType === duckType || duckType === 'VARCHAR' ? 'false' : `(${raw} IS NOT NULL AND ${typed} IS NULL)`;
  const rules: string[] = [];
  if (definition.pattern !== undefined) rules.push(`NOT regexp_full_match(${text}, ${sqlLiteral(definition.pattern)})`);
  if (definition.allowedValues !== undefined)
    rules.push(`${text} NOT IN (${definition.allowedValues.map((v) => sqlLiteral(String(v))).join(', ')})`);
  const base = {
    name,
    physicalType,
    definition,
    raw,
    text,
    typed,
    numeric: duckType === 'BIGINT' || duckType === 'DOUBLE',
    typeMismatch,
  };
  return {
    ...base,
    ...(rules.length > 0 ? { formatMismatch: `(${typed} IS NOT NULL AND (${rules.join(' OR ')}))` } : {}),
    ...(definition.min !== undefined ? { belowMin: `(${typed} < ${boundLiteral(definition.min, duckType)})` } : {}),
    ...(definition.max !== undefined ? { aboveMax: `(${typed} > ${boundLiteral(definition.max, duckType)})` } : {}),
  };
}

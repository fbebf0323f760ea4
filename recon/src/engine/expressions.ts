import type { ReconConfig } from '../config/recon-config.js';
import { quoteIdent } from '../sql/quote.js';
import type { ColumnPair } from './column-plan.js';

type Normalize = ReconConfig['normalize'];

/**
 * The normalized, type-unified SQL expression of a column: both sides produce the same type so
 * a hash of the values does not depend on int32 vs int64 or on trailing blanks (when trimmed).
 */
export function normalizedExpr(pair: ColumnPair, normalize: Normalize, alias?: string): string {
  const col = alias === undefined ? quoteIdent(pair.name) : `${alias}.${quoteIdent(pair.name)}`;
  // A cast to the type both sides already have is left out: the bare column lets DuckDB push
  // join filters into the Parquet scan.
  const cast = (type: string): string =>
    pair.sourceType === type && pair.targetType === type ? col : `CAST(${col} AS ${type})`;
  switch (pair.compareAs) {
    case 'integer':
      // BIGINT hashes and joins faster than HUGEINT; only the widest types need HUGEINT.
      return cast(fitsBigint(pair.sourceType) && fitsBigint(pair.targetType) ? 'BIGINT' : 'HUGEINT');
    case 'numeric':
      return cast('DOUBLE');
    case 'timestamp': {
      const ts = cast('TIMESTAMP');
      return normalize.timestampPrecision === 'microseconds'
        ? ts
        : `date_trunc('${normalize.timestampPrecision}', ${ts})`;
    }
    case 'boolean':
      return cast('BOOLEAN');
    case 'string':
    case 'text':
      return stringExpr(cast('VARCHAR'), normalize);
  }
}

function fitsBigint(type: string): boolean {
  return /^(TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER)$/i.test(type);
}

function stringExpr(expr: string, normalize: Normalize): string {
  let out = expr;
  if (normalize.trim) out = `trim(${out})`;
  if (normalize.case === 'lower') out = `lower(${out})`;
  if (normalize.case === 'upper') out = `upper(${out})`;
  return out;
}

/**
 * A SQL boolean that is true when two normalized values differ. NULL equals NULL; numbers obey
 * datacompy's tolerance `|s − t| ≤ abs + rel·|t|`.
 */
export function differsExpr(pair: ColumnPair, s: string, t: string): string {
  const { absolute, relative } = pair.tolerance;
  const tolerant = (pair.compareAs === 'numeric' || pair.compareAs === 'integer') && (absolute > 0 || relative > 0);
  if (!tolerant) return `(${s} IS DISTINCT FROM ${t})`;
  const sd = `CAST(${s} AS DOUBLE)`;
  const td = `CAST(${t} AS DOUBLE)`;
  return (
    `(CASE WHEN ${s} IS NULL AND ${t} IS NULL THEN false WHEN ${s} IS NULL OR ${t} IS NULL THEN true ` +
    `ELSE abs(${sd} - ${td}) > ${num(absolute)} + ${num(relative)} * abs(${td}) END)`
  );
}

/** A finite number as a SQL literal. */
export function num(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return `CAST(${String(value)} AS DOUBLE)`;
}

const FRACTION_DIGITS: Record<Normalize['timestampPrecision'], number> = {
  microseconds: 6,
  milliseconds: 3,
  seconds: 0,
  minutes: 0,
};
const TYPE_DIGITS: Record<string, number> = { TIMESTAMP: 6, TIMESTAMP_MS: 3, TIMESTAMP_S: 0, TIMESTAMP_NS: 9 };
const FRACTION_FORMAT: Record<number, string> = { 0: '', 3: '.%g', 6: '.%f', 9: '.%n' };

/**
 * A column's value as report text. Timestamps keep a fixed number of fraction digits (DuckDB's
 * own cast drops trailing zeros, so 37.860 would read 37.86 beside 37.861): the digits of the
 * stored type, or fewer when the comparison is coarser (`normalize.timestampPrecision`).
 */
export function renderedExpr(column: string, type: string, normalize: Normalize): string {
  const digits = TYPE_DIGITS[type.toUpperCase()];
  if (digits === undefined) return `CAST(${column} AS VARCHAR)`;
  const shown = Math.min(digits, FRACTION_DIGITS[normalize.timestampPrecision]);
  return `strftime(${column}, '%Y-%m-%d %H:%M:%S${FRACTION_FORMAT[shown] ?? ''}')`;
}

/** The record key as one text value (`a | b` for composite keys), for reports. */
export function recordKeyExpr(keyAliases: readonly string[]): string {
  return keyAliases.length === 1
    ? `CAST(${keyAliases[0]} AS VARCHAR)`
    : `concat_ws(' | ', ${keyAliases.map((k) => `CAST(${k} AS VARCHAR)`).join(', ')})`;
}

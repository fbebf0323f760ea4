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

/** The record key as one text value (`a | b` for composite keys), for reports. */
export function recordKeyExpr(keyAliases: readonly string[]): string {
  return keyAliases.length === 1
    ? `CAST(${keyAliases[0]} AS VARCHAR)`
    : `concat_ws(' | ', ${keyAliases.map((k) => `CAST(${k} AS VARCHAR)`).join(', ')})`;
}

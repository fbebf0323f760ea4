import { duckdbType, quoteLiteral } from '../data/duckdb-types.js';
import { UnsupportedFeatureError } from '../errors.js';
import type { NestedField } from '../schema/types.js';
import { decimalOf, fixedLengthOf } from '../schema/types.js';
import type { IcebergValue } from '../spec/values.js';

/**
 * The DuckDB type a column is read as. Wider than what the writer supports: `fixed[N]` reads as
 * BLOB (Parquet FIXED_LEN_BYTE_ARRAY), so a table with such a column stays readable.
 */
export function readType(field: NestedField): string {
  const type = field.type;
  if (typeof type !== 'string')
    throw new UnsupportedFeatureError(
      `nested columns (${type.type})`,
      `column '${field.name}' (id ${field.id}) cannot be read; project the other columns with a writer that flattens it`,
    );
  if (fixedLengthOf(type) !== undefined) return 'BLOB';
  try {
    return duckdbType(type);
  } catch {
    throw new UnsupportedFeatureError(`type ${type}`, `column '${field.name}' (id ${field.id}) cannot be read`);
  }
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Unscaled value of a big-endian two's-complement decimal (Avro/Parquet decimal bytes). */
function unscaledOf(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return bytes.length > 0 && (bytes[0]! & 0x80) !== 0 ? v - (1n << BigInt(bytes.length * 8)) : v;
}

function decimalText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

/**
 * A DuckDB constant expression for a partition value as manifests hold it (the spec's Avro
 * representation: days, microseconds, unscaled decimals as bytes, ...), typed as the column reads.
 */
export function partitionValueSql(field: NestedField, value: IcebergValue | null): string {
  const type = readType(field);
  if (value === null) return `CAST(NULL AS ${type})`;
  const t = field.type as string;
  const micros = (v: IcebergValue): string => `to_microseconds(CAST(${String(v)} AS BIGINT))`;
  switch (t) {
    case 'date':
      return `CAST(DATE '1970-01-01' + CAST(${String(value)} AS INTEGER) AS DATE)`;
    case 'time':
      return `CAST(TIME '00:00:00' + ${micros(value)} AS TIME)`;
    case 'timestamp':
      return `CAST(TIMESTAMP '1970-01-01 00:00:00' + ${micros(value)} AS TIMESTAMP)`;
    case 'timestamptz':
      return `CAST(TIMESTAMPTZ '1970-01-01 00:00:00+00' + ${micros(value)} AS TIMESTAMPTZ)`;
  }
  if (value instanceof Uint8Array) {
    const dec = decimalOf(t);
    if (dec) return `CAST(${quoteLiteral(decimalText(unscaledOf(value), dec.scale))} AS ${type})`;
    if (t === 'uuid') return `CAST(${quoteLiteral(hex(value))} AS UUID)`;
    return `from_hex(${quoteLiteral(hex(value))})`;
  }
  const dec = decimalOf(t);
  if (dec && typeof value === 'bigint') return `CAST(${quoteLiteral(decimalText(value, dec.scale))} AS ${type})`;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return `CAST(${quoteLiteral(String(value))} AS ${type})`;
}

/**
 * A DuckDB constant for a field's v3 `initial-default` (JSON single-value serialization, spec
 * Appendix D: ISO strings for dates and times, hex for binary and fixed, decimal strings), or
 * `NULL` when the field has none: rows of files written before the column existed read it.
 */
export function initialDefaultSql(field: NestedField): string {
  const value = field['initial-default'];
  const type = readType(field);
  if (value === undefined || value === null) return 'NULL';
  const t = field.type;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return `CAST(${quoteLiteral(String(value))} AS ${type})`;
  if (typeof value !== 'string')
    throw new UnsupportedFeatureError(
      'initial-default of a nested type',
      `column '${field.name}' (id ${field.id}) has a default that is not a single value`,
    );
  if (t === 'binary' || fixedLengthOf(t) !== undefined) return `from_hex(${quoteLiteral(value)})`;
  return `CAST(${quoteLiteral(value)} AS ${type})`;
}

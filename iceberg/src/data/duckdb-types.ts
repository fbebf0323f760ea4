import {
  BIGINT,
  BLOB,
  BOOLEAN,
  DATE,
  DECIMAL,
  DOUBLE,
  FLOAT,
  INTEGER,
  TIME,
  TIMESTAMP,
  TIMESTAMPTZ,
  UUID,
  VARCHAR,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTimeValue,
  DuckDBUUIDValue,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';
import { IcebergUsageError } from '../errors.js';
import { decimalOf, type IcebergType } from '../schema/types.js';
import type { IcebergValue } from '../spec/values.js';

/** The DuckDB SQL type that writes the Parquet physical/logical type the spec maps an Iceberg type to. */
export function duckdbType(type: IcebergType): string {
  switch (type) {
    case 'boolean':
      return 'BOOLEAN';
    case 'int':
      return 'INTEGER';
    case 'long':
      return 'BIGINT';
    case 'float':
      return 'FLOAT';
    case 'double':
      return 'DOUBLE';
    case 'date':
      return 'DATE';
    case 'time':
      return 'TIME';
    case 'timestamp':
      return 'TIMESTAMP';
    case 'timestamptz':
      return 'TIMESTAMPTZ';
    case 'string':
      return 'VARCHAR';
    case 'uuid':
      return 'UUID';
    case 'binary':
      return 'BLOB';
  }
  const dec = decimalOf(type);
  if (dec) return `DECIMAL(${dec.precision},${dec.scale})`;
  throw new IcebergUsageError(`type ${JSON.stringify(type)} is not supported by the Parquet writer`);
}

const LOGICAL: Record<string, DuckDBType> = {
  boolean: BOOLEAN,
  int: INTEGER,
  long: BIGINT,
  float: FLOAT,
  double: DOUBLE,
  date: DATE,
  time: TIME,
  timestamp: TIMESTAMP,
  timestamptz: TIMESTAMPTZ,
  string: VARCHAR,
  uuid: UUID,
  binary: BLOB,
};

/** The DuckDB type object of {@link duckdbType} (for table functions and data chunks). */
export function duckdbLogicalType(type: IcebergType): DuckDBType {
  const dec = decimalOf(type);
  if (dec) return DECIMAL(dec.precision, dec.scale);
  const t = typeof type === 'string' ? LOGICAL[type] : undefined;
  if (!t) throw new IcebergUsageError(`type ${JSON.stringify(type)} is not supported by the Parquet writer`);
  return t;
}

/** Converts a normalized Iceberg value to what the DuckDB appender takes for that type. */
export function toDuckDBValue(type: IcebergType, v: IcebergValue | null): DuckDBValue {
  if (v === null) return null;
  switch (type) {
    case 'long':
      return BigInt(v as bigint);
    case 'date':
      return new DuckDBDateValue(v as number);
    case 'time':
      return new DuckDBTimeValue(v as bigint);
    case 'timestamp':
      return new DuckDBTimestampValue(v as bigint);
    case 'timestamptz':
      return new DuckDBTimestampTZValue(v as bigint);
    case 'uuid':
      return DuckDBUUIDValue.fromUint128(BigInt(`0x${(v as string).replace(/-/g, '')}`));
    case 'binary':
      return new DuckDBBlobValue(v as Uint8Array);
  }
  const dec = decimalOf(type);
  if (dec) return new DuckDBDecimalValue(v as bigint, dec.precision, dec.scale);
  return v as DuckDBValue;
}

/**
 * The conversion {@link toDuckDBValue} does for `type`, chosen once per column rather than per
 * value; `undefined` when values pass through as they are (strings, numbers, booleans), so a writer
 * can hand the column over without touching each value.
 */
export function duckDBConverter(type: IcebergType): ((v: IcebergValue) => DuckDBValue) | undefined {
  switch (type) {
    case 'string':
    case 'double':
    case 'float':
    case 'int':
    case 'boolean':
      return undefined;
    default:
      return (v) => toDuckDBValue(type, v);
  }
}

/** Converts a value read by DuckDB back to the library's representation for the Iceberg type. */
export function fromDuckDBValue(type: IcebergType, v: DuckDBValue): IcebergValue | null {
  if (v === null) return null;
  if (v instanceof DuckDBTimestampTZValue || v instanceof DuckDBTimestampValue || v instanceof DuckDBTimeValue)
    return v.micros;
  if (v instanceof DuckDBDateValue) return v.days;
  if (v instanceof DuckDBBlobValue) return new Uint8Array(v.bytes);
  if (v instanceof DuckDBDecimalValue) return v.value;
  if (v instanceof DuckDBUUIDValue) return v.toString();
  if (type === 'long' && typeof v === 'number') return BigInt(v);
  if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') return v;
  return String(v);
}

/** Quotes an identifier for DuckDB SQL. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a string literal for DuckDB SQL. */
export function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

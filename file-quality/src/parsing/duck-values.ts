import type { DuckDBConnection, Json } from '@duckdb/node-api';
import type { ProfileValue } from '@coattail/quality';

/** A result row as DuckDB returns it in JSON form. */
export type Row = Record<string, Json>;
export const str = (value: Json | undefined): string =>
  typeof value === 'string' ? value : JSON.stringify(value ?? null);
export const num = (value: Json | undefined): number => (value === null || value === undefined ? 0 : Number(value));

/** Runs `sql` and returns its rows as JSON values. */
export async function rows(conn: DuckDBConnection, sql: string): Promise<Row[]> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJson();
}

/** A DuckDB value as a profile value: scalars as they are, anything else as JSON text. */
export function toProfileValue(value: Json | undefined): ProfileValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

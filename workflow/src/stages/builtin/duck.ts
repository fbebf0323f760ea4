import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** Runs `f` on a fresh in-memory DuckDB connection, closed afterwards. */
export async function withDuckDb<T>(f: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return await f(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** A SQL string literal. */
export const lit = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** The DuckDB table function reading a data file, chosen by its extension. */
export function readerFor(paths: readonly string[]): string {
  const list = `[${paths.map(lit).join(', ')}]`;
  const first = paths[0] ?? '';
  if (first.endsWith('.parquet')) return `read_parquet(${list}, union_by_name = true)`;
  if (/\.(jsonl|ndjson|json)$/.test(first)) return `read_json_auto(${list}, union_by_name = true)`;
  return `read_csv(${list}, header = true, union_by_name = true)`;
}

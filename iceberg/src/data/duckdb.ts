import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

let instance: Promise<DuckDBInstance> | undefined;

/**
 * One in-memory DuckDB per process, shared by writers and scans; each operation takes its own
 * connection (temp tables are per connection), so concurrent operations do not interfere.
 */
export async function connectDuckDB(): Promise<DuckDBConnection> {
  instance ??= DuckDBInstance.create(':memory:', { threads: '2' });
  return (await instance).connect();
}

/** Runs `fn` with a fresh connection and always closes it. */
export async function withDuckDB<T>(fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const connection = await connectDuckDB();
  try {
    return await fn(connection);
  } finally {
    connection.closeSync();
  }
}

import { DuckDBInstance, type DuckDBConnection, type DuckDBTableFunction } from '@duckdb/node-api';
import { registerBatchScan } from './batch-scan.js';

let instance: Promise<DuckDBInstance> | undefined;
// Kept referenced for the life of the database it is registered on.
let _batchScan: DuckDBTableFunction | undefined;

async function createInstance(): Promise<DuckDBInstance> {
  const db = await DuckDBInstance.create(':memory:', { threads: '2' });
  const connection = await db.connect();
  try {
    _batchScan = registerBatchScan(connection);
  } finally {
    connection.closeSync();
  }
  return db;
}

/**
 * One in-memory DuckDB per process, shared by writers and scans; each operation takes its own
 * connection (temp tables are per connection), so concurrent operations do not interfere.
 */
export async function connectDuckDB(): Promise<DuckDBConnection> {
  instance ??= createInstance();
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

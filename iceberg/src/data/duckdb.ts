import { DuckDBInstance, type DuckDBConnection, type DuckDBTableFunction } from '@duckdb/node-api';
import { registerBatchScan } from './batch-scan.js';

let instance: Promise<DuckDBInstance> | undefined;
let writer: Promise<DuckDBInstance> | undefined;
// Kept referenced for the life of the databases they are registered on.
const batchScans: DuckDBTableFunction[] = [];

async function createInstance(threads: number): Promise<DuckDBInstance> {
  const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const connection = await db.connect();
  try {
    batchScans.push(registerBatchScan(connection));
  } finally {
    connection.closeSync();
  }
  return db;
}

/**
 * One in-memory DuckDB per process, shared by scans (and anything else that is not the Parquet
 * writer); each operation takes its own connection (temp tables are per connection), so concurrent
 * operations do not interfere.
 */
export async function connectDuckDB(): Promise<DuckDBConnection> {
  instance ??= createInstance(2);
  return (await instance).connect();
}

async function using<T>(connection: DuckDBConnection, fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  try {
    return await fn(connection);
  } finally {
    connection.closeSync();
  }
}

/** Runs `fn` with a fresh connection and always closes it. */
export async function withDuckDB<T>(fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  return using(await connectDuckDB(), fn);
}

/**
 * Runs `fn` with a connection to the Parquet writer's DuckDB: one thread. Data files are written
 * one `COPY` per file, most of them far smaller than a row group, where a second thread only adds
 * scheduling work — measured at about 1.7× the CPU for the same files (see docs/benchmarks.md).
 */
export async function withWriterDuckDB<T>(fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  writer ??= createInstance(1);
  return using(await (await writer).connect(), fn);
}

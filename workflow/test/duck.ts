import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** One in-memory DuckDB and a scratch folder for a test file; `close()` removes both. */
export interface DuckFixture {
  readonly connection: DuckDBConnection;
  readonly dir: string;
  /** Writes the rows of a query to a file in the scratch folder and returns its path. */
  write(name: string, query: string, format?: 'parquet' | 'csv'): Promise<string>;
  /** Rows of a query as JSON objects. */
  rows(sql: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export async function openDuck(): Promise<DuckFixture> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection = await instance.connect();
  await connection.run(`SET TimeZone = 'UTC'`);
  const dir = await mkdtemp(join(tmpdir(), 'coattail-workflow-'));
  return {
    connection,
    dir,
    async write(name, query, format = 'parquet') {
      const path = join(dir, name);
      const options = format === 'csv' ? '(FORMAT csv, HEADER true)' : '(FORMAT parquet, COMPRESSION zstd)';
      await connection.run(`COPY (${query}) TO '${path.replace(/'/g, "''")}' ${options}`);
      return path;
    },
    async rows(sql) {
      return (await connection.runAndReadAll(sql)).getRowObjectsJson();
    },
    async close() {
      connection.closeSync();
      instance.closeSync();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** SQL for `n` synthetic trades: unique ids, positive prices, buy/sell, event times one second apart from `start`. */
export function tradesQuery(n: number, start = Date.UTC(2026, 0, 1)): string {
  return `SELECT 'binance:BTC-USDT:' || i AS event_id, 'binance' AS exchange,
      CASE WHEN i % 3 = 0 THEN 'ETH-USDT' ELSE 'BTC-USDT' END AS symbol,
      CASE WHEN i % 2 = 0 THEN 'buy' ELSE 'sell' END AS side,
      100.0 + (i % 50) AS price, 0.5 + (i % 7) AS quantity,
      (100.0 + (i % 50)) * (0.5 + (i % 7)) AS quote_volume,
      ${start} + i * 1000 AS event_time_ms,
      make_timestamp((${start} + i * 1000) * 1000) AS event_time
    FROM range(${n}) t(i)`;
}

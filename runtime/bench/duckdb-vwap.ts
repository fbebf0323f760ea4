/**
 * The same VWAP aggregation in DuckDB SQL, over the same rows: loaded through the appender in
 * data chunks, then aggregated with GROUP BY. Load and query are timed apart; the comparison
 * with the runtime is on query time alone (the runtime's input is in memory too).
 */
import { BIGINT, DOUBLE, DuckDBDataChunk, DuckDBInstance, VARCHAR } from '@duckdb/node-api';
import { timed } from './measure.js';
import { WINDOW_MS, toResult, type Trade, type WindowResult } from './trades.js';

export interface DuckDbRun {
  results: WindowResult[];
  loadMs: number;
  queryMs: number;
  queryCpuMs: number;
  threads: number;
}

const CHUNK = 2048;

/** Loads `trades` into an in-memory DuckDB and runs the aggregation with `threads` threads. */
export async function duckDbVwap(trades: readonly Trade[], threads = 1): Promise<DuckDbRun> {
  const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
  const connection = await instance.connect();
  try {
    await connection.run(
      'CREATE TABLE trades (symbol VARCHAR, exchange VARCHAR, price DOUBLE, quantity DOUBLE, event_time BIGINT)',
    );
    const load = await timed(async () => {
      const appender = await connection.createAppender('trades');
      const types = [VARCHAR, VARCHAR, DOUBLE, DOUBLE, BIGINT];
      for (let from = 0; from < trades.length; from += CHUNK) {
        const n = Math.min(CHUNK, trades.length - from);
        const symbol = new Array<string>(n);
        const exchange = new Array<string>(n);
        const price = new Array<number>(n);
        const quantity = new Array<number>(n);
        const eventTime = new Array<bigint>(n);
        for (let i = 0; i < n; i++) {
          const t = trades[from + i]!;
          symbol[i] = t.symbol;
          exchange[i] = t.exchange;
          price[i] = t.price;
          quantity[i] = t.quantity;
          eventTime[i] = BigInt(t.eventTime);
        }
        const chunk = DuckDBDataChunk.create(types, n);
        chunk.setColumns([symbol, exchange, price, quantity, eventTime]);
        appender.appendDataChunk(chunk);
      }
      appender.closeSync();
    });
    // Group on the columns, build the composite key per group: the SQL a person would write.
    const sql = `SELECT symbol || '|' || exchange AS key, window_start, n, volume, quote_volume FROM (
                   SELECT symbol, exchange, event_time // ${WINDOW_MS} * ${WINDOW_MS} AS window_start,
                          count(*) AS n, sum(quantity) AS volume, sum(price * quantity) AS quote_volume
                   FROM trades GROUP BY ALL)`;
    const query = await timed(async () => (await connection.runAndReadAll(sql)).getRowsJS());
    const results = query.value.map(([key, start, n, volume, quoteVolume]) =>
      toResult(key as string, Number(start), {
        count: Number(n),
        volume: Number(volume),
        quoteVolume: Number(quoteVolume),
      }),
    );
    return { results, loadMs: load.wallMs, queryMs: query.wallMs, queryCpuMs: query.cpuMs, threads };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

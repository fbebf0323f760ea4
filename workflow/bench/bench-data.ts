import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * Synthetic trades shaped like the stream jobs' `JobTrade` (stream-jobs test-trades): exchange
 * ids, eight symbols with their own price levels and random walks, buy/sell, skewed quantities,
 * event times in arrival order (interleaved symbols, ~43 ms apart) as epoch milliseconds.
 */
export function tradesSql(rows: number): string {
  return `SELECT exchange || ':' || symbol || ':' || (1000000000 + i) AS event_id, exchange, symbol, side,
      price, quantity, round(price * quantity, 8) AS quote_volume, event_time
    FROM (
      SELECT i, CASE WHEN hash(i) % 10 < 7 THEN 'binance' ELSE 'coinbase' END AS exchange,
        list_element(['BTC-USDT','ETH-USDT','SOL-USDT','BNB-USDT','XRP-USDT','DOGE-USDT','ADA-USDT','AVAX-USDT'], k) AS symbol,
        CASE WHEN hash(i * 7) % 2 = 0 THEN 'buy' ELSE 'sell' END AS side,
        CAST(round(list_element([97000.0, 3400.0, 180.0, 650.0, 2.3, 0.32, 0.95, 38.0], k) * (1 + 0.01 * sin(i / 5000.0))
          * (1 + (hash(i * 3) % 100) / 1e6), 2) AS DOUBLE) AS price,
        CAST(round(power((hash(i * 5) % 100000) / 1000.0, 2) / 100 + 0.0001, 6) AS DOUBLE) AS quantity,
        1767225600000 + i * 43 + hash(i * 11) % 40 AS event_time
      FROM (SELECT i, CAST(hash(i * 13) % 8 AS INTEGER) + 1 AS k FROM range(${rows}) t(i)))`;
}

/**
 * The reconciliation golden data's source shape (recon's generator): twelve columns per trade
 * id with prices, quantities, flags, small codes and a sparse note, rows in id order.
 */
export function reconSql(rows: number): string {
  return `SELECT id AS trade_id,
      list_element(['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'BNBUSDT', 'XRPUSDT'], CAST(id % 5 AS INTEGER) + 1) AS symbol,
      CASE WHEN id % 2 = 0 THEN 'binance' ELSE 'coinbase' END AS exchange,
      CAST(round(100 + (id % 10007) * 0.37, 2) AS DOUBLE) AS price,
      CAST(((id % 997) + 1) * 0.001 AS DOUBLE) AS quantity,
      CAST(round(100 + (id % 10007) * 0.37, 2) * ((id % 997) + 1) * 0.001 AS DOUBLE) AS quote_volume,
      TIMESTAMP '2024-01-01 00:00:00' + to_milliseconds(id * 37) AS trade_time,
      id % 3 = 0 AS is_buyer_maker,
      CAST(id % 50 + 1 AS INTEGER) AS trade_count,
      CAST(id % 13 AS INTEGER) AS venue_code,
      CASE WHEN id % 7 = 0 THEN NULL ELSE 'n' || (id % 100) END AS note,
      id % 11 = 0 AS legacy_flag
    FROM range(${rows}) r(id)`;
}

/**
 * The file-quality service's CSV shape (id, price, side, day, note): uploaded order files with
 * sequential ids, prices, a side, a business day and a free-text note, read from CSV.
 */
export function fileQualitySql(rows: number): string {
  return `SELECT i + 1 AS id, CAST(round(10 + (hash(i) % 100000) / 100.0, 2) AS DOUBLE) AS price,
      CASE WHEN hash(i * 3) % 3 = 0 THEN 'sell' ELSE 'buy' END AS side,
      DATE '2025-06-01' + CAST(i / 20000 AS INTEGER) AS day,
      CASE WHEN hash(i * 5) % 4 = 0 THEN NULL ELSE 'order ' || (hash(i * 7) % 5000) || ' via desk ' || (hash(i * 11) % 12) END AS note
    FROM range(${rows}) t(i)`;
}

/** Median wall time of `runs` calls, in milliseconds. */
export async function medianMs(runs: number, work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** Wall and CPU medians (ms) of a workload. */
export interface Timing {
  wall: number;
  /** This process's CPU time (user + system), native DuckDB threads included. */
  cpu: number;
}

/**
 * Medians of two workloads timed alternately (a, b, a, b, …) so load changes hit both alike;
 * wall time and this process's CPU time, the steadier measure on a shared machine.
 */
export async function pairedMedians(
  runs: number,
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
): Promise<[Timing, Timing]> {
  const times = [
    { wall: [] as number[], cpu: [] as number[] },
    { wall: [] as number[], cpu: [] as number[] },
  ];
  for (let i = 0; i < runs; i++) {
    for (const [k, work] of [a, b].entries()) {
      const c0 = process.cpuUsage();
      const start = performance.now();
      await work();
      times[k]!.wall.push(performance.now() - start);
      const c = process.cpuUsage(c0);
      times[k]!.cpu.push((c.user + c.system) / 1000);
    }
  }
  const median = (t: number[]) => t.sort((x, y) => x - y)[Math.floor(t.length / 2)]!;
  const [ta, tb] = times.map((t) => ({ wall: median(t.wall), cpu: median(t.cpu) }));
  return [ta!, tb!];
}

/** Creates a table from a query. */
export async function createTable(connection: DuckDBConnection, name: string, sql: string): Promise<void> {
  await connection.run(`CREATE OR REPLACE TABLE ${name} AS ${sql}`);
}

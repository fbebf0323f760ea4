import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { evaluateGate } from '../src/gates/evaluate-gate.js';
import { tradesSql } from './bench-data.js';

// Gate validation throughput on one core: the gate over a Parquet file of trades, with footer
// statistics proving what they can and with a full scan, against the same rules written by hand as
// one DuckDB aggregate over every row. GATE_BENCH_ROWS sets the trades (5 million by default);
// GATE_BENCH_NUMERIC=1 adds an INTEGER venue column (0–3, dictionary-encoded) and an
// `allowed_values` rule of numbers on it to every rule set but the footer-only one.
const ROWS = Number(process.env.GATE_BENCH_ROWS ?? 5_000_000);
const NUMERIC = process.env.GATE_BENCH_NUMERIC === '1';
const dir = await mkdtemp(join(tmpdir(), 'coattail-gate-bench-'));
const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const connection = await instance.connect();
const path = join(dir, 'trades.parquet');
const rowsSql = NUMERIC
  ? `SELECT *, CAST(hash(event_id) % 4 AS INTEGER) AS venue FROM (${tradesSql(ROWS)})`
  : tradesSql(ROWS);
await connection.run(`COPY (${rowsSql}) TO '${path}' (FORMAT parquet)`);

const gate = {
  name: 'trades',
  action: 'fail',
  rules: [
    { type: 'not_null', column: 'event_id' },
    { type: 'not_null', column: 'symbol' },
    { type: 'not_null', column: 'price' },
    { type: 'bounds', column: 'price', min: 0 },
    { type: 'bounds', column: 'quantity', min: 0 },
    { type: 'allowed_values', column: 'side', values: ['buy', 'sell'] },
    { type: 'allowed_values', column: 'exchange', values: ['binance', 'coinbase'] },
    ...(NUMERIC ? [{ type: 'allowed_values', column: 'venue', values: [0, 1, 2, 3] }] : []),
    { type: 'sql', predicate: 'abs(quote_volume - price * quantity) <= 1e-6 * quote_volume + 1e-8' },
    { type: 'row_count', min: 1 },
    { type: 'unique', columns: ['event_id'] },
  ],
};
const plain = `SELECT count(*),
  count(*) FILTER (WHERE event_id IS NULL), count(*) FILTER (WHERE symbol IS NULL), count(*) FILTER (WHERE price IS NULL),
  count(*) FILTER (WHERE price < 0), count(*) FILTER (WHERE quantity < 0),
  count(*) FILTER (WHERE side NOT IN ('buy', 'sell')), count(*) FILTER (WHERE exchange NOT IN ('binance', 'coinbase')),${NUMERIC ? ' count(*) FILTER (WHERE venue NOT IN (0, 1, 2, 3)),' : ''}
  count(*) FILTER (WHERE NOT (abs(quote_volume - price * quantity) <= 1e-6 * quote_volume + 1e-8)),
  count(event_id) - count(DISTINCT event_id)
  FROM read_parquet('${path}')`;

const input = { format: 'parquet', paths: [path] };
// CPU time of this process (DuckDB's one worker thread included) is the steadier figure on a
// shared machine: wall time also counts the time other processes held the cores.
type Timing = { wall: number[]; cpu: number[] };
const timeOnce = async (into: Timing, work: () => Promise<unknown>) => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await work();
  into.wall.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  into.cpu.push((c.user + c.system) / 1000);
};
const median = (t: number[]) => [...t].sort((x, y) => x - y)[Math.floor(t.length / 2)]!;
const rate = (ms: number) => `${(((ROWS / ms) * 1000) / 1e6).toFixed(1)} M records/s`;
const show = (t: Timing) =>
  `${rate(median(t.cpu))} per CPU-second (${median(t.cpu).toFixed(0)} ms CPU), ${rate(median(t.wall))} wall (${median(t.wall).toFixed(0)} ms)`;

const venue = NUMERIC ? ' and allowed_values(venue) on INTEGER' : '';
const footerOnly = new Set(['not_null', 'bounds', 'row_count']);
const notNullAndBounds = `SELECT count(*),
  count(*) FILTER (WHERE event_id IS NULL), count(*) FILTER (WHERE symbol IS NULL), count(*) FILTER (WHERE price IS NULL),
  count(*) FILTER (WHERE price < 0), count(*) FILTER (WHERE quantity < 0)
  FROM read_parquet('${path}')`;
for (const [label, rules, sql] of [
  [`all rules incl. unique(event_id)${venue}`, gate.rules, plain],
  [
    `without unique(event_id)${venue}`,
    gate.rules.filter((r) => r.type !== 'unique'),
    plain.replace(',\n  count(event_id) - count(DISTINCT event_id)', ''),
  ],
  ['not_null, bounds and row_count only', gate.rules.filter((r) => footerOnly.has(r.type)), notNullAndBounds],
] as const) {
  await connection.run(sql); // warm the file cache for every side
  const runGate = (footerStatistics: boolean) => async () => {
    const result = await evaluateGate(connection, { ...gate, rules }, input, { footerStatistics });
    if (result.status !== 'passed') throw new Error(`bench data broke the gate: ${JSON.stringify(result)}`);
  };
  // The three sides alternate, so a change in the machine's load falls on all of them alike.
  const footer: Timing = { wall: [], cpu: [] };
  const fullScan: Timing = { wall: [], cpu: [] };
  const plainSql: Timing = { wall: [], cpu: [] };
  for (let i = 0; i < 5; i++) {
    await timeOnce(footer, runGate(true));
    await timeOnce(fullScan, runGate(false));
    await timeOnce(plainSql, () => connection.run(sql));
  }
  const ratio = (t: Timing) => (median(t.cpu) / median(plainSql.cpu)).toFixed(2);
  console.log(
    `gate validation, ${label}, ${ROWS.toLocaleString('en-US')} trades, 1 DuckDB thread, median of 5:\n` +
      `  gate (footer statistics) ${show(footer)}; ${ratio(footer)}x plain CPU\n` +
      `  gate (full scan)         ${show(fullScan)}; ${ratio(fullScan)}x plain CPU\n` +
      `  plain DuckDB SQL         ${show(plainSql)}`,
  );
}
connection.closeSync();
instance.closeSync();
await rm(dir, { recursive: true, force: true });

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { evaluateGate } from '../src/gates/evaluate-gate.js';
import { tradesSql } from './bench-data.js';

// Gate validation throughput on one core: the gate over a Parquet file of trades against the
// same rules written by hand as one DuckDB aggregate (the floor any DuckDB-based gate can reach).
const ROWS = Number(process.env.GATE_BENCH_ROWS ?? 5_000_000);
const dir = await mkdtemp(join(tmpdir(), 'coattail-gate-bench-'));
const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const connection = await instance.connect();
const path = join(dir, 'trades.parquet');
await connection.run(`COPY (${tradesSql(ROWS)}) TO '${path}' (FORMAT parquet)`);

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
    { type: 'sql', predicate: 'abs(quote_volume - price * quantity) <= 1e-6 * quote_volume + 1e-8' },
    { type: 'row_count', min: 1 },
    { type: 'unique', columns: ['event_id'] },
  ],
};
const plain = `SELECT count(*),
  count(*) FILTER (WHERE event_id IS NULL), count(*) FILTER (WHERE symbol IS NULL), count(*) FILTER (WHERE price IS NULL),
  count(*) FILTER (WHERE price < 0), count(*) FILTER (WHERE quantity < 0),
  count(*) FILTER (WHERE side NOT IN ('buy', 'sell')), count(*) FILTER (WHERE exchange NOT IN ('binance', 'coinbase')),
  count(*) FILTER (WHERE NOT (abs(quote_volume - price * quantity) <= 1e-6 * quote_volume + 1e-8)),
  count(event_id) - count(DISTINCT event_id)
  FROM read_parquet('${path}')`;

const input = { format: 'parquet', paths: [path] };
for (const [label, withUnique] of [
  ['all rules incl. unique(event_id)', true],
  ['without unique(event_id)', false],
] as const) {
  const rules = withUnique ? gate.rules : gate.rules.filter((r) => r.type !== 'unique');
  const sql = withUnique ? plain : plain.replace(',\n  count(event_id) - count(DISTINCT event_id)', '');
  await connection.run(sql); // warm the file cache for both sides
  // CPU time of this process (DuckDB's one worker thread included) is the steadier figure on a
  // shared machine: wall time also counts the time other processes held the cores.
  const timed = async (work: () => Promise<unknown>) => {
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < 5; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await work();
      wall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    const median = (t: number[]) => t.sort((x, y) => x - y)[2]!;
    return { wall: median(wall), cpu: median(cpu) };
  };
  const gateRun = await timed(async () => {
    const result = await evaluateGate(connection, { ...gate, rules }, input);
    if (result.status !== 'passed') throw new Error(`bench data broke the gate: ${JSON.stringify(result)}`);
  });
  const plainRun = await timed(() => connection.run(sql));
  const rate = (ms: number) => `${(((ROWS / ms) * 1000) / 1e6).toFixed(1)} M records/s`;
  const show = (r: { wall: number; cpu: number }) =>
    `${rate(r.cpu)} per CPU-second (${r.cpu.toFixed(0)} ms CPU), ${rate(r.wall)} wall (${r.wall.toFixed(0)} ms)`;
  console.log(
    `gate validation, ${label}, ${ROWS.toLocaleString('en-US')} trades, 1 DuckDB thread, median of 5: gate ${show(gateRun)}; ` +
      `plain DuckDB SQL ${show(plainRun)}; gate/plain CPU ${(gateRun.cpu / plainRun.cpu).toFixed(2)}x`,
  );
}
connection.closeSync();
instance.closeSync();
await rm(dir, { recursive: true, force: true });

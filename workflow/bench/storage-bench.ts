import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { explainPlan } from '../src/optimizer/apply-storage-plan.js';
import { writeOptimizedParquet } from '../src/optimizer/apply-storage-plan.js';
import { profileDataset } from '../src/optimizer/profile-dataset.js';
import { planStorage, type QueryPatternInput } from '../src/optimizer/storage-plan.js';
import { fileQualitySql, pairedMedians, reconSql, tradesSql } from './bench-data.js';

// Storage optimizer against DuckDB's default Parquet output of the same rows (snappy, insertion
// order), on three datasets of different shape; each with a query on its main access pattern,
// timed on both files in the same run.
const SCALE = Number(process.env.STORAGE_BENCH_ROWS ?? 2_000_000);
const dir = await mkdtemp(join(tmpdir(), 'coattail-storage-bench-'));
const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
const connection = await instance.connect();

interface Case {
  name: string;
  load: string;
  patterns: QueryPatternInput[];
  query: (file: string) => string;
}
const cases: Case[] = [
  {
    name: 'trades',
    load: tradesSql(SCALE),
    patterns: [{ filter: ['symbol'], range: 'event_time' }],
    query: (f) =>
      `SELECT sum(quote_volume), count(*) FROM '${f}' WHERE symbol = 'ETH-USDT' AND event_time BETWEEN 1767235600000 AND 1767255600000`,
  },
  {
    name: 'recon golden source',
    load: reconSql(SCALE),
    patterns: [{ filter: ['symbol', 'exchange'], range: 'trade_time' }],
    query: (f) =>
      `SELECT exchange, sum(quote_volume), count(*) FROM '${f}' WHERE symbol = 'SOLUSDT' AND trade_time < TIMESTAMP '2024-01-05' GROUP BY exchange`,
  },
  {
    name: 'file-quality CSV',
    load: `SELECT * FROM read_csv('${join(dir, 'orders.csv')}', header = true)`,
    patterns: [{ filter: ['day'] }],
    query: (f) => `SELECT side, count(*), avg(price) FROM '${f}' WHERE day = DATE '2025-06-20' GROUP BY side`,
  },
];
await connection.run(`COPY (${fileQualitySql(SCALE)}) TO '${join(dir, 'orders.csv')}' (FORMAT csv, HEADER)`);

for (const c of cases) {
  await connection.run(`CREATE OR REPLACE TABLE data AS ${c.load}`);
  const baseline = join(dir, `${c.name}-default.parquet`);
  const optimized = join(dir, `${c.name}-optimized.parquet`);
  await connection.run(`COPY data TO '${baseline}' (FORMAT parquet)`);
  const profile = await profileDataset(connection, 'data');
  const plan = planStorage(profile, { queryPatterns: c.patterns });
  await writeOptimizedParquet(connection, 'data', plan, optimized);
  const [baseBytes, optBytes] = [(await stat(baseline)).size, (await stat(optimized)).size];
  const [a, b] = [
    (await connection.runAndReadAll(c.query(baseline))).getRowsJson(),
    (await connection.runAndReadAll(c.query(optimized))).getRowsJson(),
  ];
  const sorted = (rows: unknown[]) => JSON.stringify(rows.map((r) => JSON.stringify(r)).sort());
  if (sorted(a) !== sorted(b)) throw new Error(`${c.name}: the optimized file answers the query differently`);
  const [baseMs, optMs] = await pairedMedians(
    15,
    () => connection.run(c.query(baseline)),
    () => connection.run(c.query(optimized)),
  );
  console.log(
    `${c.name}: ${profile.rowCount.toLocaleString('en-US')} rows — DuckDB default ${(baseBytes / 1e6).toFixed(1)} MB, optimized ${(optBytes / 1e6).toFixed(1)} MB ` +
      `(${((1 - optBytes / baseBytes) * 100).toFixed(1)} % smaller); main query ${baseMs.wall.toFixed(1)} ms → ${optMs.wall.toFixed(1)} ms wall, ${baseMs.cpu.toFixed(1)} → ${optMs.cpu.toFixed(1)} ms CPU (medians of 15, alternated)`,
  );
  console.log(`  ${explainPlan(plan).split('\n').join('\n  ')}`);
}
connection.closeSync();
instance.closeSync();
await rm(dir, { recursive: true, force: true });

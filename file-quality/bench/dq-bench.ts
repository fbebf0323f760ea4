/**
 * File data-quality benchmark: `npm run bench -w @coattail/file-quality`.
 * Scores and profiles a 1 M-row (~100 MB) CSV of trades and the same rows as Parquet with the
 * service's DuckDB path, beside a naive read-everything-into-JS baseline, in the same run; each
 * measurement in its own process so peak RSS is its own. `DQ_BENCH_ROWS` shrinks it for
 * development (docs/benchmarks.md is only appended at the full size).
 */
import { execFile } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';

const run = promisify(execFile);
const FULL = 1_000_000;
const rows = Number(process.env.DQ_BENCH_ROWS || FULL);
const here = fileURLToPath(new URL('.', import.meta.url));
const which = process.argv.slice(2).filter((a) => a !== '--');
if (which.length > 0 && !which.includes('dq')) {
  console.log(`nothing to run for ${which.join(' ')} (benchmarks: dq)`);
  process.exit(0);
}

interface Measure {
  mode: string;
  rows: number;
  score: number;
  ms: number;
  maxRssMb: number;
}

async function generate(dir: string): Promise<{ csv: string; parquet: string }> {
  const csv = join(dir, 'trades.csv');
  const parquet = join(dir, 'trades.parquet');
  const duck = await DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await duck.connect();
  // ~1 % defects of each kind: null prices, repeated ids, unknown sides, negative quantities.
  const select = `
    SELECT CASE WHEN i % 97 = 0 THEN i - 1 ELSE i END AS trade_id,
           ['BTCUSDT','ETHUSDT','SOLUSDT','XRPUSDT','DOGEUSDT'][1 + i % 5] AS symbol,
           CASE WHEN i % 3 = 0 THEN 'coinbase' ELSE 'binance' END AS exchange,
           CASE WHEN i % 101 = 0 THEN 'hold' WHEN i % 2 = 0 THEN 'buy' ELSE 'sell' END AS side,
           CASE WHEN i % 103 = 0 THEN NULL ELSE round(100 + (i * 7919 % 100000) / 10.0, 2) END AS price,
           CASE WHEN i % 107 = 0 THEN -1 ELSE round((i * 104729 % 10000) / 1000.0, 3) END AS quantity,
           round((100 + (i * 7919 % 100000) / 10.0) * ((i * 104729 % 10000) / 1000.0), 2) AS quote_volume,
           TIMESTAMPTZ '2026-01-04 12:00:00+00' + to_milliseconds(i * 3) AS traded_at,
           'order-' || md5(i::VARCHAR)[1:16] AS client_order_id
    FROM range(${rows}) t(i)`;
  await conn.run(`COPY (${select}) TO '${csv}' (FORMAT csv, HEADER)`);
  await conn.run(`COPY (SELECT * FROM read_csv('${csv}')) TO '${parquet}' (FORMAT parquet)`);
  conn.closeSync();
  duck.closeSync();
  return { csv, parquet };
}

async function measure(mode: string, file: string): Promise<Measure> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', '--max-old-space-size=8192', join(here, 'dq-measure.ts'), mode, file],
    { maxBuffer: 1 << 20, cwd: join(here, '..') },
  );
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as Measure;
}

const fmt = (m: Measure): string =>
  `${(m.ms / 1000).toFixed(2)} s, ${Math.round(m.rows / (m.ms / 1000)).toLocaleString('en-US')} rows/s, peak RSS ${Math.round(m.maxRssMb)} MB`;

const dir = await mkdtemp(join(tmpdir(), 'dq-bench-'));
try {
  const { csv, parquet } = await generate(dir);
  const [csvMb, pqMb] = [(await stat(csv)).size / 1e6, (await stat(parquet)).size / 1e6];
  console.log(`data: ${rows.toLocaleString('en-US')} rows; CSV ${csvMb.toFixed(1)} MB, Parquet ${pqMb.toFixed(1)} MB`);
  const results: [string, Measure][] = [];
  for (const [label, mode, file] of [
    ['dq CSV (DuckDB, service path)', 'dq', csv],
    ['baseline: naive CSV into JS', 'naive-csv', csv],
    ['dq Parquet (DuckDB, service path)', 'dq', parquet],
    ['baseline: naive Parquet rows into JS', 'naive-parquet', parquet],
  ] as const) {
    const m = await measure(mode, file);
    results.push([label, m]);
    console.log(`${label.padEnd(40)} ${fmt(m)}${m.score >= 0 ? `, score ${m.score}` : ''}`);
  }
  const get = (i: number): Measure => (results[i] as [string, Measure])[1];
  const csvOk = get(0).ms < 10_000 && get(0).maxRssMb < 500;
  console.log(
    `CSV target (< 10 s, < 500 MB RSS): ${csvOk ? 'met' : 'NOT met'}; speed-up over naive: CSV ${(get(1).ms / get(0).ms).toFixed(2)}×, Parquet ${(get(3).ms / get(2).ms).toFixed(2)}×`,
  );
  if (rows === FULL && process.env.DQ_BENCH_WRITE !== '0') {
    const docs = join(here, '..', '..', 'docs', 'benchmarks.md');
    const stamp = new Date().toISOString().slice(0, 16).replace('T', ' ');
    const load = loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ');
    const section = [
      '',
      `### File data-quality scoring (@coattail/batch) — ${stamp} UTC`,
      '',
      `Command: \`npm run bench -w @coattail/batch -- dq\`. node ${process.version}, ${cpus().length} cores, load average at end ${load} (cores shared with other agents). Data: ${rows.toLocaleString('en-US')} trade rows (9 columns, ~1 % defects of each kind), CSV ${csvMb.toFixed(1)} MB and the same rows as Parquet ${pqMb.toFixed(1)} MB; schema definition with 8 declared columns (types, required, pattern, allowed values, bounds, unique key). Each measurement in its own process (peak RSS is its own); DuckDB memory_limit 256MB, 2 threads.`,
      '',
      '| measure | wall time | rows/s | peak RSS |',
      '| --- | --- | --- | --- |',
      ...results.map(
        ([label, m]) =>
          `| ${label} | ${(m.ms / 1000).toFixed(2)} s | ${Math.round(m.rows / (m.ms / 1000)).toLocaleString('en-US')} | ${Math.round(m.maxRssMb)} MB |`,
      ),
      '',
      `- CSV target (< 10 s and < 500 MB RSS): ${csvOk ? 'met' : '**not met**'}. Speed-up over the naive baseline: CSV ${(get(1).ms / get(0).ms).toFixed(2)}×, Parquet ${(get(3).ms / get(2).ms).toFixed(2)}×; the naive CSV baseline only counts (no profile) and holds the whole file in the JS heap.`,
      `- The service path = checks, score (${get(0).score} for this data) and the capped profile payload; download and Postgres writes are not included.`,
      '',
    ].join('\n');
    const before = await readFile(docs, 'utf8');
    await appendFile(docs, before.endsWith('\n') ? section : `\n${section}`);
    console.log(`appended to ${docs}`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

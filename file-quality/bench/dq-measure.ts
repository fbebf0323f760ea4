/**
 * One measurement of the file-quality benchmark, run in its own process so its peak RSS is its
 * own: `node --import tsx bench/dq-measure.ts <mode> <file>`; prints one JSON line.
 *  - `dq`: the service's path — DuckDB analysis (pushdown, spill past the memory limit), checks,
 *    score and profile payload.
 *  - `naive-csv`: the baseline — read the whole CSV into JS strings, split, check in plain JS.
 *  - `naive-parquet`: the baseline for Parquet — every row into JS objects through DuckDB, check in JS.
 */
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance } from '@duckdb/node-api';
import { assessFile, buildProfilePayload, parseSchemaDefinition } from '@coattail/quality';
import { ParserRegistry, analyzeFile } from '../src/index.js';

export const BENCH_DEFINITION = parseSchemaDefinition({
  columns: [
    { name: 'trade_id', type: 'integer', required: true, unique: true },
    { name: 'symbol', type: 'string', required: true, pattern: '[A-Z]+USDT' },
    { name: 'exchange', type: 'string', required: true, allowedValues: ['binance', 'coinbase'] },
    { name: 'side', type: 'string', allowedValues: ['buy', 'sell'] },
    { name: 'price', type: 'number', required: true, min: 0, max: 1_000_000 },
    { name: 'quantity', type: 'number', required: true, min: 0 },
    { name: 'quote_volume', type: 'number', min: 0 },
    { name: 'traded_at', type: 'timestamp', required: true, min: '2026-01-01T00:00:00Z' },
  ],
});

interface Result {
  mode: string;
  rows: number;
  score: number;
  ms: number;
  maxRssMb: number;
}

async function dq(file: string): Promise<{ rows: number; score: number }> {
  const duck = await DuckDBInstance.create(':memory:', {
    memory_limit: process.env.DQ_BENCH_MEMORY ?? '256MB',
    threads: '2',
    temp_directory: `${file}.spill`,
  });
  const parser = ParserRegistry.withDefaults().require(file);
  const analysis = await analyzeFile(duck, file, parser, BENCH_DEFINITION);
  const quality = assessFile(analysis.facts, BENCH_DEFINITION);
  const profile = buildProfilePayload(analysis.profile, analysis.facts, BENCH_DEFINITION);
  if (JSON.stringify(profile).length === 0) throw new Error('empty profile');
  duck.closeSync();
  return { rows: analysis.facts.rowCount, score: quality.score };
}

/** The same counts in plain JS over rows of strings: nulls, types, formats, bounds, key duplicates. */
function naiveChecks(rows: Iterable<(string | null)[]>, columns: string[]): { rows: number; bad: number } {
  const idx = (name: string): number => columns.indexOf(name);
  const [id, sym, ex, side, price, qty, qv, ts] = [
    'trade_id',
    'symbol',
    'exchange',
    'side',
    'price',
    'quantity',
    'quote_volume',
    'traded_at',
  ].map<number | undefined>(idx);
  const seen = new Set<string>();
  const symbolRe = /^[A-Z]+USDT$/;
  let n = 0;
  let bad = 0;
  for (const r of rows) {
    n += 1;
    const v = (i: number | undefined): string | null => (i === undefined ? null : (r[i] ?? null));
    const key = v(id);
    if (key === null || !/^-?\d+$/.test(key)) bad += 1;
    else if (seen.has(key)) bad += 1;
    else seen.add(key);
    if (v(sym) === null || !symbolRe.test(v(sym) ?? '')) bad += 1;
    if (v(ex) !== 'binance' && v(ex) !== 'coinbase') bad += 1;
    if (v(side) !== null && v(side) !== 'buy' && v(side) !== 'sell') bad += 1;
    for (const i of [price, qty, qv]) {
      const text = v(i);
      if (text === null) continue;
      const x = Number(text);
      if (!Number.isFinite(x) || x < 0) bad += 1;
    }
    const t = Date.parse(v(ts) ?? '');
    if (Number.isNaN(t) || t < Date.UTC(2026, 0, 1)) bad += 1;
  }
  return { rows: n, bad };
}

async function naiveCsv(file: string): Promise<{ rows: number; score: number }> {
  const text = await readFile(file, 'utf8');
  const lines = text.split('\n');
  const columns = (lines[0] ?? '').split(',');
  const rows = lines
    .slice(1)
    .filter((l) => l !== '')
    .map((l) => l.split(',').map((c) => (c === '' ? null : c)));
  const { rows: n } = naiveChecks(rows, columns);
  return { rows: n, score: -1 };
}

async function naiveParquet(file: string): Promise<{ rows: number; score: number }> {
  const duck = await DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await duck.connect();
  const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet('${file.replaceAll("'", "''")}')`);
  const columns = reader.columnNames();
  const rows = reader.getRows().map((r) => r.map((c) => (c === null ? null : String(c))));
  const { rows: n } = naiveChecks(rows, columns);
  conn.closeSync();
  duck.closeSync();
  return { rows: n, score: -1 };
}

const [mode, file] = process.argv.slice(2);
if (mode === undefined || file === undefined)
  throw new Error('usage: dq-measure.ts <dq|naive-csv|naive-parquet> <file>');
const started = performance.now();
const run = mode === 'dq' ? dq : mode === 'naive-csv' ? naiveCsv : naiveParquet;
const { rows, score } = await run(file);
const result: Result = {
  mode,
  rows,
  score,
  ms: performance.now() - started,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
};
console.log(JSON.stringify(result));

/**
 * Historical-load benchmark: `npm run bench:historical -w @coattail/batch` (also part of
 * `npm run bench`). Loads 5 M trades of one symbol from the local Binance emulator (HTTP on
 * loopback, pages of 1000) into raw_trades — REST paging, the producer's normalization, Parquet
 * and Iceberg commits — and reports rows/s end to end and peak RSS, for the full range and for a
 * fifth of it (memory must stay flat as the range grows). Baseline, same run: the same requests
 * with JSON parsing only (no normalization, no Parquet). Each measurement runs in its own
 * process; the emulator runs in this one. `HISTORICAL_BENCH_TRADES` shrinks it for development
 * (docs/benchmarks.md is only appended at full size).
 */
import { execFile } from 'node:child_process';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startBinanceEmulator } from '../test/binance-emulator.js';

const run = promisify(execFile);
const FULL = 5_000_000;
const trades = Number(process.env.HISTORICAL_BENCH_TRADES || FULL);
const here = fileURLToPath(new URL('.', import.meta.url));
const which = process.argv.slice(2).filter((a) => a !== '--');
if (which.length > 0 && !which.includes('historical')) {
  console.log(`nothing to run for ${which.join(' ')} (benchmarks: historical)`);
  process.exit(0);
}

interface Measure {
  mode: string;
  rows: number;
  ms: number;
  requests: number;
  maxRssMb: number;
}

// Every measurement runs with the same capped heap: a load that buffered the range would fail.
const HEAP_MB = 384;
const START = Date.UTC(2026, 0, 5, 0, 0, 0);
const PER_SECOND = 1000;
// Weight limit lifted: this measures the loader; the real API allows 6000 weight/min, i.e. at most
// 1500 aggTrades pages (1.5 M trades) a minute, 25 000 trades/s.
const emulator = await startBinanceEmulator({
  symbols: { BTCUSDT: { startTime: START, tradesPerSecond: PER_SECOND, count: trades } },
  weightLimit: 1e12,
});

async function measure(mode: 'load' | 'download', count: number): Promise<Measure> {
  const dir = await mkdtemp(join(tmpdir(), 'coattail-hist-bench-'));
  try {
    const end = START + Math.ceil((count * 1000) / PER_SECOND) - 1;
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        `--max-old-space-size=${HEAP_MB}`,
        join(here, 'historical-measure.ts'),
        mode,
        emulator.url,
        String(START),
        String(end),
        dir,
      ],
      { maxBuffer: 1 << 20, cwd: join(here, '..') },
    );
    return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Measure;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const fifth = Math.round(trades / 5);
const results = [
  {
    label: `baseline: download + JSON parse only, ${trades.toLocaleString('en-US')} trades`,
    m: await measure('download', trades),
  },
  { label: `historical-load, ${fifth.toLocaleString('en-US')} trades`, m: await measure('load', fifth) },
  { label: `historical-load, ${trades.toLocaleString('en-US')} trades`, m: await measure('load', trades) },
];
await emulator.close();

const load = loadavg()[0]!.toFixed(1);
const rows = results.map(
  ({ label, m }) =>
    `| ${label} | ${m.rows} | ${m.requests} | ${(m.ms / 1000).toFixed(1)} | ${Math.round((m.rows * 1000) / m.ms)} | ${Math.round(m.maxRssMb)} |`,
);
const table = [
  '| case | rows | requests | seconds | rows/s | peak RSS MB |',
  '|---|---|---|---|---|---|',
  ...rows,
].join('\n');
console.log(table);
console.log(
  `load average ${load}, ${cpus().length} cores, node ${process.version}, heap capped at ${HEAP_MB} MB per measurement`,
);
if (trades === FULL) {
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  await appendFile(
    join(here, '../../docs/benchmarks.md'),
    `\n### Historical load run ${when} UTC (5 M aggTrades from the loopback emulator, node ${process.version}, load average ${load}, heap capped at ${HEAP_MB} MB per measurement)\n\n${table}\n`,
  );
  console.log('appended to docs/benchmarks.md');
}

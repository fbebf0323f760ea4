/**
 * Recon benchmark: RECON_BENCH_ROWS (default 10 M) rows × 12 columns, source vs target Parquet
 * written by DuckDB with 0.1 % differences of every kind; the full five-layer reconciliation
 * (with per-column attribution and every report) against DuckDB's plain EXCEPT-both-ways over
 * the same files, each in its own process (wall time and peak RSS), same run.
 *
 *   npm run bench -w @coattail/recon                                   # full size, appends to docs/benchmarks.md
 *   RECON_BENCH_ROWS=1000000 RECON_BENCH_NO_DOCS=1 npm run bench -w @coattail/recon
 */
import { execFile } from 'node:child_process';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { generateGoldenDataset } from '../src/index.js';
import { measurePaging } from './dashboard-paging.js';

const rows = Number(process.env.RECON_BENCH_ROWS ?? 10_000_000);
const threads = Number(process.env.RECON_BENCH_THREADS ?? 2);
const writeDocs = process.env.RECON_BENCH_NO_DOCS !== '1';
const here = import.meta.dirname;

interface Phase {
  phase: string;
  wallMs: number;
  peakRssMb: number;
  [figure: string]: number | string;
}

async function runPhase(phase: 'except' | 'recon', dir: string): Promise<Phase> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(here, 'bench-phase.ts'), phase, dir, String(threads)],
    {
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Phase;
}

const dir = await mkdtemp(join(tmpdir(), 'recon-bench-'));
try {
  const genStart = performance.now();
  const golden = await generateGoldenDataset({
    dir,
    rows,
    rate: 0.001,
    format: 'parquet',
    schemaDrift: false,
    engine: { threads },
  });
  const genMs = performance.now() - genStart;
  console.log(
    `generated ${rows.toLocaleString('en-US')} rows × 12 columns per side in ${(genMs / 1000).toFixed(1)} s (${dir})`,
  );

  const baseline = await runPhase('except', dir);
  const recon = await runPhase('recon', dir);
  const e = golden.expected;
  const exact =
    recon.mismatchedRows === e.hash.mismatchedRows &&
    recon.toleratedRows === e.hash.toleratedRows &&
    recon.sourceOnly === e.keys.sourceOnly &&
    recon.targetOnly === e.keys.targetOnly &&
    recon.duplicateKeysSource === e.keys.duplicateKeysSource &&
    recon.duplicateKeysTarget === e.keys.duplicateKeysTarget;
  const ratio = recon.wallMs / baseline.wallMs;
  const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  const lines = [
    `| run | wall time | peak RSS | found |`,
    `|---|---|---|---|`,
    `| DuckDB \`EXCEPT\` both ways (baseline) | ${s(baseline.wallMs)} | ${baseline.peakRssMb.toFixed(0)} MB | ${baseline.onlySource} rows only in source, ${baseline.onlyTarget} only in target (no keys, no columns) |`,
    `| recon: 5 layers + attribution + all reports | ${s(recon.wallMs)} | ${recon.peakRssMb.toFixed(0)} MB | ${recon.mismatchedRows} mismatched rows, ${recon.toleratedRows} tolerated, orphans ${recon.sourceOnly}/${recon.targetOnly}, duplicate keys ${recon.duplicateKeysSource}/${recon.duplicateKeysTarget} — exact vs expected: ${exact ? 'yes' : 'NO'} |`,
  ];
  console.log(lines.join('\n'));
  console.log(
    `recon / baseline = ${ratio.toFixed(2)}× (target ≤ 2×); recon ${recon.wallMs < 30_000 ? 'under' : 'OVER'} 30 s`,
  );
  await rm(join(dir, 'bench-report'), { recursive: true, force: true });
  const paging = await measurePaging(dir, rows);
  const ms = (v: number): string => `${v.toFixed(0)} ms`;
  const pagingLine = `Dashboard paging over a ${rows.toLocaleString('en-US')}-cell mismatch export (50 rows a page): first ${ms(paging.firstMs)}, middle ${ms(paging.middleMs)}, last ${ms(paging.lastMs)}, filtered by column ${ms(paging.filteredMs)}.`;
  console.log(pagingLine);
  if (!exact) process.exitCode = 1;
  if (writeDocs) {
    const section = [
      '',
      `### Recon, ${new Date().toISOString().slice(0, 10)} — ${rows.toLocaleString('en-US')} rows × 12 columns, 0.1 % per induced kind`,
      '',
      `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), DuckDB threads ${threads}, Node ${process.version}, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' / ')} at the end (the cores are shared). Command: \`npm run bench -w @coattail/recon\`.`,
      `Generation of both Parquet files by DuckDB: ${s(genMs)} (not in the figures below). Each run is its own process.`,
      '',
      ...lines,
      '',
      `Ratio recon / baseline: ${ratio.toFixed(2)}×. Float tolerance: the ${e.hash.toleratedRows.toLocaleString('en-US')} rows with price noise of 1e-12 relative were hash candidates and were`,
      `dropped by attribution under \`relative: 1e-9\` (datacompy's \`abs + rel·|t|\`); the ${e.keys.duplicateKeysSource + e.keys.duplicateKeysTarget} duplicated keys were counted per side and left out of the row comparison.`,
      '',
      pagingLine,
      '',
    ].join('\n');
    await appendFile(resolve(here, '../../docs/benchmarks.md'), section);
    console.log('appended to docs/benchmarks.md');
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}

/**
 * Recon benchmark: for each size in RECON_BENCH_ROWS (default "1000000,10000000"), source vs
 * target Parquet from the golden generator (0.1 % of rows per induced kind: orphans, exact and
 * conflicting replays, value changes, tolerated noise, normalization), then DuckDB's plain
 * EXCEPT-both-ways and the full reconciliation (five layers, attribution, every report) over the
 * same files, each in its own process, RECON_BENCH_REPEATS times alternated (median reported).
 *
 *   npm run bench -w @coattail/recon                       # 1 M and 10 M, appends to docs/benchmarks.md
 *   RECON_BENCH_ROWS=1000000 RECON_BENCH_NO_DOCS=1 npm run bench -w @coattail/recon
 */
import { execFile } from 'node:child_process';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { generateGoldenDataset, type ExpectedFindings } from '../src/index.js';
import { measurePaging } from './dashboard-paging.js';

const sizes = (process.env.RECON_BENCH_ROWS ?? '1000000,10000000').split(',').map(Number);
const threads = Number(process.env.RECON_BENCH_THREADS ?? 2);
const repeats = Number(process.env.RECON_BENCH_REPEATS ?? 3);
const writeDocs = process.env.RECON_BENCH_NO_DOCS !== '1';
const here = import.meta.dirname;

interface Phase {
  phase: string;
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  [figure: string]: number | string;
}

async function runPhase(phase: 'except' | 'recon', dir: string): Promise<Phase> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(here, 'bench-phase.ts'), phase, dir, String(threads)],
    { maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Phase;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');

function exactFindings(recon: Phase, e: ExpectedFindings): boolean {
  return (
    recon.mismatchedRows === e.hash.mismatchedRows &&
    recon.toleratedRows === e.hash.toleratedRows &&
    recon.sourceOnly === e.keys.sourceOnly &&
    recon.targetOnly === e.keys.targetOnly &&
    recon.duplicateKeysSource === e.keys.duplicateKeysSource &&
    recon.duplicateKeysTarget === e.keys.duplicateKeysTarget
  );
}

const table = [
  '| rows | EXCEPT both ways: wall · CPU | recon (all layers and reports): wall · CPU | ratio wall · CPU | peak RSS EXCEPT / recon | load during | findings exact |',
  '|---|---|---|---|---|---|---|',
];
const ratios: string[] = [];
let pagingLine = '';
for (const rows of sizes) {
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
    console.log(
      `generated ${rows.toLocaleString('en-US')} rows × 12 columns per side in ${s(performance.now() - genStart)}`,
    );
    const loadBefore = load();
    const except: Phase[] = [];
    const recon: Phase[] = [];
    // Alternated, so a burst of load from other processes hits both sides alike.
    for (let i = 0; i < repeats; i++) {
      except.push(await runPhase('except', dir));
      recon.push(await runPhase('recon', dir));
      console.log(
        `  run ${i + 1}: EXCEPT ${s(except.at(-1)!.wallMs)}, recon ${s(recon.at(-1)!.wallMs)} (load ${load()})`,
      );
    }
    const exact = recon.every((r) => exactFindings(r, golden.expected));
    if (!exact) process.exitCode = 1;
    const [ew, ec, rw, rc] = [
      except.map((p) => p.wallMs),
      except.map((p) => p.cpuMs),
      recon.map((p) => p.wallMs),
      recon.map((p) => p.cpuMs),
    ].map(median) as [number, number, number, number];
    const last = recon.at(-1)!;
    table.push(
      `| ${rows.toLocaleString('en-US')} | ${s(ew)} · ${s(ec)} | ${s(rw)} · ${s(rc)} | ${(rw / ew).toFixed(2)}× · ${(rc / ec).toFixed(2)}× | ${median(except.map((p) => p.peakRssMb)).toFixed(0)} / ${median(recon.map((p) => p.peakRssMb)).toFixed(0)} MB | ${loadBefore} → ${load()} | ${exact ? 'yes' : 'NO'}: ${last.mismatchedRows} mismatched rows, ${last.toleratedRows} tolerated, orphans ${last.sourceOnly}/${last.targetOnly}, duplicate keys ${last.duplicateKeysSource}/${last.duplicateKeysTarget} |`,
    );
    ratios.push(`${rows.toLocaleString('en-US')} rows: ${(rw / ew).toFixed(2)}× wall, ${(rc / ec).toFixed(2)}× CPU`);
    if (rows === Math.max(...sizes)) {
      await rm(join(dir, 'bench-report'), { recursive: true, force: true });
      const paging = await measurePaging(dir, rows);
      const ms = (v: number): string => `${v.toFixed(0)} ms`;
      pagingLine = `Dashboard paging over a ${rows.toLocaleString('en-US')}-cell mismatch export (50 rows a page): first ${ms(paging.firstMs)}, middle ${ms(paging.middleMs)}, last ${ms(paging.lastMs)}, filtered by column ${ms(paging.filteredMs)}.`;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
console.log(table.join('\n'));
console.log(`recon / EXCEPT (median of ${repeats}): ${ratios.join('; ')}`);
console.log(pagingLine);
if (writeDocs) {
  const section = [
    '',
    `### Recon, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC — ${sizes.map((r) => r.toLocaleString('en-US')).join(' and ')} rows × 12 columns, 0.1 % per induced kind`,
    '',
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), DuckDB threads ${threads}, Node ${process.version}; load averages (1 / 5 / 15 min) before → after each size in the table (the cores are shared with other work). Command: \`npm run bench -w @coattail/recon\`. Each run is its own process; median of ${repeats} alternated runs; CPU is every thread of the process.`,
    '',
    ...table,
    '',
    `Ratios recon / EXCEPT, same run: ${ratios.join('; ')}.`,
    '',
    pagingLine,
    '',
  ].join('\n');
  await appendFile(resolve(here, '../../docs/benchmarks.md'), section);
  console.log('appended to docs/benchmarks.md');
}

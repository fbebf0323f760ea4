/**
 * `npm run bench -w @coattail/runtime`: the trades VWAP benchmark, then Nexmark, then a dated
 * section with the figures and machine info appended to docs/benchmarks.md.
 *
 * Environment: BENCH_EVENTS (trades, default 10 M), NEXMARK_EVENTS (per query, default 20 M),
 * NEXMARK_EVENT_SECONDS (event time they span, default 20), NEXMARK_QUERIES (e.g. q3,q4; default all), SCALING_EVENTS (keyBy exchange runs, default 5 M),
 * BENCH_BATCH (maxBatchSize, default 4096), BENCH_REPEAT (best of N runs, default 3), BENCH_STATE_KEYS / BENCH_STATE_MINUTES (state
 * benchmark, default 10 000 keys / 70 min), BENCH_NOTE (a remark for the section, e.g. that the
 * machine was shared), BENCH_NO_DOCS=1 to print without appending (development runs).
 */
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envInt, machineInfo, mb, peakRss } from './measure.js';
import { nexmarkOnS3, withS3Checkpoints } from './nexmark.js';
import { scalingBenchmark } from './nexmark-scaling.js';
import { tradesVwapBenchmark } from './trades-vwap.js';

const DOC = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/benchmarks.md');

const HEADER = `# Benchmarks

Each benchmark is a script that prints its figures beside a baseline measured in the same run.
Sections are never rewritten, and each carries the date and time of its run: go by those for the
order. Scripts append their sections in the order they ran (\`npm run bench\` in a package); a
section filed by hand under its package's heading sits above the older runs it supersedes.

## Runtime (@coattail/runtime)

\`\`\`sh
npm run bench -w @coattail/runtime     # full size: 10 M trades, 20 M Nexmark events per query, 5 M per keyBy-exchange run
BENCH_EVENTS=1000000 NEXMARK_EVENTS=2000000 SCALING_EVENTS=1000000 BENCH_NO_DOCS=1 npm run bench -w @coattail/runtime   # quick look
\`\`\`

Scripts live in \`runtime/bench/\`: \`trades-vwap.ts\` (runtime vs a hand-written loop vs DuckDB, plus
keyed-state size for 10 000 keys over 1 h), \`nexmark.ts\` (q0–q8 with checkpoints every 10 s to S3 on
s3rver, beside Flink 1.13's published per-core throughput) and \`nexmark-scaling.ts\` (keyed queries
through the keyBy exchange, one keyed task on one core against two on two cores). Each runs alone too:
\`node --import tsx --expose-gc bench/nexmark.ts\`.
`;

async function appendSection(section: string): Promise<void> {
  await mkdir(dirname(DOC), { recursive: true });
  const existing = await readFile(DOC, 'utf8').catch(() => undefined);
  if (existing === undefined) await writeFile(DOC, HEADER);
  // The file is shared: append only, so other sections stay exactly as they are.
  await appendFile(DOC, `\n${section}\n`);
}

const events = envInt('BENCH_EVENTS', 10_000_000);
const nexmarkEvents = envInt('NEXMARK_EVENTS', 20_000_000);
const batch = envInt('BENCH_BATCH', 4096);
const load = loadavg()
  .map((l) => l.toFixed(2))
  .join(' / ');
console.log(`machine: ${machineInfo()}; load average at start ${load}`);

const trades = await tradesVwapBenchmark(events, batch, envInt('BENCH_REPEAT', 3));
const nexmark = await nexmarkOnS3(nexmarkEvents, batch);
const scaling = await withS3Checkpoints((storeFor) =>
  scalingBenchmark(envInt('SCALING_EVENTS', 5_000_000), envInt('NEXMARK_EVENT_SECONDS', 20), storeFor),
);

const note = process.env.BENCH_NOTE;
const section = [
  `### Runtime benchmarks — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
  '',
  `Machine: ${machineInfo()}. Load average at start ${load} (1 / 5 / 15 min).${note ? ` ${note}` : ''}`,
  `Command: \`BENCH_EVENTS=${events} NEXMARK_EVENTS=${nexmarkEvents} BENCH_BATCH=${batch} npm run bench -w @coattail/runtime\`. Peak RSS of the whole run: ${mb(peakRss())}.`,
  '',
  '#### Trades: keyBy(symbol, exchange) → 30 s tumbling windows → VWAP, count, volume',
  '',
  trades.markdown,
  '',
  '#### Nexmark',
  '',
  nexmark.markdown,
  '',
  '#### Two keyed tasks through the keyBy exchange',
  '',
  scaling.markdown,
].join('\n');

console.log(`\n${section}`);
if (process.env.BENCH_NO_DOCS === '1') console.log('\n(BENCH_NO_DOCS=1: docs/benchmarks.md left unchanged)');
else {
  await appendSection(section);
  console.log(`\nappended to ${DOC}`);
}

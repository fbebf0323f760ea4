/**
 * DataQualityChecker throughput: the eleven trade checks over batches of 1 000 records, against
 * a naive per-record implementation measured in the same run. Records: 99 % clean, 1 % failing.
 *
 *   npm run bench -w @coattail/quality            (BENCH_RECORDS=2000000 by default)
 */
import { appendFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { ManualClock } from '@coattail/runtime';
import { DataQualityChecker } from '../src/record/data-quality-checker.js';
import { tradeCheckSuite, type RawTradeRecord } from '../src/record/trade-checks.js';

const N = Number(process.env.BENCH_RECORDS ?? 2_000_000);
const ROUNDS = 5;
const BATCH = 1_000;
const NOW = 1_700_000_000_000;
const symbols = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'];

const records: RawTradeRecord[] = Array.from({ length: N }, (_, i) => {
  const price = 100 + (i % 97);
  const quantity = 0.01 + (i % 13) / 10;
  const bad = i % 100 === 99;
  return {
    event_id: `binance:BTC-USDT:${i}`,
    exchange: i % 2 ? 'binance' : 'coinbase',
    symbol: bad ? 'DOGE-USDT' : symbols[i % 3],
    price,
    quantity,
    quote_volume: price * quantity,
    event_time: NOW - (i % 60_000),
  };
});
const batches: RawTradeRecord[][] = [];
for (let i = 0; i < N; i += BATCH) batches.push(records.slice(i, i + BATCH));

const checker = new DataQualityChecker<RawTradeRecord>(new ManualClock(NOW));
const suite = tradeCheckSuite();
checker.addSuite(suite);
const checks = suite.checks;

/** The obvious implementation: evaluate every check for every record and build a result object each time. */
function naive(batch: readonly RawTradeRecord[]) {
  const now = NOW;
  const results = batch.map((record) => {
    const outcomes = checks.map((c) => ({
      name: c.name,
      severity: c.severity ?? 'ERROR',
      ok: c.check(record, { now }),
    }));
    const failed = outcomes.filter((o) => !o.ok && o.severity === 'ERROR').map((o) => o.name);
    const warnings = outcomes.filter((o) => !o.ok && o.severity === 'WARN').map((o) => o.name);
    return { record, failed, warnings };
  });
  return {
    valid: results.filter((r) => r.failed.length === 0).map((r) => r.record),
    invalid: results.filter((r) => r.failed.length > 0),
  };
}

function time(label: string, run: (b: readonly RawTradeRecord[]) => { valid: readonly unknown[] }): number {
  let best = Infinity;
  let valid = 0;
  for (let round = 0; round < ROUNDS; round++) {
    valid = 0;
    const start = process.hrtime.bigint();
    for (const b of batches) valid += run(b).valid.length;
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  const rate = N / best;
  console.log(
    `${label.padEnd(34)} ${(rate / 1e6).toFixed(2).padStart(7)} M records/s   (valid ${valid} of ${N}, best of ${ROUNDS})`,
  );
  return rate;
}

const ours = time('DataQualityChecker.validate', (b) => checker.validate(b));
const baseline = time('naive per-record implementation', naive);
const ratio = ours / baseline;
console.log(`speed-up over naive: ${ratio.toFixed(1)}x; target >= 5 M records/s: ${ours >= 5e6 ? 'met' : 'NOT met'}`);

if (process.env.BENCH_NO_DOCS === undefined) {
  const section = [
    '',
    `### Quality gate (@coattail/quality) — ${new Date().toISOString().slice(0, 10)}`,
    '',
    `\`npm run bench -w @coattail/quality\` — ${N.toLocaleString('en')} trades (1 % failing), batches of ${BATCH}, eleven checks, best of ${ROUNDS}; node ${process.version}, ${cpus().length} cores (shared with other work while measured).`,
    '',
    '| implementation | records/s |',
    '|---|---|',
    `| DataQualityChecker.validate | ${(ours / 1e6).toFixed(2)} M |`,
    `| naive per-record (baseline, same run) | ${(baseline / 1e6).toFixed(2)} M |`,
    '',
    `Speed-up ${ratio.toFixed(1)}×; the target is ≥ 5 M records/s on one core.`,
    '',
  ].join('\n');
  await appendFile(new URL('../../docs/benchmarks.md', import.meta.url), section);
}

/**
 * What the operations console costs at the platform's design rate: folding trades into the
 * charts (ingest), building one snapshot (done a few times a second, whatever the trade rate) and
 * the bytes each browser receives per snapshot. Baseline, measured in the same run: the least any
 * consumer of the trades does, one pass summing quote volume per symbol.
 *
 * Usage: npm run bench -w @coattail/console
 */
import { TradeAggregator, type ConsoleTrade } from '../src/index.js';

const SYMBOLS = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'];
const RATE = 20_000;
const SECONDS = 120;

/** RATE trades/s over SECONDS of event time, in one-second batches as the producer publishes them. */
function batches(start: number): ConsoleTrade[][] {
  const out: ConsoleTrade[][] = [];
  for (let s = 0; s < SECONDS; s++) {
    const batch: ConsoleTrade[] = [];
    for (let i = 0; i < RATE; i++) {
      const price = 100 + ((i * 7919) % 1000) / 100;
      batch.push({
        exchange: i % 2 ? 'binance' : 'coinbase',
        symbol: SYMBOLS[i % 3]!,
        price,
        quantity: 0.5,
        quote_volume: price * 0.5,
        event_time: start + s * 1_000 + Math.floor((i * 1_000) / RATE),
      });
    }
    out.push(batch);
  }
  return out;
}

function best(runs: number, run: () => number): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) min = Math.min(min, run());
  return min;
}

const start = Math.floor(Date.now() / 60_000) * 60_000 - SECONDS * 1_000;
const data = batches(start);
const total = RATE * SECONDS;

const baselineMs = best(5, () => {
  const t = performance.now();
  const sums = new Map<string, number>();
  for (const batch of data) for (const tr of batch) sums.set(tr.symbol, (sums.get(tr.symbol) ?? 0) + tr.quote_volume);
  if (sums.size !== SYMBOLS.length) throw new Error('baseline lost a symbol');
  return performance.now() - t;
});

const settings = {
  production: { spreadWindowMs: 30_000, zWindowMs: 60_000, zHistory: 60, zMinHistory: 10 },
  demo: { spreadWindowMs: 5_000, zWindowMs: 2_000, zHistory: 1_800, zMinHistory: 10 },
};
let market: TradeAggregator | undefined;
const ingestMs = best(5, () => {
  market = new TradeAggregator(settings.demo);
  const t = performance.now();
  for (const batch of data) market.ingest(batch, batch[batch.length - 1]!.event_time);
  return performance.now() - t;
});

const now = start + SECONDS * 1_000;
const snapshotMs = Object.fromEntries(
  Object.entries(settings).map(([name, options]) => {
    const m = new TradeAggregator(options);
    for (const batch of data) m.ingest(batch, batch[batch.length - 1]!.event_time);
    m.snapshot(now);
    return [name, best(20, () => ((t) => (m.snapshot(now), performance.now() - t))(performance.now()))];
  }),
);
const bytes = Buffer.byteLength(JSON.stringify(market!.snapshot(now)));

const mps = (ms: number): string => ((total / ms) * 1_000).toLocaleString('en-US', { maximumFractionDigits: 0 });
console.log(
  `console bench: ${total.toLocaleString('en-US')} trades (${RATE.toLocaleString('en-US')}/s × ${SECONDS} s, 3 symbols, 2 exchanges)`,
);
console.log(`  ingest into the charts      ${mps(ingestMs)} trades/s  (${ingestMs.toFixed(0)} ms)`);
console.log(`  baseline: one summing pass  ${mps(baselineMs)} trades/s  (${baselineMs.toFixed(0)} ms)`);
console.log(`  CPU share at 20 000 trades/s: ${((ingestMs / (SECONDS * 1_000)) * 100).toFixed(2)} % of one core`);
for (const [name, ms] of Object.entries(snapshotMs))
  console.log(
    `  one snapshot (${name} windows)  ${ms.toFixed(2)} ms; at 2 per second ${(ms * 0.2).toFixed(2)} % of one core`,
  );
console.log(`  one snapshot on the wire    ${(bytes / 1024).toFixed(1)} KiB (the same at any trade rate)`);

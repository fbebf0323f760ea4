import type { SpreadPoint, ZScorePoint } from '../model/snapshot.js';

/** Sums of one exchange's trades in one bucket. */
export interface ExchangeSums {
  n: number;
  qty: number;
  quote: number;
}

/** One bucket of one symbol: the last price and the sums per exchange. */
export interface Bucket {
  last: number;
  lastTime: number;
  ex: Record<string, ExchangeSums>;
}

interface Range {
  bucketMs: number;
  /** Windows ending after this are shown. */
  from: number;
  /** Windows ending after this are still open (not shown). */
  until: number;
}

/** Sums of every exchange over the buckets of [start, start + width). */
function windowSums(buckets: Map<number, Bucket>, start: number, width: number, bucketMs: number) {
  const sums: Record<string, ExchangeSums> = {};
  for (let t = start; t < start + width; t += bucketMs) {
    const bucket = buckets.get(t / bucketMs);
    if (bucket === undefined) continue;
    for (const [exchange, e] of Object.entries(bucket.ex)) {
      const s = (sums[exchange] ??= { n: 0, qty: 0, quote: 0 });
      s.n += e.n;
      s.qty += e.qty;
      s.quote += e.quote;
    }
  }
  return sums;
}

/**
 * The spread calculator's arithmetic per completed window: VWAP per exchange, spread % =
 * (high − low) / low × 100. Windows with fewer than two exchanges have no spread.
 */
export function spreadWindows(buckets: Map<number, Bucket>, o: Range & { spreadWindowMs: number }): SpreadPoint[] {
  const out: SpreadPoint[] = [];
  const w = o.spreadWindowMs;
  for (let start = Math.floor((o.from - w) / w) * w + w; start + w <= o.until; start += w) {
    const vwaps = Object.entries(windowSums(buckets, start, w, o.bucketMs))
      .filter(([, s]) => s.qty > 0)
      .map(([exchange, s]) => ({ exchange, vwap: s.quote / s.qty }))
      .sort((a, b) => a.vwap - b.vwap);
    const low = vwaps[0];
    const high = vwaps.at(-1);
    if (low === undefined || high === undefined || vwaps.length < 2) continue;
    out.push({
      t: start,
      spreadPct: ((high.vwap - low.vwap) / low.vwap) * 100,
      high: high.exchange,
      low: low.exchange,
    });
  }
  return out;
}

/**
 * The anomaly job's arithmetic per completed window and exchange: volume = Σ quantity, z against
 * the mean and (population) standard deviation of the previous non-empty windows (at most
 * `zHistory`), scored once `zMinHistory` of them exist. Running sums keep a snapshot linear in the
 * number of windows, even with an hour of 2 s windows.
 */
export function zScoreWindows(
  buckets: Map<number, Bucket>,
  o: Range & { zWindowMs: number; zHistory: number; zMinHistory: number; historyFrom: number },
): ZScorePoint[] {
  const w = o.zWindowMs;
  const history = new Map<string, { values: number[]; head: number; sum: number; sq: number }>();
  const out: ZScorePoint[] = [];
  for (let start = Math.ceil(o.historyFrom / w) * w; start + w <= o.until; start += w) {
    for (const [exchange, s] of Object.entries(windowSums(buckets, start, w, o.bucketMs))) {
      if (s.n === 0) continue;
      let h = history.get(exchange);
      if (h === undefined) history.set(exchange, (h = { values: [], head: 0, sum: 0, sq: 0 }));
      const n = h.values.length - h.head;
      let z: number | null = null;
      if (n >= o.zMinHistory) {
        const mean = h.sum / n;
        const std = Math.sqrt(Math.max(0, h.sq / n - mean * mean));
        z = std > 1e-12 * Math.max(1, Math.abs(mean)) ? (s.qty - mean) / std : 0;
      }
      if (start + w > o.from) out.push({ t: start, exchange, volume: s.qty, z });
      h.values.push(s.qty);
      h.sum += s.qty;
      h.sq += s.qty * s.qty;
      if (h.values.length - h.head > o.zHistory) {
        const old = h.values[h.head++]!;
        h.sum -= old;
        h.sq -= old * old;
      }
    }
  }
  return out;
}

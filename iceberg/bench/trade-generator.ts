/** Deterministic synthetic trades for the benchmark: chronological over `days`, 3 symbols, 2 exchanges. */
export const DAY_US = 86_400_000_000n;
export const START_US = BigInt(Date.UTC(2026, 9, 1)) * 1000n;
const SYMBOLS = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'];
const BASE_PRICE = [97_000, 3_400, 240];

export type BenchTrade = {
  event_id: string;
  exchange: string;
  symbol: string;
  trade_id: string;
  price: number;
  quantity: number;
  quote_volume: number;
  side: string;
  event_time: bigint;
  ingest_time: bigint;
};

/** Trades `from`..`from + count` of `total`, spread evenly over `days` days. */
export function tradeBatch(from: number, count: number, total: number, days: number): BenchTrade[] {
  const span = BigInt(days) * DAY_US;
  const out: BenchTrade[] = new Array<BenchTrade>(count);
  for (let k = 0; k < count; k++) {
    const i = from + k;
    const s = i % 3;
    const exchange = i % 2 === 0 ? 'binance' : 'coinbase';
    const wiggle = Math.sin(i / 1000) * 0.01 + ((i * 7919) % 1000) / 1e6;
    const price = Math.round(BASE_PRICE[s]! * (1 + wiggle) * 100) / 100;
    const quantity = (((i * 104729) % 10_000) + 1) / 1000;
    const eventTime = START_US + (span * BigInt(i)) / BigInt(total);
    out[k] = {
      event_id: `${exchange}:${SYMBOLS[s]}:${i}`,
      exchange,
      symbol: SYMBOLS[s]!,
      trade_id: String(i),
      price,
      quantity,
      quote_volume: price * quantity,
      side: i % 5 < 2 ? 'sell' : 'buy',
      event_time: eventTime,
      ingest_time: eventTime + 150_000n,
    };
  }
  return out;
}

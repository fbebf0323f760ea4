import { seededRandom } from '@coattail/runtime';
import type { JobTrade } from '../src/index.js';

const LEVEL: Record<string, number> = { 'BTC-USDT': 97_000, 'ETH-USDT': 3_400, 'SOL-USDT': 240 };

/**
 * A scripted market: `minutes` of trades for three symbols on both exchanges, in event-time
 * order, with a volume spike on BTC-USDT/binance at minute 15, a few whale trades, and a coinbase
 * premium of ~0.8 % during minutes 8 and 9 (spread alerts). Ends with one far-future trade per
 * symbol that pushes every shard's watermark past the data, so every window fires.
 */
export function scriptedTrades(start: number, minutes = 20, seed = 7): (JobTrade & { ingest_time: number })[] {
  const random = seededRandom(seed);
  const out: (JobTrade & { ingest_time: number })[] = [];
  let id = 0;
  for (let minute = 0; minute < minutes; minute++) {
    for (let second = 0; second < 60; second += 6) {
      for (const symbol of Object.keys(LEVEL)) {
        for (const exchange of ['binance', 'coinbase'] as const) {
          const premium = exchange === 'coinbase' && (minute === 8 || minute === 9) ? 1.008 : 1;
          const price = Number((LEVEL[symbol]! * premium * (1 + (random() - 0.5) * 0.001)).toFixed(2));
          let quantity = Number((0.5 + random()).toFixed(4));
          if (symbol === 'BTC-USDT' && exchange === 'binance' && minute === 15) quantity *= 25;
          if (id % 397 === 0 && id > 0) quantity = Number((300_000 / price).toFixed(4)); // a whale
          id++;
          out.push({
            event_id: `${exchange}:${symbol}:${id}`,
            exchange,
            symbol,
            price,
            quantity,
            quote_volume: price * quantity,
            side: random() < 0.5 ? 'buy' : 'sell',
            trade_id: id,
            event_time: start + minute * 60_000 + second * 1_000 + Math.floor(random() * 900),
            ingest_time: start + minute * 60_000 + second * 1_000 + 950,
          });
        }
      }
    }
  }
  for (const symbol of Object.keys(LEVEL)) {
    id++;
    out.push({
      event_id: `binance:${symbol}:${id}`,
      exchange: 'binance',
      symbol,
      price: LEVEL[symbol]!,
      quantity: 0.001,
      quote_volume: LEVEL[symbol]! * 0.001,
      side: 'buy',
      trade_id: id,
      event_time: start + (minutes + 10) * 60_000,
      ingest_time: start + (minutes + 10) * 60_000,
    });
  }
  return out;
}

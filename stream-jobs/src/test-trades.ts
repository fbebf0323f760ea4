import type { JobTrade } from './model/records.js';

let seq = 0;
/** A trade for tests: price × quantity = quote volume, ids unique. */
export function trade(over: Partial<JobTrade> & { event_time: number }): JobTrade {
  const price = over.price ?? 100;
  const quantity = over.quantity ?? 1;
  seq++;
  return {
    event_id: `binance:BTC-USDT:${seq}`,
    exchange: 'binance',
    symbol: 'BTC-USDT',
    side: 'buy',
    price,
    quantity,
    quote_volume: price * quantity,
    ...over,
  };
}

import type { SimTrade } from './market.js';

/** A simulated trade as Binance's combined `@trade` stream frame (current field set). */
export function binanceTradeFrame(t: SimTrade, stream: string): string {
  const s = stream.slice(0, stream.indexOf('@')).toUpperCase();
  // m: "is the buyer the market maker?" — true when the taker sold.
  return `{"stream":"${stream}","data":{"e":"trade","E":${t.time + 1},"s":"${s}","t":${t.tradeId},"p":"${t.price}","q":"${t.size}","T":${t.time},"m":${t.takerSide === 'sell'},"M":true}}`;
}

/** A simulated trade as a Coinbase Exchange `match` (or `last_match`) message. */
export function coinbaseMatchFrame(t: SimTrade, product: string, type: 'match' | 'last_match' = 'match'): string {
  // Coinbase's side is the maker's side: the opposite of the taker's.
  return JSON.stringify({
    type,
    trade_id: t.tradeId,
    maker_order_id: `m-${t.tradeId}`,
    taker_order_id: `t-${t.tradeId}`,
    side: t.takerSide === 'buy' ? 'sell' : 'buy',
    size: t.size,
    price: t.price,
    product_id: product,
    sequence: t.sequence,
    time: new Date(t.time).toISOString().replace('Z', '000Z'),
  });
}

import { type BinanceRestClient, MAX_PAGE_SIZE } from './binance-rest.js';

/** Which REST endpoint a load reads. */
export type TradeEndpoint = 'aggTrades' | 'historicalTrades';

/** A trade of any source, before normalization (prices still the exchange's strings). */
export interface FetchedTrade {
  /** The exchange trade id (`id` of historicalTrades and the archives), or the aggregate id `a` of aggTrades. */
  tradeId: number;
  price: string;
  quantity: string;
  time: number;
  buyerIsMaker: boolean;
  /** Set for aggTrades rows: `tradeId` is an aggregate id and the quantity may span several fills. */
  aggregate?: true;
}

/**
 * Pages of trades of `symbol` (Binance spelling) with `startTime <= time <= endTime`, oldest
 * first, never more than `limit` (≤ 1000) per request.
 *
 * - aggTrades: every page by `startTime`/`endTime` (the API's oldest-first range mode), the next
 *   one starting at the previous page's last millisecond (trades already seen are dropped by
 *   aggregate id), so nothing beyond `endTime` is downloaded; a page made of a single millisecond
 *   continues by `fromId` instead. Stops at a short page or at `endTime`.
 * - historicalTrades has no time parameters: one aggTrades call (`startTime`, limit 1) finds the
 *   first trade id of the range (`f`), then pages go by `fromId` until a trade after `endTime`.
 *
 * An aggregate's `tradeId` is its aggregate id `a`, flagged `aggregate`: an aggregate of several
 * fills is not any one trade of the live `@trade` stream, so it must not borrow a trade's id.
 */
export async function* tradePages(
  client: BinanceRestClient,
  endpoint: TradeEndpoint,
  symbol: string,
  startTime: number,
  endTime: number,
  limit = MAX_PAGE_SIZE,
): AsyncGenerator<FetchedTrade[]> {
  const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, limit));
  if (endpoint === 'aggTrades') {
    let page = await client.aggTrades({ symbol, startTime, endTime, limit: pageSize });
    let seen = -1;
    for (;;) {
      const fresh = page.filter((t) => t.a > seen && t.T >= startTime && t.T <= endTime);
      if (fresh.length > 0)
        yield fresh.map((t) => ({
          tradeId: t.a,
          price: t.p,
          quantity: t.q,
          time: t.T,
          buyerIsMaker: t.m,
          aggregate: true as const,
        }));
      const [head, last] = [page[0], page.at(-1)];
      if (head === undefined || last === undefined || page.length < pageSize || last.T >= endTime) return;
      seen = Math.max(seen, last.a);
      // Next page by time (bounded by endTime, so nothing past the range is downloaded), re-reading
      // only the last millisecond's trades; a page that is one millisecond only continues by id.
      page =
        head.T === last.T
          ? await client.aggTrades({ symbol, fromId: seen + 1, limit: pageSize })
          : await client.aggTrades({ symbol, startTime: last.T, endTime, limit: pageSize });
    }
  }
  const first = (await client.aggTrades({ symbol, startTime, endTime, limit: 1 }))[0];
  if (first === undefined) return;
  let fromId = first.f;
  for (;;) {
    const page = await client.historicalTrades({ symbol, fromId, limit: pageSize });
    const inRange = page.filter((t) => t.time >= startTime && t.time <= endTime);
    if (inRange.length > 0)
      yield inRange.map((t) => ({
        tradeId: t.id,
        price: t.price,
        quantity: t.qty,
        time: t.time,
        buyerIsMaker: t.isBuyerMaker,
      }));
    const last = page.at(-1);
    if (last === undefined || page.length < pageSize || last.time >= endTime) return;
    fromId = last.id + 1;
  }
}

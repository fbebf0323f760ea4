import type { BinanceArchiveClient } from './archive/binance-archive.js';
import type { BinanceRestClient } from './binance-rest.js';
import { BatchJobError } from './errors.js';
import { tradePages, type FetchedTrade } from './trade-pages.js';

/**
 * Where a historical load reads its trades from.
 *
 * - `auto` (default): the daily archive of each UTC day, and `historicalTrades` by id for days
 *   the archive does not have yet (or for every day when no archive client is given). One row
 *   per trade, ids as the live `@trade` stream.
 * - `archive`: the daily archives only; a day without an archive fails the load.
 * - `rest`: `historicalTrades` paged by id only (slower: weight 25 per 1000 trades).
 * - `aggTrades`: aggregates, one row per aggregate of possibly several fills. Not the live feed's
 *   trades, so they are written under their own id namespace (`binance-agg:`), never as trades.
 */
export type TradeSource = 'auto' | 'archive' | 'rest' | 'aggTrades';

/** Every trade source, for option validation. */
export const TRADE_SOURCES: readonly TradeSource[] = ['auto', 'archive', 'rest', 'aggTrades'];

const DAY_MS = 86_400_000;

/** The UTC days (`YYYY-MM-DD`) a range touches, each with the part of the range inside it. */
export function utcDays(start: number, end: number): { day: string; start: number; end: number }[] {
  const out: { day: string; start: number; end: number }[] = [];
  for (let dayStart = Math.floor(start / DAY_MS) * DAY_MS; dayStart <= end; dayStart += DAY_MS)
    out.push({
      day: new Date(dayStart).toISOString().slice(0, 10),
      start: Math.max(start, dayStart),
      end: Math.min(end, dayStart + DAY_MS - 1),
    });
  return out;
}

/**
 * Pages of trades of `symbol` (Binance spelling) with `start <= time <= end`, oldest first, from
 * the chosen source. Archive and REST pages are the same trades with the same ids, so a range can
 * mix them (archive for closed days, REST for today).
 */
export async function* sourcePages(
  clients: { rest: BinanceRestClient; archive?: BinanceArchiveClient | undefined },
  source: TradeSource,
  symbol: string,
  start: number,
  end: number,
  pageLimit?: number,
): AsyncGenerator<FetchedTrade[]> {
  if (source === 'rest' || source === 'aggTrades') {
    yield* tradePages(
      clients.rest,
      source === 'rest' ? 'historicalTrades' : 'aggTrades',
      symbol,
      start,
      end,
      pageLimit,
    );
    return;
  }
  const archive = clients.archive;
  if (archive === undefined) {
    if (source === 'archive')
      throw new BatchJobError('INVALID_REQUEST', `source 'archive' needs an archive client (BinanceArchiveClient)`, {
        domain: 'user',
      });
    // `auto` without an archive client: the same trades, by id from the REST API.
    yield* tradePages(clients.rest, 'historicalTrades', symbol, start, end, pageLimit);
    return;
  }
  for (const day of utcDays(start, end)) {
    const pages = await archive.dayTrades(symbol, day.day);
    if (pages === 'missing') {
      if (source === 'archive')
        throw new BatchJobError(
          'INVALID_REQUEST',
          `${archive.baseUrl} has no daily trade archive of ${symbol} for ${day.day}; load that day with --source rest or auto`,
          { domain: 'user' },
        );
      yield* tradePages(clients.rest, 'historicalTrades', symbol, day.start, day.end, pageLimit);
      continue;
    }
    for await (const page of pages) {
      const inRange = page.filter((t) => t.time >= day.start && t.time <= day.end);
      if (inRange.length > 0) yield inRange;
      // Trades are in id (and so time) order: past the range, the rest of the day is not needed.
      if ((page.at(-1)?.time ?? 0) > day.end) break;
    }
  }
}

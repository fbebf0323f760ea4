import type { FetchedTrade } from '../trade-pages.js';

/** Result of reading one archive line: a trade, a header to skip, or a line we refuse. */
export type ArchiveLine = { kind: 'trade'; trade: FetchedTrade } | { kind: 'header' } | { kind: 'bad'; reason: string };

/**
 * Epoch values above this are microseconds: Binance's spot archives switched from milliseconds
 * to microseconds on 2025-01-01, while the live `@trade` stream keeps milliseconds. Millisecond
 * timestamps stay below it until the year 5138.
 */
const MICROSECOND_THRESHOLD = 100_000_000_000_000;

const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * Reads one line of a Binance spot daily trades archive:
 * `id,price,qty,quote_qty,time,is_buyer_maker,is_best_match`. Prices stay the exchange's decimal
 * strings (normalization parses them exactly, as for the live feed); the time becomes epoch
 * milliseconds (microsecond archives are truncated to the millisecond, which is what the live
 * stream carries for the same trade); `is_buyer_maker` is accepted as `true`/`True`.
 */
export function parseArchiveLine(line: string): ArchiveLine {
  const cols = line.trim().split(',');
  if (cols.length < 6) return { kind: 'bad', reason: `expected at least 6 columns, got ${cols.length}` };
  const [id, price, qty, , time, maker] = cols as [string, string, string, string, string, string];
  if (!/^\d+$/.test(id)) return /^[a-z_]+$/i.test(id) ? { kind: 'header' } : { kind: 'bad', reason: `id '${id}'` };
  if (!DECIMAL.test(price) || !DECIMAL.test(qty)) return { kind: 'bad', reason: `price '${price}' or qty '${qty}'` };
  if (!/^\d+$/.test(time)) return { kind: 'bad', reason: `time '${time}'` };
  const lower = maker.toLowerCase();
  if (lower !== 'true' && lower !== 'false') return { kind: 'bad', reason: `is_buyer_maker '${maker}'` };
  const raw = Number(time);
  const ms = raw >= MICROSECOND_THRESHOLD ? Math.floor(raw / 1000) : raw;
  return {
    kind: 'trade',
    trade: { tradeId: Number(id), price, quantity: qty, time: ms, buyerIsMaker: lower === 'true' },
  };
}

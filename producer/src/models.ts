import { z } from 'zod';
import { decimalToNumber, multiply, parseDecimal } from './decimal.js';

/** Exchanges the producer reads. */
export const EXCHANGES = ['binance', 'coinbase'] as const;
export type Exchange = (typeof EXCHANGES)[number];

/** Canonical symbol: BASE-QUOTE in upper case, e.g. `BTC-USDT` (single-letter bases exist: `T-USDT`). */
export const canonicalSymbolSchema = z
  .string()
  .regex(/^[A-Z0-9]{1,12}-[A-Z0-9]{2,12}$/, 'a canonical symbol looks like BTC-USDT');

/**
 * The unified trade event every exchange adapter emits and the stream jobs read (one JSON object
 * per Kinesis/Kafka record, partition key = `symbol`).
 *
 * - `event_id`: deterministic, `exchange:symbol:trade_id`, so a replayed trade keeps its id and the
 *   idempotent sinks downstream drop it.
 * - `price`, `quantity`: the exchange's decimal strings parsed exactly, then rounded once to double.
 * - `quote_volume`: price × quantity computed exactly in decimal, rounded once.
 * - `side`: the taker's side (Binance `m` = buyer is maker; Coinbase `side` is the maker's side).
 * - `event_time`: the exchange's trade time (ms); `ingest_time`: when the producer received it (ms).
 */
export const unifiedTradeSchema = z
  .object({
    event_id: z.string().min(1),
    exchange: z.enum(EXCHANGES),
    symbol: canonicalSymbolSchema,
    price: z.number().positive().finite(),
    quantity: z.number().positive().finite(),
    quote_volume: z.number().positive().finite(),
    side: z.enum(['buy', 'sell']),
    trade_id: z.number().int().nonnegative(),
    event_time: z.number().int().nonnegative(),
    ingest_time: z.number().int().nonnegative(),
  })
  .strict();

/** One normalized trade. */
export type UnifiedTrade = z.infer<typeof unifiedTradeSchema>;

/** The deterministic id of a trade: the same exchange trade always gets the same id. */
export function tradeEventId(exchange: Exchange, symbol: string, tradeId: number): string {
  return `${exchange}:${symbol}:${tradeId}`;
}

/** The fields an exchange message yields before normalization (prices still strings). */
export interface RawTradeFields {
  exchange: Exchange;
  symbol: string;
  price: unknown;
  quantity: unknown;
  side: 'buy' | 'sell';
  tradeId: unknown;
  eventTime: number;
  ingestTime: number;
}

/** Result of {@link normalizeTrade}: a valid trade or the reason it was refused. */
export type NormalizeResult = { ok: true; trade: UnifiedTrade } | { ok: false; reason: string };

/**
 * Builds a {@link UnifiedTrade} from an exchange's fields, refusing a non-canonical symbol,
 * invalid prices and sizes (NaN, infinite, negative, zero, non-decimal) and bad ids or times
 * with a reason.
 *
 * @example
 * normalizeTrade({ exchange: 'binance', symbol: 'BTC-USDT', price: '9302.00', quantity: '0.5', side: 'buy', tradeId: 1, eventTime: 1, ingestTime: 2 });
 */
export function normalizeTrade(f: RawTradeFields): NormalizeResult {
  if (!canonicalSymbolSchema.safeParse(f.symbol).success)
    return { ok: false, reason: `symbol '${f.symbol}' is not canonical (BASE-QUOTE in upper case)` };
  const price = parseDecimal(f.price, 'price');
  if (!price.ok) return price;
  const quantity = parseDecimal(f.quantity, 'quantity');
  if (!quantity.ok) return quantity;
  if (typeof f.tradeId !== 'number' || !Number.isSafeInteger(f.tradeId) || f.tradeId < 0) {
    return { ok: false, reason: `trade id ${String(f.tradeId)} is not a non-negative integer` };
  }
  if (!Number.isSafeInteger(f.eventTime) || f.eventTime < 0)
    return { ok: false, reason: `event time ${f.eventTime} is not a valid epoch millisecond` };
  // A validated plain decimal string converts to its nearest double directly (exactly what
  // decimalToNumber gives); only the product needs the exact decimal arithmetic.
  const p = Number(f.price);
  const q = Number(f.quantity);
  const qv = decimalToNumber(multiply(price.value, quantity.value));
  if (!Number.isFinite(p) || !Number.isFinite(q) || !Number.isFinite(qv) || q === 0 || qv === 0) {
    return {
      ok: false,
      reason: `price ${String(f.price)} × quantity ${String(f.quantity)} is outside the double range`,
    };
  }
  return {
    ok: true,
    trade: {
      event_id: tradeEventId(f.exchange, f.symbol, f.tradeId),
      exchange: f.exchange,
      symbol: f.symbol,
      price: p,
      quantity: q,
      quote_volume: qv,
      side: f.side,
      trade_id: f.tradeId,
      event_time: f.eventTime,
      ingest_time: f.ingestTime,
    },
  };
}

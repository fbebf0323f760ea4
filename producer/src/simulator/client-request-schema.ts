import { listIssues } from '@coattail/runtime';
import { z } from 'zod';
import { isObject } from '../exchanges/protocol.js';

// What the simulated exchanges accept from a client. A request of another shape gets the error
// reply the exchange would give; it never reaches code that assumes the shape (and throws).

/** Binance `{"method":"SUBSCRIBE","params":["btcusdt@trade"],"id":1}` (or `UNSUBSCRIBE`). */
export const binanceRequestSchema = z.object({
  method: z.enum(['SUBSCRIBE', 'UNSUBSCRIBE']),
  params: z.array(z.string()),
  id: z.union([z.number().int().nonnegative(), z.string(), z.null()]).optional(),
});

/** Coinbase Exchange `subscribe`: channels by name or as `{ name, product_ids }`. */
export const coinbaseRequestSchema = z.object({
  type: z.literal('subscribe'),
  product_ids: z.array(z.string()).optional(),
  channels: z.array(z.union([z.string(), z.looseObject({ name: z.string() })])).optional(),
});

/** Coinbase Advanced Trade `subscribe`: one channel per request. */
export const advancedTradeRequestSchema = z.object({
  type: z.literal('subscribe'),
  channel: z.string(),
  product_ids: z.array(z.string()).optional(),
});

/** A client frame read as JSON and then against `schema`. */
export type ClientRequest<T> =
  | { ok: true; value: T }
  | { ok: false; problem: 'not-json' }
  | { ok: false; problem: 'shape'; raw: unknown; issues: string };

/** Never throws: a frame that is not JSON or not of the shape comes back as a problem to reply to. */
export function parseClientRequest<T>(text: string, schema: z.ZodType<T>): ClientRequest<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'not-json' };
  }
  const parsed = schema.safeParse(raw);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, problem: 'shape', raw, issues: listIssues(parsed.error) };
}

/** Member `key` of a request that did not parse, if it is a plain object. */
export function memberOf(raw: unknown, key: string): unknown {
  return isObject(raw) ? raw[key] : undefined;
}

import { z } from 'zod';
import { ProducerConfigError } from '../errors.js';
import { normalizeTrade } from '../models.js';
import type { SymbolMap } from '../symbols.js';
import { isObject, parseJson, type ExchangeProtocol, type ParsedMessage } from './protocol.js';

/** The public Coinbase Exchange market-data feed. */
export const COINBASE_WS_URL = 'wss://ws-feed.exchange.coinbase.com';

const matchPayload = z.object({
  type: z.enum(['match', 'last_match']),
  trade_id: z.number(),
  product_id: z.string(),
  side: z.enum(['buy', 'sell']),
  size: z.unknown(),
  price: z.unknown(),
  time: z.string(),
});

const heartbeatPayload = z.object({
  type: z.literal('heartbeat'),
  product_id: z.string(),
  last_trade_id: z.number().optional(),
});

/**
 * Reads one Coinbase Exchange frame: `match` and `last_match` of a mapped product become trades
 * (any other product is malformed: it has no canonical symbol); `subscriptions`
 * (the ack), `heartbeat` and `error` are recognized; other types are ignored by name, and a frame
 * without `type` is ignored as 'untyped'.
 */
export function parseCoinbaseMessage(text: string, ingestTime: number, symbols: SymbolMap): ParsedMessage {
  const json = parseJson(text);
  if (!json.ok) return { kind: 'malformed', reason: json.reason };
  const msg = json.value;
  if (!isObject(msg)) return { kind: 'malformed', reason: 'frame is not a JSON object' };
  switch (msg.type) {
    case 'subscriptions':
      return { kind: 'ack', detail: JSON.stringify(msg.channels ?? []).slice(0, 200) };
    case 'error':
      return { kind: 'error', message: [msg.message, msg.reason].filter((x) => typeof x === 'string').join(': ') };
    case 'heartbeat': {
      const hb = heartbeatPayload.safeParse(msg);
      if (!hb.success) return { kind: 'malformed', reason: 'heartbeat without product_id' };
      // Only products we subscribed to prove that our feed is alive.
      const symbol = symbols.mappedFromCoinbase(hb.data.product_id);
      if (symbol === undefined) return { kind: 'ignored', type: 'heartbeat-unsubscribed' };
      return {
        kind: 'heartbeat',
        symbol,
        ...(hb.data.last_trade_id !== undefined ? { lastTradeId: hb.data.last_trade_id } : {}),
      };
    }
    case 'match':
    case 'last_match':
      break;
    default:
      return { kind: 'ignored', type: typeof msg.type === 'string' ? msg.type : 'untyped' };
  }
  const parsed = matchPayload.safeParse(msg);
  if (!parsed.success)
    return {
      kind: 'malformed',
      reason: `match payload: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    };
  const m = parsed.data;
  const eventTime = Date.parse(m.time);
  if (Number.isNaN(eventTime)) return { kind: 'malformed', reason: `match time '${m.time}' is not ISO-8601` };
  // Coinbase's `side` is the maker's order side; the taker traded the other way.
  const side = m.side === 'buy' ? 'sell' : 'buy';
  // Only products of the map: anything else (say `btc-usd`) has no canonical symbol to publish under.
  const symbol = symbols.mappedFromCoinbase(m.product_id);
  if (symbol === undefined) return { kind: 'malformed', reason: `unmapped product ${m.product_id}` };
  const result = normalizeTrade({
    exchange: 'coinbase',
    symbol,
    price: m.price,
    quantity: m.size,
    side,
    tradeId: m.trade_id,
    eventTime,
    ingestTime,
  });
  return result.ok ? { kind: 'trade', trade: result.trade } : { kind: 'malformed', reason: result.reason };
}

/**
 * The Coinbase Exchange protocol: after the socket opens, one `subscribe` to the `matches` and
 * `heartbeat` channels for every product (sent again on each reconnect). Coinbase answers with
 * a `subscriptions` ack, then one `last_match` per product, then `match` messages.
 */
export function coinbaseProtocol(symbols: SymbolMap, url: string = COINBASE_WS_URL): ExchangeProtocol {
  if (symbols.coinbaseCollisions().length > 0) throw new ProducerConfigError(symbols.coinbaseCollisions());
  const subscribe = JSON.stringify({
    type: 'subscribe',
    product_ids: symbols.coinbaseProducts(),
    channels: ['matches', 'heartbeat'],
  });
  return {
    exchange: 'coinbase',
    url: () => url,
    subscribeMessages: () => [subscribe],
    parse: (text, ingestTime) => parseCoinbaseMessage(text, ingestTime, symbols),
    maxConnectionAgeMs: undefined,
  };
}

import { z } from 'zod';
import { normalizeTrade } from '../models.js';
import type { SymbolMap } from '../symbols.js';
import { isObject, parseJson, type ExchangeProtocol, type ParsedMessage } from './protocol.js';

/** Coinbase Advanced Trade's public market-data feed (the one Coinbase points new users to). */
export const COINBASE_ADVANCED_WS_URL = 'wss://advanced-trade-ws.coinbase.com';

const tradeSchema = z.object({
  trade_id: z.string().regex(/^\d+$/, 'digits'),
  product_id: z.string(),
  price: z.unknown(),
  size: z.unknown(),
  side: z.enum(['BUY', 'SELL']),
  time: z.string(),
});
const envelopeSchema = z.object({
  channel: z.string(),
  sequence_num: z.number().int().nonnegative().optional(),
  events: z.array(z.unknown()).default([]),
});
const tradesEventSchema = z.object({ type: z.enum(['snapshot', 'update']), trades: z.array(z.unknown()) });

/**
 * Reads Advanced Trade frames. Every frame is an envelope `{channel, sequence_num, events[]}`;
 * `sequence_num` counts every message of the connection across all channels, so a jump means
 * messages were lost (reported as `lost`), never a per-product gap. On `market_trades` the first
 * event is a `snapshot` of recent trades, then `update`s batch the trades of about 250 ms;
 * within one message trades may come newest first, so they are emitted in trade-id order per
 * product. A trade both in the snapshot and in the first update is emitted twice here and
 * dropped as a duplicate by the connection's recent-id memory. `side` on this feed is the
 * taker's side (unlike the Exchange feed's `match`, where it is the maker's).
 */
export class AdvancedTradeParser {
  readonly #symbols: SymbolMap;
  #lastSequence: number | undefined;

  constructor(symbols: SymbolMap) {
    this.#symbols = symbols;
  }

  /** A new connection starts its own `sequence_num` at 0. */
  reset(): void {
    this.#lastSequence = undefined;
  }

  parse(text: string, ingestTime: number): ParsedMessage[] {
    const json = parseJson(text);
    if (!json.ok) return [{ kind: 'malformed', reason: json.reason }];
    const msg = json.value;
    if (!isObject(msg)) return [{ kind: 'malformed', reason: 'frame is not a JSON object' }];
    if (msg.type === 'error')
      return [{ kind: 'error', message: [msg.message, msg.reason].filter((x) => typeof x === 'string').join(': ') }];
    const envelope = envelopeSchema.safeParse(msg);
    if (!envelope.success) return [{ kind: 'ignored', type: typeof msg.type === 'string' ? msg.type : 'untyped' }];
    const out: ParsedMessage[] = this.#sequence(envelope.data.sequence_num);
    switch (envelope.data.channel) {
      case 'subscriptions':
        out.push({ kind: 'ack', detail: JSON.stringify(envelope.data.events).slice(0, 200) });
        break;
      case 'heartbeats':
        out.push({ kind: 'heartbeat' });
        break;
      case 'market_trades':
        for (const event of envelope.data.events) out.push(...this.#trades(event, ingestTime));
        break;
      default:
        out.push({ kind: 'ignored', type: envelope.data.channel });
    }
    return out;
  }

  #sequence(n: number | undefined): ParsedMessage[] {
    if (n === undefined) return [];
    const last = this.#lastSequence;
    if (last === undefined || n > last) this.#lastSequence = n;
    return last !== undefined && n > last + 1 ? [{ kind: 'lost', messages: n - last - 1 }] : [];
  }

  #trades(event: unknown, ingestTime: number): ParsedMessage[] {
    const e = tradesEventSchema.safeParse(event);
    if (!e.success) return [{ kind: 'malformed', reason: `market_trades event: ${e.error.issues[0]?.message ?? ''}` }];
    const parsed = e.data.trades.map((raw) => this.#trade(raw, ingestTime));
    const id = (m: ParsedMessage): number => (m.kind === 'trade' ? m.trade.trade_id : -1);
    // Oldest first, so duplicate suppression and gap detection see ids in the order they happened.
    return parsed.toSorted((a, b) => id(a) - id(b));
  }

  #trade(raw: unknown, ingestTime: number): ParsedMessage {
    const t = tradeSchema.safeParse(raw);
    if (!t.success)
      return {
        kind: 'malformed',
        reason: `market_trades trade: ${t.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
      };
    const symbol = this.#symbols.mappedFromCoinbase(t.data.product_id);
    if (symbol === undefined) return { kind: 'malformed', reason: `unmapped product ${t.data.product_id}` };
    const eventTime = Date.parse(t.data.time);
    if (Number.isNaN(eventTime)) return { kind: 'malformed', reason: `trade time '${t.data.time}' is not ISO-8601` };
    const result = normalizeTrade({
      exchange: 'coinbase',
      symbol,
      price: t.data.price,
      quantity: t.data.size,
      side: t.data.side === 'BUY' ? 'buy' : 'sell',
      tradeId: Number(t.data.trade_id),
      eventTime,
      ingestTime,
    });
    return result.ok ? { kind: 'trade', trade: result.trade } : { kind: 'malformed', reason: result.reason };
  }
}

/**
 * The Coinbase Advanced Trade protocol: on every open, one `subscribe` to `market_trades` for
 * all products and one to `heartbeats` (one channel per message, as the feed requires; the
 * heartbeats also keep quiet subscriptions from being closed after 60–90 s). Trades carry the
 * same ids as the Exchange feed, so both protocols publish the same `event_id` for a trade.
 */
export function coinbaseAdvancedProtocol(symbols: SymbolMap, url: string = COINBASE_ADVANCED_WS_URL): ExchangeProtocol {
  const parser = new AdvancedTradeParser(symbols);
  const messages = [
    JSON.stringify({ type: 'subscribe', product_ids: symbols.coinbaseProducts(), channel: 'market_trades' }),
    JSON.stringify({ type: 'subscribe', channel: 'heartbeats' }),
  ];
  return {
    exchange: 'coinbase',
    url: () => url,
    subscribeMessages: () => messages,
    parse: (text, ingestTime) => parser.parse(text, ingestTime),
    newConnection: () => parser.reset(),
    maxConnectionAgeMs: undefined,
  };
}

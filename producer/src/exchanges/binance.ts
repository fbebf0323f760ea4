import { z } from 'zod';
import { normalizeTrade } from '../models.js';
import type { SymbolMap } from '../symbols.js';
import { isObject, parseJson, type ExchangeProtocol, type ParsedMessage } from './protocol.js';

/** The public Binance spot market-data endpoint. */
export const BINANCE_WS_URL = 'wss://stream.binance.com:9443';

/**
 * Binance cuts every connection at 24 h; we replace ours 10 minutes earlier, overlapping the two
 * sockets so no trade falls between them (duplicates from the overlap are dropped downstream).
 */
export const BINANCE_MAX_CONNECTION_AGE_MS = 24 * 3_600_000 - 10 * 60_000;

/** Binance allows at most 1024 streams on one connection. */
export const BINANCE_MAX_STREAMS = 1024;

const tradePayload = z.object({
  e: z.literal('trade'),
  E: z.number(),
  s: z.string(),
  t: z.number(),
  p: z.unknown(),
  q: z.unknown(),
  T: z.number(),
  m: z.boolean(),
});

/**
 * Reads one Binance frame (raw or combined-stream envelope): `trade` payloads become trades; acks
 * (`{result, id}`), error frames (`{code, msg}`) and `serverShutdown` are recognized; every other
 * payload, typed or not (bookTicker has no `e`), is ignored by name.
 *
 * @example
 * parseBinanceMessage('{"stream":"btcusdt@trade","data":{"e":"trade",...}}', Date.now(), symbols);
 */
export function parseBinanceMessage(text: string, ingestTime: number, symbols: SymbolMap): ParsedMessage {
  const json = parseJson(text);
  if (!json.ok) return { kind: 'malformed', reason: json.reason };
  let msg = json.value;
  if (isObject(msg) && typeof msg.stream === 'string' && 'data' in msg) msg = msg.data;
  if (!isObject(msg)) return { kind: 'malformed', reason: 'frame is not a JSON object' };
  if ('result' in msg && 'id' in msg) return { kind: 'ack', detail: `id ${String(msg.id)}` };
  if (typeof msg.code === 'number' && typeof msg.msg === 'string')
    return { kind: 'error', message: `${msg.code}: ${msg.msg}` };
  const type = msg.e;
  if (type === 'serverShutdown') return { kind: 'shutdown' };
  if (type !== 'trade') return { kind: 'ignored', type: typeof type === 'string' ? type : 'untyped' };
  const parsed = tradePayload.safeParse(msg);
  if (!parsed.success)
    return {
      kind: 'malformed',
      reason: `trade payload: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    };
  const t = parsed.data;
  const symbol = symbols.fromBinance(t.s);
  if (symbol === undefined) return { kind: 'malformed', reason: `unknown Binance symbol '${t.s}'` };
  // `m`: the buyer was the maker, so the taker (the aggressor) sold.
  const result = normalizeTrade({
    exchange: 'binance',
    symbol,
    price: t.p,
    quantity: t.q,
    side: t.m ? 'sell' : 'buy',
    tradeId: t.t,
    eventTime: t.T,
    ingestTime,
  });
  return result.ok ? { kind: 'trade', trade: result.trade } : { kind: 'malformed', reason: result.reason };
}

/** Longest URL we put subscriptions in; beyond it they go in `SUBSCRIBE` messages. */
export const BINANCE_MAX_URL_LENGTH = 4_000;
/** Streams per `SUBSCRIBE` message. */
export const BINANCE_STREAMS_PER_SUBSCRIBE = 200;
/**
 * Spacing of `SUBSCRIBE` messages: Binance accepts 5 incoming messages per second per connection,
 * pongs included, so 4 a second leaves room for the pongs.
 */
export const BINANCE_SUBSCRIBE_INTERVAL_MS = 250;

/** Options of {@link binanceProtocol}. */
export interface BinanceProtocolOptions {
  /** @default BINANCE_MAX_URL_LENGTH */
  maxUrlLength?: number;
  /** @default BINANCE_STREAMS_PER_SUBSCRIBE */
  streamsPerSubscribe?: number;
}

/**
 * The Binance spot protocol, combined streams (`{stream, data}` envelopes). Few symbols: the
 * subscriptions are the URL (`/stream?streams=btcusdt@trade/ethusdt@trade`), so a reconnect
 * resubscribes by construction and nothing is sent on the socket. Many symbols, whose URL would
 * pass `maxUrlLength` (servers refuse URLs of around 8 000 characters): the URL is `/stream` and
 * the streams go in `SUBSCRIBE` messages of `streamsPerSubscribe`, sent again on every connection
 * and spaced {@link BINANCE_SUBSCRIBE_INTERVAL_MS} apart to stay within 5 messages a second.
 * Binance pings every 20 s; `ws` answers with a pong by itself.
 */
export function binanceProtocol(
  symbols: SymbolMap,
  baseUrl: string = BINANCE_WS_URL,
  options: BinanceProtocolOptions = {},
): ExchangeProtocol {
  const streams = symbols.symbols.map((s) => `${symbols.binanceStream(s)}@trade`);
  if (streams.length > BINANCE_MAX_STREAMS)
    throw new RangeError(`Binance allows ${BINANCE_MAX_STREAMS} streams per connection, got ${streams.length}`);
  const base = `${baseUrl.replace(/\/+$/, '')}/stream`;
  const inUrl = `${base}?streams=${streams.join('/')}`;
  const useUrl = inUrl.length <= (options.maxUrlLength ?? BINANCE_MAX_URL_LENGTH);
  const perMessage = Math.max(1, options.streamsPerSubscribe ?? BINANCE_STREAMS_PER_SUBSCRIBE);
  const messages: string[] = [];
  if (!useUrl)
    for (let i = 0; i < streams.length; i += perMessage)
      messages.push(
        JSON.stringify({ method: 'SUBSCRIBE', params: streams.slice(i, i + perMessage), id: messages.length + 1 }),
      );
  return {
    exchange: 'binance',
    url: () => (useUrl ? inUrl : base),
    subscribeMessages: () => messages,
    subscribeIntervalMs: BINANCE_SUBSCRIBE_INTERVAL_MS,
    parse: (text, ingestTime) => parseBinanceMessage(text, ingestTime, symbols),
    maxConnectionAgeMs: BINANCE_MAX_CONNECTION_AGE_MS,
  };
}

import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Exchange } from '../models.js';
import type { AdvancedTradeSession } from './advanced-trade-session.js';
import { binanceRequestSchema, coinbaseRequestSchema, memberOf, parseClientRequest } from './client-request-schema.js';

/** One client connection of the simulator. */
export interface Session {
  ws: WebSocket;
  /** The session's TCP socket: corked while a tick's frames are written, so they leave in one write. */
  socket: Duplex;
  exchange: Exchange;
  /** Canonical symbols subscribed (trades). */
  symbols: Set<string>;
  heartbeats: Set<string>;
  /** Set on Coinbase Advanced Trade connections (`/coinbase-advanced`). */
  advanced?: AdvancedTradeSession;
  silentUntil: number;
  lastPong: number;
  inbound: number[];
}

/** What the request handlers need from the simulator around them. */
export interface RequestContext {
  send(s: Session, text: string): void;
  /** Canonical symbol of a Binance symbol. */
  fromBinance(symbol: string): string | undefined;
  /** Canonical symbol of a listed Coinbase product, undefined for one Coinbase rejects. */
  symbolOfProduct(product: string): string | undefined;
  /** The `last_match` frame of a symbol, if it traded. */
  lastMatch(symbol: string): string | undefined;
  replayOnConnect(s: Session): void;
  closeOnError: boolean;
}

/** Binance `SUBSCRIBE`/`UNSUBSCRIBE` with acks, and the 5 messages/s inbound limit (close 1008 on the sixth). */
export function onBinanceRequest(s: Session, text: string, ctx: RequestContext): void {
  const now = Date.now();
  s.inbound = s.inbound.filter((t) => now - t < 1_000);
  s.inbound.push(now);
  if (s.inbound.length > 5) return s.ws.close(1008, 'too many messages per second');
  const parsed = parseClientRequest(text, binanceRequestSchema);
  if (!parsed.ok) {
    if (parsed.problem === 'not-json')
      return ctx.send(s, '{"code":3,"msg":"Invalid JSON: expected value at line 1 column 1"}');
    const method = memberOf(parsed.raw, 'method');
    const id = memberOf(parsed.raw, 'id');
    const msg =
      method === 'SUBSCRIBE' || method === 'UNSUBSCRIBE'
        ? `Invalid request: ${parsed.issues}`
        : 'Invalid request: unknown variant';
    return ctx.send(
      s,
      JSON.stringify({
        code: 2,
        msg,
        id: typeof id === 'number' || typeof id === 'string' || id === null ? id : undefined,
      }),
    );
  }
  const req = parsed.value;
  for (const p of req.params) {
    const symbol = p.endsWith('@trade') ? ctx.fromBinance(p.slice(0, -6)) : undefined;
    if (symbol === undefined) continue;
    if (req.method === 'SUBSCRIBE') s.symbols.add(symbol);
    else s.symbols.delete(symbol);
  }
  ctx.send(s, JSON.stringify({ result: null, id: req.id }));
}

/** Coinbase Exchange `subscribe`: `subscriptions` ack, a `last_match` per product, `error` for unknown products. */
export function onCoinbaseRequest(s: Session, text: string, ctx: RequestContext): void {
  const parsed = parseClientRequest(text, coinbaseRequestSchema);
  if (!parsed.ok) {
    if (parsed.problem === 'not-json')
      return ctx.send(s, JSON.stringify({ type: 'error', message: 'Malformed JSON', reason: 'invalid character' }));
    const type = memberOf(parsed.raw, 'type');
    const reason = type === 'subscribe' ? parsed.issues : `${String(type)} is not a valid message type`;
    return ctx.send(s, JSON.stringify({ type: 'error', message: 'Failed to subscribe', reason }));
  }
  const req = parsed.value;
  const products = req.product_ids ?? [];
  const channels = (req.channels ?? []).map((c) => (typeof c === 'string' ? c : c.name));
  if (channels.length === 0)
    return ctx.send(s, '{"type":"error","message":"Failed to subscribe","reason":"No channels provided"}');
  const bad = products.find((p) => ctx.symbolOfProduct(p) === undefined);
  if (bad !== undefined) {
    ctx.send(
      s,
      JSON.stringify({ type: 'error', message: 'Failed to subscribe', reason: `${bad} is not a valid product` }),
    );
    if (ctx.closeOnError) s.ws.close(1000, 'subscription failed');
    return;
  }
  const symbols = products.map((p) => ctx.symbolOfProduct(p)!);
  if (channels.includes('heartbeat')) for (const sym of symbols) s.heartbeats.add(sym);
  ctx.send(
    s,
    JSON.stringify({ type: 'subscriptions', channels: channels.map((name) => ({ name, product_ids: products })) }),
  );
  if (!channels.includes('matches')) return;
  for (const sym of symbols) {
    s.symbols.add(sym);
    const last = ctx.lastMatch(sym);
    if (last !== undefined) ctx.send(s, last);
  }
  ctx.replayOnConnect(s);
}

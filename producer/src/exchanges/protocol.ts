import type { Exchange, UnifiedTrade } from '../models.js';

/**
 * What one exchange message turned out to be. Every kind is handled on purpose and counted; a
 * `malformed` message is logged and counted, never thrown.
 */
export type ParsedMessage =
  | { kind: 'trade'; trade: UnifiedTrade }
  | { kind: 'ack'; detail: string }
  /** Proof the feed is alive: per product (Coinbase Exchange) or per connection (Advanced Trade). */
  | { kind: 'heartbeat'; symbol?: string; lastTradeId?: number }
  /** Messages the exchange numbered but we never received (Advanced Trade's `sequence_num`). */
  | { kind: 'lost'; messages: number }
  | { kind: 'error'; message: string }
  | { kind: 'shutdown' }
  | { kind: 'ignored'; type: string }
  | { kind: 'malformed'; reason: string };

/**
 * The part of an exchange adapter that differs per exchange: where to connect, what to send on
 * open, and how to read a message. The reconnecting connection around it is shared.
 */
export interface ExchangeProtocol {
  readonly exchange: Exchange;
  /** The URL to connect to (for Binance it carries the subscriptions). */
  url(): string;
  /** Frames to send right after the socket opens (Coinbase's subscribe, Binance's `SUBSCRIBE`s). */
  subscribeMessages(): string[];
  /** Spacing between those frames, for exchanges that limit incoming messages. @default 0 */
  readonly subscribeIntervalMs?: number;
  /** Reads one text frame (which may carry several trades); never throws. */
  parse(text: string, ingestTime: number): ParsedMessage | readonly ParsedMessage[];
  /** A new socket opened: forget per-connection state (Advanced Trade's `sequence_num`). */
  newConnection?(): void;
  /**
   * Longest a connection may live before the adapter replaces it (Binance cuts connections at
   * 24 h). Undefined means no limit.
   */
  readonly maxConnectionAgeMs: number | undefined;
}

/** JSON.parse that reports instead of throwing. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: `not JSON: '${text.slice(0, 60)}'` };
  }
}

/** True for a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

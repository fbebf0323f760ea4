import type { Logger, Metrics } from '@coattail/runtime';
import type { UnifiedTrade } from '../models.js';
import type { ExchangeProtocol } from './protocol.js';

/** Lifecycle of an `ExchangeConnection`. */
export type ConnectionStatus = 'IDLE' | 'CONNECTING' | 'OPEN' | 'BACKOFF' | 'STOPPED';

/** Options of an `ExchangeConnection`; every number has a default. */
export interface ExchangeConnectionOptions {
  protocol: ExchangeProtocol;
  /** Receives every new (not duplicate) valid trade, in arrival order. */
  onTrade: (trade: UnifiedTrade) => void;
  logger?: Logger;
  metrics?: Metrics;
  /** First back-off ceiling; doubles per failed attempt (full jitter). @default 500 */
  reconnectBaseMs?: number;
  /** Largest back-off. @default 30_000 */
  reconnectMaxMs?: number;
  /** No frame (message, ping or pong) for this long means the connection is dead. @default 30_000 */
  staleAfterMs?: number;
  /** Trade ids remembered per symbol to drop replays. @default 10_000 */
  recentIdsPerSymbol?: number;
  /** Replaces the protocol's connection age limit (tests). */
  maxConnectionAgeMs?: number;
  /**
   * No trade or heartbeat of a subscribed product for this long turns the feed's health red
   * (pings and pongs do not count: they prove the socket, not the data). @default 60_000
   */
  silentAfterMs?: number;
  /**
   * Wait after the exchange refused the upgrade with HTTP 451/429/418/... when it sends no
   * `Retry-After`. @default 300_000
   */
  refusalBackoffMs?: number;
  /** Clock of the health report (tests). @default Date.now */
  now?: () => number;
}

import type { Exchange } from '../models.js';
import type { ConnectionStatus } from './exchange-connection-options.js';

/** Health of one exchange feed, as `/healthz` reports it. */
export interface ExchangeHealth {
  exchange: Exchange;
  status: ConnectionStatus;
  /** True while the feed delivers data and the exchange has not refused us. */
  ok: boolean;
  /** Why the feed is not ok (absent when it is). */
  reason?: string;
  /** False once the exchange refused the connection with HTTP 451 (not offered where we run). */
  available: boolean;
  /** Milliseconds since the last frame of any kind (pings and pongs included); -1 before the first. */
  idleMs: number;
  /** Milliseconds since the last trade or heartbeat of a subscribed product; -1 before the first. */
  dataIdleMs: number;
  /** The exchange's last error frame or refusal, until data flows again. */
  lastError?: string;
}

/**
 * Liveness of one feed as a user means it: trades or heartbeats of the products we subscribed
 * to. Pongs prove only that the socket is up; a socket that answers pings while the exchange
 * refuses our subscription delivers nothing, and must not look healthy. A feed is red when it
 * has delivered nothing for `silentAfterMs` (counted from the start, so a feed that never
 * delivers turns red too), and at once when the exchange refused us with HTTP 451.
 */
export class FeedHealth {
  readonly #exchange: Exchange;
  readonly #silentAfterMs: number;
  readonly #now: () => number;
  #startedAt = 0;
  #lastDataAt = 0;
  #lastError: string | undefined;
  #unavailable: string | undefined;

  constructor(exchange: Exchange, silentAfterMs: number, now: () => number = Date.now) {
    this.#exchange = exchange;
    this.#silentAfterMs = silentAfterMs;
    this.#now = now;
  }

  started(): void {
    this.#startedAt = this.#now();
  }

  /**
   * A trade or a heartbeat of a subscribed product arrived. A trade always proves the feed; a
   * heartbeat does not once an error frame came after the last trade (Advanced Trade's
   * heartbeats are per connection and keep coming when the trades subscription was refused).
   * Returns whether it counted.
   */
  data(kind: 'trade' | 'heartbeat'): boolean {
    if (kind === 'heartbeat' && this.#lastError !== undefined) return false;
    this.#lastDataAt = this.#now();
    this.#lastError = undefined;
    this.#unavailable = undefined;
    return true;
  }

  /** The exchange sent an error frame or refused the connection. */
  error(message: string): void {
    this.#lastError = message;
  }

  /** HTTP 451: the exchange does not serve us from here; red until a connection delivers data. */
  unavailable(message: string): void {
    this.#unavailable = message;
    this.#lastError = message;
  }

  /** True once the feed has delivered data since it started (or since its last refusal). */
  get delivering(): boolean {
    return this.#lastDataAt > 0 && this.#unavailable === undefined;
  }

  report(status: ConnectionStatus, idleMs: number): ExchangeHealth {
    const now = this.#now();
    const dataIdleMs = this.#lastDataAt === 0 ? -1 : now - this.#lastDataAt;
    const silentMs = now - (this.#lastDataAt === 0 ? this.#startedAt : this.#lastDataAt);
    let reason: string | undefined;
    if (this.#unavailable !== undefined) reason = this.#unavailable;
    else if (silentMs > this.#silentAfterMs)
      reason =
        `no trades or heartbeats from ${this.#exchange} for ${Math.round(silentMs / 1000)} s` +
        (this.#lastError !== undefined ? `; last error: ${this.#lastError}` : '');
    else if (status !== 'OPEN') reason = `${this.#exchange} connection is ${status}`;
    return {
      exchange: this.#exchange,
      status,
      ok: reason === undefined,
      ...(reason !== undefined ? { reason } : {}),
      available: this.#unavailable === undefined,
      idleMs: Number.isFinite(idleMs) ? idleMs : -1,
      dataIdleMs,
      ...(this.#lastError !== undefined ? { lastError: this.#lastError } : {}),
    };
  }
}

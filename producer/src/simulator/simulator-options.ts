import type { BinanceSymbolInfo } from '../binance-symbols.js';
import type { Exchange } from '../models.js';
import type { Market, MarketOptions } from './market.js';

/** Options of {@link startExchangeSimulator}; every field has a default. */
export interface ExchangeSimulatorOptions extends MarketOptions {
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** Coinbase products per canonical symbol (as the producer's map). */
  coinbaseProducts?: Record<string, string>;
  /** Generation tick. @default 10 */
  tickMs?: number;
  /** Binance server pings. @default 20_000 */
  pingIntervalMs?: number;
  /** Binance drops a connection whose pong is this late. @default 60_000 */
  pongTimeoutMs?: number;
  /** Coinbase heartbeat channel period. @default 1_000 */
  heartbeatMs?: number;
  /** Trades per symbol resent to every new session (duplicates after a reconnect). @default 0 */
  replayOnConnect?: number;
  /** Canonical symbols Coinbase does not list: subscribing to their product is an error. @default [] */
  coinbaseUnlisted?: string[];
  /** Coinbase closes the socket after answering a subscribe with an error. @default false */
  coinbaseCloseOnError?: boolean;
  /** Binance answers HTTP 414 to an upgrade whose URL is longer than this. @default no limit */
  binanceMaxUrlLength?: number;
  /** Extra symbols of Binance's `exchangeInfo` (served at `<binanceRestUrl>/api/v3/exchangeInfo`). */
  binanceSymbolInfo?: BinanceSymbolInfo[];
}

/** Scripted faults, applied to every open session of the exchange named. */
export interface SimulatorFaults {
  /** Cuts the connections without a close frame. */
  drop(exchange: Exchange): void;
  /** Sends nothing (no trades, pings or pongs) for `ms`. */
  silence(exchange: Exchange, ms: number): void;
  /** Sends a non-JSON frame and a trade with an invalid price or size. */
  garbage(exchange: Exchange): void;
  /** Sends the exchange's error frame. */
  errorFrame(exchange: Exchange): void;
  /** Skips `n` trade ids of one symbol. */
  gap(exchange: Exchange, symbol: string, n: number): void;
  /** Sends the last `n` trades of every symbol again. */
  duplicate(exchange: Exchange, n: number): void;
  /** Sends recorded frames (e.g. lines of a JSONL capture) as they are. */
  replay(exchange: Exchange, frames: readonly string[]): void;
  /**
   * Answers the next `count` upgrades of the exchange with HTTP `status` instead of a WebSocket
   * (451 geo-blocking, 429 or 418 rate limiting), with `Retry-After` when given.
   */
  refuseUpgrades(exchange: Exchange, status: number, options?: { count?: number; retryAfterSec?: number }): void;
  /** Skips `n` of Advanced Trade's connection-wide `sequence_num` (messages lost in transit). */
  loseMessages(n: number): void;
}

/** A running simulator. */
export interface ExchangeSimulator {
  /** Base URL for the Binance adapter (it appends `/stream?streams=...`). */
  readonly binanceUrl: string;
  /** Base URL of Binance's REST metadata (`/api/v3/exchangeInfo`). */
  readonly binanceRestUrl: string;
  /** URL for the Coinbase adapter (the Exchange feed's protocol). */
  readonly coinbaseUrl: string;
  /** URL for the Coinbase adapter speaking Advanced Trade (`market_trades`, `heartbeats`). */
  readonly coinbaseAdvancedUrl: string;
  readonly market: Market;
  readonly faults: SimulatorFaults;
  /** Trades generated per exchange so far. */
  readonly generated: Record<Exchange, number>;
  /** Open sessions of an exchange. */
  sessions(exchange: Exchange): number;
  /** Sends every non-empty line of a recorded JSONL file as one frame; resolves to the frame count. */
  replayFile(exchange: Exchange, path: string): Promise<number>;
  /** Stops or restarts trade generation (sessions stay open). */
  setGenerating(on: boolean): void;
  close(): Promise<void>;
}

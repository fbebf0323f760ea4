import { WebSocket } from 'ws';
import type { Exchange } from '../models.js';
import type { SymbolMap } from '../symbols.js';
import type { Session } from './client-requests.js';
import { binanceTradeFrame, coinbaseMatchFrame } from './encode.js';
import type { Market, SimTrade } from './market.js';

/** Recent trades kept per exchange and symbol, for replays and Coinbase's `last_match`. */
const HISTORY = 1_000;

/**
 * The simulator's open sessions and the recent trades they may be replayed: encodes a trade as
 * its exchange's frame, delivers each tick's trades to the sessions subscribed to them, and
 * sends the keep-alives (Binance pings, Coinbase heartbeats).
 */
export class SessionHub {
  readonly sessions = new Set<Session>();
  /** Trades generated per exchange so far. */
  readonly generated: Record<Exchange, number> = { binance: 0, coinbase: 0 };
  readonly #history = { binance: new Map<string, SimTrade[]>(), coinbase: new Map<string, SimTrade[]>() };

  constructor(private readonly map: SymbolMap) {}

  /** The trade as its exchange sends it. */
  frame(t: SimTrade, type: 'match' | 'last_match' = 'match'): string {
    return t.exchange === 'binance'
      ? binanceTradeFrame(t, `${this.map.binanceStream(t.symbol)}@trade`)
      : coinbaseMatchFrame(t, this.map.coinbaseProduct(t.symbol), type);
  }

  /** Sends unless the session is closed or silenced by a fault. */
  send(s: Session, text: string): void {
    if (s.ws.readyState === WebSocket.OPEN && Date.now() >= s.silentUntil) s.ws.send(text);
  }

  recent(exchange: Exchange, symbol: string, n: number): SimTrade[] {
    return (this.#history[exchange].get(symbol) ?? []).slice(-n);
  }

  /** Sends the session the last `n` trades of every symbol it subscribed to. */
  replayTo(s: Session, n: number): void {
    if (s.advanced !== undefined) {
      const trades = [...s.advanced.symbols].flatMap((symbol) => this.recent('coinbase', symbol, n));
      if (trades.length > 0) this.send(s, s.advanced.trades('update', trades));
      return;
    }
    for (const symbol of s.symbols) for (const t of this.recent(s.exchange, symbol, n)) this.send(s, this.frame(t));
  }

  of(exchange: Exchange): Session[] {
    return [...this.sessions].filter((s) => s.exchange === exchange);
  }

  /** Records a tick's trades and sends each to the sessions subscribed to it. */
  deliver(trades: readonly SimTrade[]): void {
    const { sessions } = this;
    // One frame per trade, as the exchanges send them, but one socket write per tick.
    for (const s of sessions) s.socket.cork();
    try {
      for (const t of trades) {
        this.generated[t.exchange]++;
        const h = this.#history[t.exchange].get(t.symbol) ?? [];
        h.push(t);
        // Trim in chunks: a shift per trade would move the whole history every time.
        if (h.length > 2 * HISTORY) h.splice(0, h.length - HISTORY);
        this.#history[t.exchange].set(t.symbol, h);
        let text: string | undefined;
        for (const s of sessions)
          if (s.advanced !== undefined) {
            if (t.exchange === 'coinbase') s.advanced.push(t);
          } else if (s.exchange === t.exchange && s.symbols.has(t.symbol)) this.send(s, (text ??= this.frame(t)));
      }
      for (const s of sessions) s.advanced?.flush();
    } finally {
      for (const s of sessions) s.socket.uncork();
    }
  }

  /** Pings Binance sessions, terminating those that have not answered within `pongTimeoutMs`. */
  ping(pongTimeoutMs: number): void {
    for (const s of this.sessions) {
      if (s.exchange !== 'binance' || Date.now() < s.silentUntil) continue;
      if (Date.now() - s.lastPong > pongTimeoutMs) s.ws.terminate();
      else if (s.ws.readyState === WebSocket.OPEN) s.ws.ping();
    }
  }

  /** Coinbase heartbeats for every session and product that asked for them. */
  heartbeat(market: Market): void {
    const time = new Date().toISOString();
    for (const s of this.sessions) {
      s.advanced?.heartbeat();
      for (const sym of s.heartbeats) {
        this.send(
          s,
          JSON.stringify({
            type: 'heartbeat',
            sequence: market.sequence(sym),
            last_trade_id: market.lastTradeId('coinbase', sym),
            product_id: this.map.coinbaseProduct(sym),
            time,
          }),
        );
      }
    }
  }
}

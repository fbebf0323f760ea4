import { advancedTradeRequestSchema, memberOf, parseClientRequest } from './client-request-schema.js';
import type { SimTrade } from './market.js';

/** Trades per product in the snapshot that answers a `market_trades` subscribe. */
const SNAPSHOT_TRADES = 50;
/** Snapshot trades the first update repeats, as the live feed's overlap does. */
const OVERLAP = 2;

/** What a session needs from the simulator around it. */
export interface AdvancedTradeContext {
  /** Canonical symbol of a listed product, undefined for one Coinbase rejects. */
  symbolOf(product: string): string | undefined;
  productOf(symbol: string): string;
  /** The newest `n` trades of a symbol, oldest first. */
  recent(symbol: string, n: number): SimTrade[];
  send(text: string): void;
  close(): void;
  closeOnError: boolean;
}

/**
 * One simulated Coinbase Advanced Trade connection: `subscribe` per channel (`market_trades`
 * with products, `heartbeats`), a `subscriptions` ack, a `snapshot` of recent trades, then one
 * `update` per generation tick carrying that tick's trades newest first, and heartbeats with a
 * counter. `sequence_num` numbers every message of the connection, across channels.
 */
export class AdvancedTradeSession {
  readonly symbols = new Set<string>();
  heartbeats = false;
  #sequence = 0;
  #counter = 0;
  #pending: SimTrade[] = [];
  readonly #ctx: AdvancedTradeContext;

  constructor(ctx: AdvancedTradeContext) {
    this.#ctx = ctx;
  }

  /** Reads one client frame. */
  onMessage(text: string): void {
    const parsed = parseClientRequest(text, advancedTradeRequestSchema);
    if (!parsed.ok) {
      if (parsed.problem === 'not-json') return this.#error('Malformed JSON');
      const type = memberOf(parsed.raw, 'type');
      return this.#error(type === 'subscribe' ? parsed.issues : `${String(type)} is not a valid message type`);
    }
    const req = parsed.value;
    if (req.channel === 'heartbeats') {
      this.heartbeats = true;
      return this.#ctx.send(this.#envelope('subscriptions', [{ subscriptions: this.#subscriptions() }]));
    }
    if (req.channel !== 'market_trades') return this.#error(`channel ${req.channel} is not supported`);
    const products = req.product_ids ?? [];
    const bad = products.find((p) => this.#ctx.symbolOf(p) === undefined);
    if (bad !== undefined) {
      this.#error(`${bad} is not a valid product`);
      if (this.#ctx.closeOnError) this.#ctx.close();
      return;
    }
    for (const p of products) this.symbols.add(this.#ctx.symbolOf(p)!);
    this.#ctx.send(this.#envelope('subscriptions', [{ subscriptions: this.#subscriptions() }]));
    const snapshot = products.flatMap((p) => this.#ctx.recent(this.#ctx.symbolOf(p)!, SNAPSHOT_TRADES));
    this.#ctx.send(this.trades('snapshot', snapshot));
    this.#pending.push(...snapshot.slice(-OVERLAP));
  }

  /** Queues a generated trade for this tick's update. */
  push(t: SimTrade): void {
    if (this.symbols.has(t.symbol)) this.#pending.push(t);
  }

  /** Sends the tick's trades as one update (nothing when there were none). */
  flush(): void {
    if (this.#pending.length === 0) return;
    const trades = this.#pending;
    this.#pending = [];
    this.#ctx.send(this.trades('update', trades));
  }

  heartbeat(): void {
    if (!this.heartbeats) return;
    this.#ctx.send(
      this.#envelope('heartbeats', [
        { current_time: new Date().toISOString(), heartbeat_counter: String(++this.#counter) },
      ]),
    );
  }

  /** Skips `n` sequence numbers: messages the client will never see. */
  lose(n: number): void {
    this.#sequence += n;
  }

  /** A `market_trades` message, trades newest first (the order the live feed uses). */
  trades(type: 'snapshot' | 'update', trades: readonly SimTrade[]): string {
    const events = [
      {
        type,
        trades: trades.toReversed().map((t) => ({
          trade_id: String(t.tradeId),
          product_id: this.#ctx.productOf(t.symbol),
          price: t.price,
          size: t.size,
          side: t.takerSide === 'buy' ? 'BUY' : 'SELL',
          time: new Date(t.time).toISOString(),
        })),
      },
    ];
    return this.#envelope('market_trades', events);
  }

  #subscriptions(): Record<string, string[]> {
    return {
      ...(this.symbols.size > 0 ? { market_trades: [...this.symbols].map((s) => this.#ctx.productOf(s)) } : {}),
      ...(this.heartbeats ? { heartbeats: ['heartbeats'] } : {}),
    };
  }

  #envelope(channel: string, events: unknown[]): string {
    return JSON.stringify({
      channel,
      client_id: '',
      timestamp: new Date().toISOString(),
      sequence_num: this.#sequence++,
      events,
    });
  }

  #error(reason: string): void {
    this.#ctx.send(JSON.stringify({ type: 'error', message: 'Failed to subscribe', reason }));
  }
}

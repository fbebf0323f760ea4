import { backoffDelay } from '@coattail/connectors';
import { noopMetrics, silentLogger, type Logger, type Metrics } from '@coattail/runtime';
import WebSocket from 'ws';
import type { UnifiedTrade } from '../models.js';
import type { ConnectionStatus, ExchangeConnectionOptions } from './exchange-connection-options.js';
import { feedCounters, type FeedCounters } from './feed-counters.js';
import { FeedHealth, type ExchangeHealth } from './feed-health.js';
import type { ExchangeProtocol, ParsedMessage } from './protocol.js';
import { closeSocket, rawText, sendPaced } from './socket-io.js';
import { TradeIdAccounting } from './trade-id-accounting.js';
import { readUpgradeRefusal } from './upgrade-refusal.js';

export type { ConnectionStatus, ExchangeConnectionOptions } from './exchange-connection-options.js';
export type { ExchangeHealth } from './feed-health.js';

/**
 * One exchange's WebSocket feed kept alive: connects, subscribes (again after every reconnect),
 * reconnects with capped exponential back-off and full jitter, pings an idle socket and replaces
 * a stale one, hands over to a fresh socket before the exchange's connection age limit (or on a
 * `serverShutdown`), drops trades replayed after a reconnect, and reports id gaps as metrics.
 *
 * @example
 * const conn = new ExchangeConnection({ protocol: binanceProtocol(symbols), onTrade: (t) => buffer.push(t), logger, metrics });
 * conn.start();
 * await conn.stop();
 */
export class ExchangeConnection {
  readonly #p: ExchangeProtocol;
  readonly #o: Required<
    Omit<ExchangeConnectionOptions, 'protocol' | 'onTrade' | 'logger' | 'metrics' | 'maxConnectionAgeMs' | 'now'>
  >;
  readonly #onTrade: (trade: UnifiedTrade) => void;
  readonly #log: Logger;
  readonly #metrics: Metrics;
  readonly #c: FeedCounters;
  readonly #ids: TradeIdAccounting;
  readonly #maxAgeMs: number | undefined;
  #status: ConnectionStatus = 'IDLE';
  #socket: WebSocket | undefined;
  #successor: WebSocket | undefined;
  #attempt = 0;
  #lastFrameAt = 0;
  #pinged = false;
  #reconnectTimer: NodeJS.Timeout | undefined;
  #ageTimer: NodeJS.Timeout | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #malformedSeen = 0;
  readonly #health: FeedHealth;

  constructor(options: ExchangeConnectionOptions) {
    this.#p = options.protocol;
    this.#o = {
      reconnectBaseMs: options.reconnectBaseMs ?? 500,
      reconnectMaxMs: options.reconnectMaxMs ?? 30_000,
      staleAfterMs: options.staleAfterMs ?? 30_000,
      recentIdsPerSymbol: options.recentIdsPerSymbol ?? 10_000,
      silentAfterMs: options.silentAfterMs ?? 60_000,
      refusalBackoffMs: options.refusalBackoffMs ?? 300_000,
    };
    this.#health = new FeedHealth(options.protocol.exchange, this.#o.silentAfterMs, options.now);
    this.#maxAgeMs = options.maxConnectionAgeMs ?? options.protocol.maxConnectionAgeMs;
    this.#onTrade = options.onTrade;
    this.#log = (options.logger ?? silentLogger).child({
      component: 'exchange-connection',
      exchange: this.#p.exchange,
    });
    this.#metrics = options.metrics ?? noopMetrics;
    this.#c = feedCounters(this.#metrics, this.#p.exchange);
    this.#ids = new TradeIdAccounting(this.#o.recentIdsPerSymbol, this.#c, this.#log);
  }

  /** The exchange this connection reads. */
  get exchange(): ExchangeProtocol['exchange'] {
    return this.#p.exchange;
  }

  /** Where the connection is in its lifecycle. */
  get status(): ConnectionStatus {
    return this.#status;
  }

  /** Milliseconds since the last frame from the exchange (Infinity before the first). */
  idleMs(): number {
    return this.#lastFrameAt === 0 ? Infinity : Date.now() - this.#lastFrameAt;
  }

  /** Whether the feed delivers trades or heartbeats, and if not, why (see {@link FeedHealth}). */
  health(): ExchangeHealth {
    return this.#health.report(this.#status, this.idleMs());
  }

  /** Opens the first connection; reconnects on its own from then on until {@link stop}. */
  start(): void {
    if (this.#status !== 'IDLE') throw new Error(`cannot start an exchange connection in state ${this.#status}`);
    this.#health.started();
    const tick = Math.max(10, Math.min(1_000, Math.floor(this.#o.staleAfterMs / 4)));
    this.#watchdog = setInterval(() => this.#checkStale(), tick);
    this.#connect(false);
  }

  /** Stops reading: closes the socket(s) and never reconnects. Resolves once they are closed. */
  async stop(): Promise<void> {
    if (this.#status === 'STOPPED') return;
    this.#status = 'STOPPED';
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#ageTimer);
    clearInterval(this.#watchdog);
    const sockets = [this.#socket, this.#successor].filter((s): s is WebSocket => s !== undefined);
    this.#socket = this.#successor = undefined;
    await Promise.all(sockets.map(closeSocket));
    this.#log.info({}, 'exchange connection stopped');
  }

  #connect(handover: boolean): void {
    if (this.#status === 'STOPPED') return;
    if (!handover) this.#status = 'CONNECTING';
    const ws = new WebSocket(this.#p.url(), { handshakeTimeout: Math.max(1_000, this.#o.staleAfterMs) });
    if (handover) this.#successor = ws;
    else this.#socket = ws;
    let first = true;
    /** Set when the exchange refused this socket's upgrade: the wait before the next attempt. */
    let refusalDelayMs: number | undefined;
    let cancelSubscribes = (): void => undefined;
    ws.on('open', () => {
      if (this.#status === 'STOPPED') return;
      this.#p.newConnection?.();
      cancelSubscribes = sendPaced(ws, this.#p.subscribeMessages(), this.#p.subscribeIntervalMs ?? 0, () =>
        this.#c.subscribes.inc(),
      );
      if (!handover) this.#opened(ws);
      this.#log.info({ handover }, 'exchange connected');
    });
    ws.on('message', (data: WebSocket.RawData) => {
      if (this.#status === 'STOPPED') return;
      this.#lastFrameAt = Date.now();
      this.#pinged = false;
      if (first) {
        first = false;
        if (handover && this.#successor === ws) this.#promote(ws);
      }
      this.#handle(rawText(data));
    });
    const alive = (): void => {
      if (ws === this.#socket) {
        this.#lastFrameAt = Date.now();
        this.#pinged = false;
      }
    };
    ws.on('ping', alive);
    ws.on('pong', alive);
    ws.on('unexpected-response', (_request, response) => {
      const refusal = readUpgradeRefusal(response, this.#o.refusalBackoffMs, this.#nextDelay());
      response.resume();
      this.#c.errors.inc();
      this.#c.refusals.inc();
      refusalDelayMs = refusal.delayMs;
      const message = `HTTP ${refusal.status} at the WebSocket upgrade: ${refusal.meaning}`;
      if (refusal.unavailable) this.#health.unavailable(message);
      else this.#health.error(message);
      this.#log.error(
        { httpStatus: refusal.status, meaning: refusal.meaning, retryInMs: refusal.delayMs, url: this.#p.url() },
        'the exchange refused the connection',
      );
      ws.terminate();
    });
    ws.on('error', (error) => {
      if (refusalDelayMs === undefined) this.#log.warn({ err: error, url: this.#p.url() }, 'exchange socket error');
    });
    ws.on('close', (code: number, reason: Buffer) => {
      cancelSubscribes();
      if (ws === this.#successor) this.#successor = undefined;
      if (ws !== this.#socket || this.#status === 'STOPPED') return;
      this.#socket = undefined;
      clearTimeout(this.#ageTimer);
      if (refusalDelayMs === undefined)
        this.#log.warn({ code, reason: reason.toString().slice(0, 120) }, 'exchange connection closed; reconnecting');
      this.#scheduleReconnect(refusalDelayMs);
    });
  }

  #opened(ws: WebSocket): void {
    this.#status = 'OPEN';
    this.#lastFrameAt = Date.now();
    this.#pinged = false;
    clearTimeout(this.#ageTimer);
    if (this.#maxAgeMs !== undefined)
      this.#ageTimer = setTimeout(() => this.#handover('connection age limit'), this.#maxAgeMs);
    void ws;
  }

  /** The successor delivered its first frame: it becomes the connection, the old one is closed. */
  #promote(ws: WebSocket): void {
    const old = this.#socket;
    this.#successor = undefined;
    this.#socket = ws;
    this.#opened(ws);
    if (old !== undefined) void closeSocket(old);
    this.#c.handovers.inc();
    this.#log.info({}, 'handed over to a fresh connection');
  }

  #handover(why: string): void {
    if (this.#status !== 'OPEN' || this.#successor !== undefined) return;
    this.#log.info({ why }, 'opening a fresh connection before the exchange closes this one');
    this.#connect(true);
  }

  /** The usual jittered back-off of the next attempt. */
  #nextDelay(): number {
    return backoffDelay(this.#attempt, this.#o.reconnectBaseMs, this.#o.reconnectMaxMs);
  }

  #scheduleReconnect(refusalDelayMs?: number): void {
    this.#status = 'BACKOFF';
    this.#c.reconnects.inc();
    const delay = refusalDelayMs ?? this.#nextDelay();
    this.#attempt++;
    this.#log.info({ delayMs: delay, attempt: this.#attempt }, 'reconnect scheduled');
    this.#reconnectTimer = setTimeout(() => this.#connect(false), delay);
  }

  /** The exchange delivered what we subscribed to: the connection works, back-off starts over. */
  #delivered(kind: 'trade' | 'heartbeat'): void {
    if (this.#health.data(kind)) this.#attempt = 0;
  }

  #checkStale(): void {
    const ws = this.#socket;
    if (ws === undefined || this.#status !== 'OPEN') return;
    const idle = Date.now() - this.#lastFrameAt;
    if (idle > this.#o.staleAfterMs) {
      this.#c.stale.inc();
      this.#log.warn({ idleMs: idle }, 'no frame from the exchange; dropping the stale connection');
      ws.terminate();
    } else if (idle > this.#o.staleAfterMs / 2 && !this.#pinged && ws.readyState === WebSocket.OPEN) {
      this.#pinged = true;
      ws.ping();
    }
  }

  #handle(text: string): void {
    const parsed = this.#p.parse(text, Date.now());
    if (Array.isArray(parsed)) for (const msg of parsed as readonly ParsedMessage[]) this.#handleOne(msg, text);
    else this.#handleOne(parsed as ParsedMessage, text);
  }

  #handleOne(msg: ParsedMessage, text: string): void {
    switch (msg.kind) {
      case 'trade': {
        const t = msg.trade;
        this.#c.received.inc();
        this.#delivered('trade');
        if (!this.#ids.trade(t.symbol, t.trade_id)) return;
        this.#onTrade(t);
        return;
      }
      case 'lost':
        this.#c.lost.inc(msg.messages);
        this.#log.warn({ messages: msg.messages }, 'the exchange numbered messages we never received');
        return;
      case 'ack':
        this.#c.acks.inc();
        this.#log.info({ detail: msg.detail }, 'subscription acknowledged');
        return;
      case 'heartbeat': {
        this.#c.heartbeats.inc();
        this.#delivered('heartbeat');
        if (msg.symbol !== undefined && msg.lastTradeId !== undefined) this.#ids.heartbeat(msg.symbol, msg.lastTradeId);
        return;
      }
      case 'error':
        this.#c.errors.inc();
        this.#health.error(msg.message);
        this.#log.error({ message: msg.message }, 'the exchange reported an error');
        return;
      case 'shutdown':
        this.#handover('server shutdown announced');
        return;
      case 'ignored':
        this.#c.ignored(msg.type).inc();
        return;
      case 'malformed':
        this.#c.malformed.inc();
        // The first few in full, then one in a thousand: a broken feed must not flood the log.
        if (this.#malformedSeen++ < 5 || this.#malformedSeen % 1_000 === 0) {
          this.#log.warn(
            { reason: msg.reason, sample: text.slice(0, 200), seen: this.#malformedSeen },
            'malformed exchange message dropped',
          );
        }
        return;
    }
  }
}

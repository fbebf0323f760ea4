import { noopMetrics, silentLogger, type Logger, type Metrics } from '@coattail/runtime';
import type { BinanceSymbolInfo } from './binance-symbols.js';
import type { ProducerConfig } from './config.js';
import type { ExchangeProtocol } from './exchanges/protocol.js';
import type { Exchange } from './models.js';
import { ShutdownTimeoutError } from './errors.js';
import { binanceProtocol } from './exchanges/binance.js';
import { coinbaseProtocolFor } from './exchanges/coinbase-endpoint.js';
import { ExchangeConnection, type ExchangeHealth } from './exchanges/exchange-connection.js';
import { Publisher } from './publish/publisher.js';
import type { TradeSink } from './publish/trade-sink.js';
import { SymbolMap } from './symbols.js';

/** Lifecycle of a {@link Producer}. */
export type ProducerStatus = 'IDLE' | 'RUNNING' | 'DRAINING' | 'STOPPED' | 'FAILED';

/** The part of {@link ProducerConfig} a producer needs (the rest is for the process). */
export type ProducerSettings = Pick<
  ProducerConfig,
  | 'symbols'
  | 'exchanges'
  | 'coinbaseProducts'
  | 'binanceUrl'
  | 'coinbaseUrl'
  | 'publishBatchMax'
  | 'publishLingerMs'
  | 'bufferMaxTrades'
  | 'reconnectBaseMs'
  | 'reconnectMaxMs'
  | 'staleAfterMs'
  | 'dedupIdsPerSymbol'
> & {
  /** Binance's own base/quote per symbol (`exchangeInfo`), when fetched. */
  binanceSymbolInfo?: readonly BinanceSymbolInfo[];
} & Partial<
    Pick<
      ProducerConfig,
      | 'binanceSymbols'
      | 'coinbaseSymbols'
      | 'coinbaseProtocol'
      | 'silentAfterMs'
      | 'refusalBackoffMs'
      | 'binanceMaxUrlLength'
    >
  >;

/** What a stopped producer reports. */
export interface ShutdownSummary {
  received: number;
  published: number;
  /** Trades buffered or in flight when shutdown began (all flushed unless `timedOut`). */
  pendingAtStop: number;
  durationMs: number;
}

/** Health of the producer and of each exchange feed. */
export interface ProducerHealth {
  ok: boolean;
  status: ProducerStatus;
  /** Why the producer is not ok, one line per cause (absent when ok). */
  reasons?: string[];
  exchanges: ExchangeHealth[];
}

/**
 * The whole producer: one reconnecting connection per exchange feeding one publisher. `stop`
 * is the graceful shutdown: stop reading, flush everything received, close the sink.
 *
 * @example
 * const producer = new Producer({ settings: loadConfig(process.env), sink, logger, metrics });
 * producer.start();
 * process.once('SIGTERM', () => void producer.stop(20_000).then(() => process.exit(0)));
 */
export class Producer {
  readonly publisher: Publisher;
  readonly #connections: ExchangeConnection[];
  readonly #log: Logger;
  #status: ProducerStatus = 'IDLE';
  #received = 0;

  constructor(options: {
    settings: ProducerSettings;
    sink: TradeSink;
    logger?: Logger;
    metrics?: Metrics;
    onFatal?: (error: Error) => void;
  }) {
    const { settings: s } = options;
    const logger = options.logger ?? silentLogger;
    const metrics = options.metrics ?? noopMetrics;
    this.#log = logger.child({ component: 'producer' });
    this.publisher = new Publisher({
      sink: options.sink,
      maxBatch: s.publishBatchMax,
      maxBuffered: s.bufferMaxTrades,
      lingerMs: s.publishLingerMs,
      logger,
      metrics,
      onFatal: (error) => {
        this.#status = 'FAILED';
        options.onFatal?.(error);
      },
    });
    const onTrade = this.publisher.push.bind(this.publisher);
    // Each exchange reads its own list: a symbol one exchange does not list must not silence the other.
    const protocolOf = (exchange: Exchange): ExchangeProtocol =>
      exchange === 'binance'
        ? binanceProtocol(
            new SymbolMap(s.binanceSymbols ?? s.symbols, s.coinbaseProducts, s.binanceSymbolInfo),
            s.binanceUrl,
            s.binanceMaxUrlLength !== undefined ? { maxUrlLength: s.binanceMaxUrlLength } : {},
          )
        : coinbaseProtocolFor(
            new SymbolMap(s.coinbaseSymbols ?? s.symbols, s.coinbaseProducts),
            s.coinbaseUrl,
            s.coinbaseProtocol,
          );
    this.#connections = s.exchanges.map(
      (exchange) =>
        new ExchangeConnection({
          protocol: protocolOf(exchange),
          onTrade: (t) => {
            this.#received++;
            onTrade(t);
          },
          logger,
          metrics,
          reconnectBaseMs: s.reconnectBaseMs,
          reconnectMaxMs: s.reconnectMaxMs,
          staleAfterMs: s.staleAfterMs,
          recentIdsPerSymbol: s.dedupIdsPerSymbol,
          ...(s.silentAfterMs !== undefined ? { silentAfterMs: s.silentAfterMs } : {}),
          ...(s.refusalBackoffMs !== undefined ? { refusalBackoffMs: s.refusalBackoffMs } : {}),
        }),
    );
  }

  get status(): ProducerStatus {
    return this.#status;
  }

  /** Trades accepted from the exchanges (after duplicate suppression). */
  get received(): number {
    return this.#received;
  }

  start(): void {
    if (this.#status !== 'IDLE') throw new Error(`cannot start a producer in state ${this.#status}`);
    this.#status = 'RUNNING';
    this.publisher.start();
    for (const c of this.#connections) c.start();
    this.#log.info({ exchanges: this.#connections.length }, 'producer started');
  }

  /**
   * Graceful shutdown: closes the exchange sockets (nothing more is read), then publishes and
   * waits for the acknowledgement of every trade received. Throws {@link ShutdownTimeoutError}
   * if that takes longer than `deadlineMs`.
   */
  async stop(deadlineMs: number): Promise<ShutdownSummary> {
    const started = Date.now();
    if (this.#status === 'RUNNING') this.#status = 'DRAINING';
    await Promise.all(this.#connections.map((c) => c.stop()));
    const pendingAtStop = this.publisher.pending;
    this.#log.info({ pending: pendingAtStop }, 'exchanges closed; flushing');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ShutdownTimeoutError(deadlineMs, this.publisher.pending)),
        Math.max(0, deadlineMs - (Date.now() - started)),
      );
    });
    try {
      await Promise.race([this.publisher.close(), deadline]);
    } finally {
      clearTimeout(timer);
    }
    if (this.#status !== 'FAILED') this.#status = 'STOPPED';
    return {
      received: this.#received,
      published: this.publisher.published,
      pendingAtStop,
      durationMs: Date.now() - started,
    };
  }

  /**
   * Healthy while running with every exchange feed delivering: connected, and trades or
   * heartbeats of its subscribed products within `silentAfterMs`; an exchange that refused us
   * with HTTP 451 is unavailable. When not ok, `reasons` says why, per exchange.
   */
  health(): ProducerHealth {
    const exchanges = this.#connections.map((c) => c.health());
    const reasons = [
      ...(this.#status === 'RUNNING' ? [] : [`producer is ${this.#status}`]),
      ...exchanges.flatMap((e) => (e.reason === undefined ? [] : [e.reason])),
    ];
    return { ok: reasons.length === 0, status: this.#status, ...(reasons.length > 0 ? { reasons } : {}), exchanges };
  }
}

import { noopMetrics, silentLogger, type Logger, type Metrics } from '@coattail/runtime';
import type { ProducerConfig } from './config.js';
import { ShutdownTimeoutError } from './errors.js';
import { binanceProtocol } from './exchanges/binance.js';
import { coinbaseProtocol } from './exchanges/coinbase.js';
import { ExchangeConnection, type ConnectionStatus } from './exchanges/exchange-connection.js';
import type { Exchange } from './models.js';
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
>;

/** What a stopped producer reports. */
export interface ShutdownSummary {
  received: number;
  published: number;
  /** Trades buffered or in flight when shutdown began (all flushed unless `timedOut`). */
  pendingAtStop: number;
  durationMs: number;
}

/** Health of the producer and of each exchange connection. */
export interface ProducerHealth {
  ok: boolean;
  status: ProducerStatus;
  exchanges: { exchange: Exchange; status: ConnectionStatus; idleMs: number }[];
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
  readonly #staleAfterMs: number;
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
    this.#staleAfterMs = s.staleAfterMs;
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
    const symbols = new SymbolMap(s.symbols, s.coinbaseProducts);
    const onTrade = this.publisher.push.bind(this.publisher);
    this.#connections = s.exchanges.map(
      (exchange) =>
        new ExchangeConnection({
          protocol:
            exchange === 'binance' ? binanceProtocol(symbols, s.binanceUrl) : coinbaseProtocol(symbols, s.coinbaseUrl),
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

  /** Healthy while running with every exchange connected and not stale. */
  health(): ProducerHealth {
    const exchanges = this.#connections.map((c) => ({ exchange: c.exchange, status: c.status, idleMs: c.idleMs() }));
    const ok =
      this.#status === 'RUNNING' && exchanges.every((e) => e.status === 'OPEN' && e.idleMs <= this.#staleAfterMs);
    return {
      ok,
      status: this.#status,
      exchanges: exchanges.map(({ exchange, status, idleMs }) => ({
        exchange,
        status,
        idleMs: Number.isFinite(idleMs) ? idleMs : -1,
      })),
    };
  }
}

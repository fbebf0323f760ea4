import { noopMetrics, silentLogger, type Counter, type Logger, type Metrics } from '@coattail/runtime';
import { EXCHANGES, type Exchange, type UnifiedTrade } from '../models.js';
import { LatencyRecorder } from './latency-recorder.js';
import type { TradeSink } from './trade-sink.js';

/** Options of a {@link Publisher}. */
export interface PublisherOptions {
  sink: TradeSink;
  /** Most trades per publish call. @default 5_000 */
  maxBatch?: number;
  /** Trades held before new ones are dropped (and counted): memory is bounded. @default 200_000 */
  maxBuffered?: number;
  /** Group-commit window: wait this long before each publish to gather more trades. @default 0 */
  lingerMs?: number;
  logger?: Logger;
  metrics?: Metrics;
  /** Called once when the sink failed for good; the process should exit non-zero. */
  onFatal?: (error: Error) => void;
}

/**
 * Between the exchange connections and the sink: buffers trades and publishes them in group
 * commits (while one batch is in flight the next accumulates), counts trades published and
 * dropped per exchange, and records the latency from exchange trade time to acknowledgement.
 *
 * @example
 * const publisher = new Publisher({ sink, metrics, onFatal: (e) => process.exit(1) });
 * publisher.start();
 * connection = new ExchangeConnection({ protocol, onTrade: (t) => publisher.push(t) });
 * await publisher.close(); // everything pushed before is acknowledged
 */
export class Publisher {
  readonly latency = new LatencyRecorder();
  readonly #sink: TradeSink;
  readonly #maxBatch: number;
  readonly #maxBuffered: number;
  readonly #lingerMs: number;
  #lingerWake: (() => void) | undefined;
  readonly #log: Logger;
  readonly #onFatal: (error: Error) => void;
  readonly #published: Record<Exchange, Counter>;
  readonly #dropped: Record<Exchange, Counter>;
  readonly #batches: Counter;
  #buffer: UnifiedTrade[] = [];
  #inFlight = 0;
  #publishedTotal = 0;
  #closing = false;
  #failure: Error | undefined;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;

  constructor(options: PublisherOptions) {
    this.#sink = options.sink;
    this.#maxBatch = options.maxBatch ?? 5_000;
    this.#maxBuffered = options.maxBuffered ?? 200_000;
    this.#lingerMs = options.lingerMs ?? 0;
    this.#log = (options.logger ?? silentLogger).child({ component: 'publisher', sink: options.sink.kind });
    this.#onFatal = options.onFatal ?? (() => undefined);
    const m = options.metrics ?? noopMetrics;
    const per = (name: string): Record<Exchange, Counter> =>
      Object.fromEntries(EXCHANGES.map((e) => [e, m.counter(name, { exchange: e })])) as Record<Exchange, Counter>;
    this.#published = per('tradesPublished');
    this.#dropped = per('tradesDropped');
    this.#batches = m.counter('publishBatches');
  }

  /** Trades accepted but not yet acknowledged by the sink. */
  get pending(): number {
    return this.#buffer.length + this.#inFlight;
  }

  /** Trades acknowledged by the sink so far. */
  get published(): number {
    return this.#publishedTotal;
  }

  /** The sink's failure, once it failed for good. */
  get failure(): Error | undefined {
    return this.#failure;
  }

  /** Accepts a trade (synchronous: called from socket handlers). Drops it, counted, when full. */
  push(trade: UnifiedTrade): void {
    if (this.#closing || this.#failure !== undefined || this.#buffer.length >= this.#maxBuffered) {
      this.#dropped[trade.exchange].inc();
      return;
    }
    this.#buffer.push(trade);
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops accepting trades and resolves once everything accepted before is acknowledged. */
  async close(): Promise<void> {
    this.#closing = true;
    this.start();
    this.#wake?.();
    this.#lingerWake?.();
    await this.#loop;
    if (this.#failure !== undefined) throw this.#failure;
    await this.#sink.close();
  }

  async #run(): Promise<void> {
    for (;;) {
      if (this.#buffer.length === 0) {
        if (this.#closing) return;
        await new Promise<void>((resolve) => (this.#wake = resolve));
        continue;
      }
      if (this.#lingerMs > 0 && !this.#closing) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.#lingerMs);
          this.#lingerWake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.#lingerWake = undefined;
      }
      let batch: UnifiedTrade[];
      if (this.#buffer.length <= this.#maxBatch) {
        batch = this.#buffer;
        this.#buffer = [];
      } else batch = this.#buffer.splice(0, this.#maxBatch);
      this.#inFlight = batch.length;
      try {
        await this.#sink.publish(batch);
      } catch (error) {
        this.#failure = error instanceof Error ? error : new Error(String(error));
        this.#log.error({ err: error, lost: batch.length + this.#buffer.length }, 'the sink failed for good; stopping');
        this.#onFatal(this.#failure);
        return;
      } finally {
        this.#inFlight = 0;
      }
      const now = Date.now();
      const counts: Record<Exchange, number> = { binance: 0, coinbase: 0 };
      for (const t of batch) {
        counts[t.exchange]++;
        this.latency.record(now - t.event_time);
      }
      for (const e of EXCHANGES) if (counts[e] > 0) this.#published[e].inc(counts[e]);
      this.#publishedTotal += batch.length;
      this.#batches.inc();
    }
  }
}

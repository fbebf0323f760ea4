import { silentLogger, type Logger } from '@coattail/runtime';
import { AlertBook } from '../aggregate/alert-book.js';
import { TradeAggregator, type ConsoleTrade, type TradeAggregatorOptions } from '../aggregate/trade-aggregator.js';
import type { ConsoleAlert, ConsoleSnapshot, FileQualityView, PipelineHealth, TableView } from '../model/snapshot.js';

/**
 * Where the console's figures come from. Every source is optional: the page shows "–" for what
 * it has no source for (a console watching AWS from outside has no in-process counters).
 */
export interface ConsoleSources {
  /** Alerts with an alert time at or after `sinceMs` for these symbols. */
  alerts?: (symbols: readonly string[], sinceMs: number) => Promise<ConsoleAlert[]>;
  /** Counters of the process running the jobs. */
  health?: () => Promise<PipelineHealth> | PipelineHealth;
  tables?: () => Promise<TableView[]>;
  /** DLQ objects per reason. */
  dlq?: () => Promise<Record<string, number>>;
  fileQuality?: () => Promise<FileQualityView[]>;
}

/** Options of {@link ConsoleHub}. */
export interface ConsoleHubOptions {
  sources: ConsoleSources;
  /** Symbols whose alerts are read even before a trade of theirs was seen. @default [] */
  symbols?: readonly string[];
  market?: TradeAggregatorOptions;
  /** Snapshots pushed to browsers per second, whatever the trade rate. @default 2 */
  updatesPerSecond?: number;
  /** How far back each alerts poll reads (alerts are written after their event time). @default 600_000 (ms) */
  alertLookbackMs?: number;
  /** Poll periods per source, ms. @default alerts and health 1000, tables and dlq 5000, fileQuality 10000 */
  pollMs?: Partial<Record<keyof ConsoleSources, number>>;
  /** Link to the reconciliation dashboard. */
  reconUrl?: string;
  logger?: Logger;
}

type Listener = (snapshot: ConsoleSnapshot) => void;

const DEFAULT_POLL: Record<keyof ConsoleSources, number> = {
  alerts: 1_000,
  health: 1_000,
  tables: 5_000,
  dlq: 5_000,
  fileQuality: 10_000,
};

/**
 * The console's state: trades folded into charts as they arrive, sources polled on their own
 * periods, and one snapshot built per tick and handed to every listener. The tick rate bounds
 * what each browser receives; the trade rate only changes the cost of `ingest`.
 *
 * @example
 * const hub = new ConsoleHub({ sources: { alerts: alertsSource(new AlertsClient({ client: dynamodb })) } });
 * hub.start();
 * tradeTap((trades) => hub.ingest(trades));
 */
export class ConsoleHub {
  readonly market: TradeAggregator;
  readonly alerts: AlertBook;
  /** The sources polled; may be completed before {@link start} (e.g. once the stack they read is up). */
  readonly sources: ConsoleSources;
  readonly #o: ConsoleHubOptions;
  readonly #log: Logger;
  readonly #listeners = new Set<Listener>();
  readonly #timers: NodeJS.Timeout[] = [];
  readonly #errors: Record<string, string> = {};
  #health: PipelineHealth = {};
  #tables: TableView[] | null = null;
  #dlq: Record<string, number> | null = null;
  #fileQuality: FileQualityView[] | null = null;
  #seq = 0;
  #latest: ConsoleSnapshot | undefined;

  constructor(options: ConsoleHubOptions) {
    this.#o = options;
    this.sources = { ...options.sources };
    this.#log = (options.logger ?? silentLogger).child({ component: 'console' });
    this.market = new TradeAggregator(options.market);
    // Ids are remembered well past the look-back, so an alert re-read by a poll is never counted twice.
    this.alerts = new AlertBook(200, Math.max(3_600_000, 2 * (options.alertLookbackMs ?? 600_000)));
  }

  /** Folds published trades into the charts (call it from the trade path; it never waits). */
  ingest(trades: readonly ConsoleTrade[]): void {
    this.market.ingest(trades);
  }

  /** Starts polling the sources and pushing snapshots. */
  start(): void {
    const { sources } = this;
    const poll = (name: keyof ConsoleSources, run: () => Promise<void>): void => {
      if (sources[name] === undefined) return;
      let busy = false;
      const once = (): void => {
        if (busy) return; // a slow source skips a beat instead of piling up requests
        busy = true;
        run()
          .then(() => delete this.#errors[name])
          .catch((error: unknown) => {
            this.#errors[name] = error instanceof Error ? error.message : String(error);
            this.#log.warn({ err: error, source: name }, 'console source failed');
          })
          .finally(() => (busy = false));
      };
      once();
      this.#timers.push(setInterval(once, this.#o.pollMs?.[name] ?? DEFAULT_POLL[name]));
    };
    poll('alerts', () => this.pollAlerts());
    poll('health', async () => {
      this.#health = await sources.health!();
    });
    poll('tables', async () => {
      this.#tables = await sources.tables!();
    });
    poll('dlq', async () => {
      this.#dlq = await sources.dlq!();
    });
    poll('fileQuality', async () => {
      this.#fileQuality = await sources.fileQuality!();
    });
    const period = 1_000 / (this.#o.updatesPerSecond ?? 2);
    this.#timers.push(setInterval(() => this.#publish(), period));
  }

  /** Reads the alerts of the lookback window once (the alerts poller calls it every second). */
  async pollAlerts(now = Date.now()): Promise<void> {
    const symbols = [...new Set([...(this.#o.symbols ?? []), ...this.market.symbols()])].sort();
    if (symbols.length === 0 || this.sources.alerts === undefined) return;
    this.alerts.add(await this.sources.alerts(symbols, now - (this.#o.alertLookbackMs ?? 600_000)));
  }

  /** Builds the snapshot the browsers get (one per tick, shared by every listener). */
  snapshot(now = Date.now()): ConsoleSnapshot {
    return {
      at: now,
      seq: this.#seq,
      market: this.market.snapshot(now),
      alerts: this.alerts.latest(),
      alertCounts: this.alerts.counts(),
      health: this.#health,
      dlqByReason: this.#dlq,
      tables: this.#tables,
      fileQuality: this.#fileQuality,
      reconUrl: this.#o.reconUrl ?? null,
      errors: { ...this.#errors },
    };
  }

  /** The last snapshot pushed (built on demand before the first tick). */
  latest(): ConsoleSnapshot {
    return this.#latest ?? this.snapshot();
  }

  /** Calls `listener` with every snapshot; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  listeners(): number {
    return this.#listeners.size;
  }

  stop(): void {
    for (const t of this.#timers.splice(0)) clearInterval(t);
    this.#listeners.clear();
  }

  #publish(): void {
    this.#seq++;
    this.#latest = this.snapshot();
    for (const listener of this.#listeners) {
      try {
        listener(this.#latest);
      } catch (error) {
        this.#log.warn({ err: error }, 'console listener failed');
      }
    }
  }
}

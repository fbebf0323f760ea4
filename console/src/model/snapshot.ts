/**
 * What the browser receives: one aggregated snapshot, a few times a second, however many trades
 * flow. Every list is bounded (points per chart, alerts in the feed), so a snapshot's size does
 * not grow with the trade rate.
 */

/** An alert as the page shows it; the full item rides along for the detail line. */
export interface ConsoleAlert {
  alert_id: string;
  alert_type: 'VOLUME_ANOMALY' | 'WHALE' | 'SPREAD';
  symbol: string;
  /** Event time the alert is about (the table's GSI sort key), epoch ms. */
  alert_time: number;
  exchange?: string;
  price?: number;
  quote_volume?: number;
  side?: string | null;
  z_score?: number;
  spread_pct?: number;
  threshold?: number;
  threshold_pct?: number;
}

/** One bucket of one symbol's price chart. */
export interface PricePoint {
  /** Bucket start, epoch ms. */
  t: number;
  /** Last trade price in the bucket (any exchange). */
  price: number;
  /** Volume-weighted average price over the trailing VWAP window, all exchanges. */
  vwap: number;
}

/** The cross-exchange spread of one completed spread window. */
export interface SpreadPoint {
  t: number;
  spreadPct: number;
  high: string;
  low: string;
}

/** The volume z-score of one completed window of one exchange. */
export interface ZScorePoint {
  t: number;
  exchange: string;
  volume: number;
  /** null until the window has enough history to be scored. */
  z: number | null;
}

export interface SymbolView {
  symbol: string;
  lastPrice: number | undefined;
  points: PricePoint[];
  spreads: SpreadPoint[];
  zscores: ZScorePoint[];
}

/** What the trade aggregator reports. */
export interface MarketSnapshot {
  symbols: SymbolView[];
  spreadThresholdPct: number;
  zThreshold: number;
  /** Trades per second per exchange over the last few seconds of arrivals. */
  tradesPerSecond: Record<string, number>;
  /** Trades seen per exchange since the console started. */
  tradesSeen: Record<string, number>;
}

/** The quality metrics a job's gate publishes, summed (counts) or latest (score) per job. */
export interface QualityView {
  RecordsProcessed: number;
  RecordsFailed: number;
  RecordsLate: number;
  /** Percent of records that passed every ERROR check, over everything this console saw. */
  QualityScore: number;
}

/** Counters only a process running the jobs knows (absent when the console watches from outside). */
export interface PipelineHealth {
  tradesPublished?: number;
  /** Stream records the jobs read (all jobs together). */
  recordsRead?: number;
  /** Alert items the jobs wrote to DynamoDB (conditional puts that created an item). */
  alertsWritten?: number;
  checkpoints?: number;
  watermarkLagMs?: number | null;
  quality?: Record<string, QualityView>;
}

export interface TableView {
  name: string;
  snapshots: number;
  rows: number;
  /** Commit time of the current snapshot, epoch ms. */
  lastCommitMs: number | null;
}

export interface FileQualityView {
  agency: string;
  file: string;
  score: number | null;
  passed: boolean | null;
  runAt: string | null;
}

/** The whole page's data. */
export interface ConsoleSnapshot {
  /** Wall clock of the snapshot, epoch ms. */
  at: number;
  /** Snapshots pushed so far (the page shows it; a test can wait on it). */
  seq: number;
  market: MarketSnapshot;
  alerts: ConsoleAlert[];
  alertCounts: Record<string, number>;
  health: PipelineHealth;
  dlqByReason: Record<string, number> | null;
  tables: TableView[] | null;
  fileQuality: FileQualityView[] | null;
  reconUrl: string | null;
  /** A source that failed on its last poll, with the message (the page shows it, polling goes on). */
  errors: Record<string, string>;
}

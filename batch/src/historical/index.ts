/** The historical loader's public surface (re-exported by the package index). */
export {
  BinanceRestClient,
  BINANCE_REST_URL,
  MAX_PAGE_SIZE,
  ENDPOINT_WEIGHT,
  type AggTrade,
  type HistoricalTrade,
  type BinanceRestClientOptions,
  type RestStats,
} from './binance-rest.js';
export { tradePages, type TradeEndpoint, type FetchedTrade } from './trade-pages.js';
export { mergeRanges, missingRanges, readCoverage, coverageKey, formatRange, type TimeRange } from './coverage.js';
export {
  planHistoricalLoad,
  runHistoricalLoad,
  resolveSource,
  type HistoricalLoadOptions,
  type SymbolPlan,
  type SymbolLoadResult,
} from './historical-loader.js';
export { rawTradeRow, fetchedTradeRow, aggregateEventId, AGGREGATE_ID_PREFIX } from './trade-rows.js';
export { sourcePages, utcDays, TRADE_SOURCES, type TradeSource } from './trade-sources.js';
export {
  BinanceArchiveClient,
  BINANCE_ARCHIVE_URL,
  dailyTradesPath,
  type BinanceArchiveClientOptions,
  type ArchiveStats,
} from './archive/binance-archive.js';
export { parseArchiveLine, type ArchiveLine } from './archive/archive-csv.js';
export { progressReporter, silentProgress, type ProgressReporter, type LoadProgress } from './progress.js';
export { BatchJobError, BinanceApiError, type BatchJobErrorCode, type BatchJobDomain } from './errors.js';

/**
 * @coattail/console — the live operations page: a live alerts feed, per-symbol price/VWAP charts
 * with alert markers, cross-exchange spreads against their threshold, the volume z-score per
 * window, pipeline health, the Iceberg tables and file-quality scores. Trades are folded into
 * charts on the server; browsers get one aggregated snapshot per tick over server-sent events,
 * so their update rate stays bounded at any trade rate. Loopback only unless a token is set.
 *
 * @example
 * const hub = new ConsoleHub({ sources: { alerts: alertsSource(new AlertsClient({ client: dynamodb })) } });
 * hub.start();
 * const server = await serveConsole({ hub, port: 0 });
 * console.log(`operations console: ${server.url}`);
 */
export { ConsoleHub, type ConsoleHubOptions, type ConsoleSources } from './hub/console-hub.js';
export { TradeAggregator, type ConsoleTrade, type TradeAggregatorOptions } from './aggregate/trade-aggregator.js';
export { AlertBook } from './aggregate/alert-book.js';
export { QualityTally, type QualityInterval } from './aggregate/quality-tally.js';
export { serveConsole, type ConsoleServer, type ConsoleServerOptions } from './server/console-server.js';
export { checkAccess, checkListenAddress, isLoopback, TOKEN_COOKIE } from './server/access.js';
export { consoleHtml } from './page/page-html.js';
export { alertsSource, toConsoleAlert } from './sources/alerts-source.js';
export { icebergTables, dlqReasons, CONSOLE_TABLES } from './sources/platform-sources.js';
export { fileQualityScores, type FileQualitySource } from './sources/file-quality.js';
export { tailKinesis, type KinesisTailOptions } from './sources/kinesis-tail.js';
export { ConsoleConfigError } from './errors.js';
export type {
  ConsoleAlert,
  ConsoleSnapshot,
  FileQualityView,
  MarketSnapshot,
  PipelineHealth,
  QualityView,
  SymbolView,
  TableView,
} from './model/snapshot.js';

/**
 * @coattail/producer — Binance and Coinbase WebSocket adapters normalizing trades into one
 * schema, published to Kinesis (or Kafka) with partition key = canonical symbol; plus an exchange
 * simulator that speaks both protocols for tests, benchmarks and the embedded `npm start`.
 *
 * @example
 * import { InMemoryMetrics } from '@coattail/runtime';
 * import { createKinesisClient } from '@coattail/connectors';
 * import { KinesisTradeSink, Producer, loadConfig, startExchangeSimulator } from '@coattail/producer';
 *
 * const sim = await startExchangeSimulator({ symbols: ['BTC-USDT'], tradesPerSecond: 1_000 });
 * const settings = loadConfig({ SYMBOLS: 'BTC-USDT', BINANCE_WS_URL: sim.binanceUrl, COINBASE_WS_URL: sim.coinbaseUrl });
 * const sink = new KinesisTradeSink({ client: createKinesisClient({ endpoint }), streamName: 'coattail-trades', aggregation: true });
 * const producer = new Producer({ settings, sink, metrics: new InMemoryMetrics() });
 * producer.start();
 * // ... on SIGTERM:
 * await producer.stop(20_000);
 */
export {
  unifiedTradeSchema,
  canonicalSymbolSchema,
  normalizeTrade,
  tradeEventId,
  EXCHANGES,
  type UnifiedTrade,
  type Exchange,
  type RawTradeFields,
  type NormalizeResult,
} from './models.js';
export {
  parseDecimal,
  multiply,
  decimalToString,
  decimalToNumber,
  type Decimal,
  type DecimalResult,
} from './decimal.js';
export { SymbolMap, parseProductMap } from './symbols.js';
export {
  splitBinanceSymbol,
  parseBinanceExchangeInfo,
  fetchBinanceExchangeInfo,
  BINANCE_QUOTE_ASSETS,
  type BinanceSymbolInfo,
} from './binance-symbols.js';
export { loadConfig, PRODUCER_ENV_VARS, type ProducerConfig } from './config.js';
export {
  ProducerError,
  ProducerConfigError,
  InvalidTradeError,
  ShutdownTimeoutError,
  type ErrorDomain,
} from './errors.js';

export type { ExchangeProtocol, ParsedMessage } from './exchanges/protocol.js';
export {
  binanceProtocol,
  parseBinanceMessage,
  BINANCE_WS_URL,
  BINANCE_MAX_CONNECTION_AGE_MS,
  BINANCE_MAX_STREAMS,
} from './exchanges/binance.js';
export { coinbaseProtocol, parseCoinbaseMessage, COINBASE_WS_URL } from './exchanges/coinbase.js';
export {
  coinbaseAdvancedProtocol,
  AdvancedTradeParser,
  COINBASE_ADVANCED_WS_URL,
} from './exchanges/coinbase-advanced.js';
export {
  coinbaseProtocolFor,
  resolveCoinbaseProtocol,
  COINBASE_PROTOCOLS,
  type CoinbaseProtocolName,
} from './exchanges/coinbase-endpoint.js';
export {
  ExchangeConnection,
  type ExchangeConnectionOptions,
  type ConnectionStatus,
  type ExchangeHealth,
} from './exchanges/exchange-connection.js';
export { readUpgradeRefusal, type UpgradeRefusal } from './exchanges/upgrade-refusal.js';
export { RecentIds } from './resilience/recent-ids.js';
export { GapDetector, type GapObservation } from './resilience/gap-detector.js';

export { Publisher, type PublisherOptions } from './publish/publisher.js';
export { LatencyRecorder } from './publish/latency-recorder.js';
export {
  KinesisTradeSink,
  KafkaTradeSink,
  encodeTrade,
  type TradeSink,
  type KafkaProducerLike,
} from './publish/trade-sink.js';
export { createSink } from './publish/create-sink.js';
export {
  Producer,
  type ProducerStatus,
  type ProducerSettings,
  type ShutdownSummary,
  type ProducerHealth,
} from './producer.js';
export { startHealthServer, type HealthServer } from './ops/health-server.js';
export { prometheusText, emfDocuments } from './ops/metrics-format.js';

export {
  startExchangeSimulator,
  type ExchangeSimulator,
  type ExchangeSimulatorOptions,
  type SimulatorFaults,
} from './simulator/exchange-simulator.js';
export { Market, type MarketOptions, type SimTrade } from './simulator/market.js';

/**
 * Record-level quality gate of the stream jobs.
 *
 * @example
 * const checker = new DataQualityChecker<RawTradeRecord>().addSuite(tradeCheckSuite({ allowedSymbols: ['BTC-USDT'] }));
 * const { valid, invalid, metrics } = checker.validate(batch);   // invalid[i].failed names the ERROR rules
 * await emfQualityPublisher().publish('whale-detector', metrics);
 */
export {
  DataQualityChecker,
  type CheckContext,
  type CheckSuite,
  type InvalidRecord,
  type QualityCheck,
  type QualityMetrics,
  type Severity,
  type ValidationResult,
} from './data-quality-checker.js';
export { tradeChecks, tradeCheckSuite, type RawTradeRecord, type TradeCheckOptions } from './trade-checks.js';
export { emfQualityPublisher, QUALITY_NAMESPACE, type QualityMetricsPublisher } from './quality-metrics-publisher.js';

/**
 * @coattail/stream-jobs — the platform's three stream jobs on @coattail/runtime.
 *
 * - volume anomaly: 60 s windows per symbol and exchange, rolling 1 h z-score, alerts at |z| ≥ 2.5
 * - whale detector: trades above 100 000 quote volume, enriched with recent context
 * - spread calculator: 30 s VWAP per symbol per exchange, spread %, flagged above 0.5 %
 *
 * @example
 * const { aggregates, alerts } = volumeAnomalyPipeline(trades, { threshold: 2.5, windowMs: 60_000, historyWindows: 60, minHistory: 10, lateTag });
 * aggregates.sinkTo(icebergSink).uid('aggregates');
 * alerts.sinkTo(dynamoSink).uid('alerts');
 */
export type {
  AlertBase,
  AnomalyAlert,
  JobTrade,
  SpreadAlert,
  SpreadRecord,
  VolumeAggregate,
  WhaleAlert,
} from './model/records.js';
export { volumeAnomalyPipeline, type VolumeAnomalyOptions } from './volume-anomaly/volume-anomaly-job.js';
export { rollingZScore, meanStd, type ZScoreOptions } from './volume-anomaly/rolling-zscore.js';
export { volumeStats, symbolExchangeKey } from './volume-anomaly/volume-aggregate.js';
export { whalePipeline, whaleDetector, type WhaleOptions } from './whale/whale-detector.js';
export { spreadPipeline, vwapByExchange, type SpreadOptions } from './spread/spread-calculator.js';
export { rawTradeRow } from './raw-archiver/raw-archiver.js';
export { buildJob, JOB_NAMES, type JobName, type JobIo } from './runner/build-job.js';
export { runStreamJob, platformTables, type StreamJobDeps } from './runner/run-stream-job.js';
export { decodeKafkaEnvelope, type KafkaClient } from './runner/kafka-input.js';
export { parseJobConfig, describeJobConfig, jobConfigSchema, type JobConfig } from './runner/job-config.js';
export {
  qualityGate,
  tradeGate,
  decodeEnvelope,
  dlqTag,
  type Envelope,
  type TradeGate,
} from './runner/quality-gate.js';
export { IcebergSink, type IcebergSinkOptions } from './sinks/iceberg-sink.js';
export { rows as tableRows, alertItem, ALERT_TTL_MS } from './runner/table-rows.js';

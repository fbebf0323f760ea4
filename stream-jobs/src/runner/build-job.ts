import type { DlqEntry } from '@coattail/connectors';
import type { Row, TableName } from '@coattail/iceberg';
import type { QualityMetricsPublisher } from '@coattail/quality';
import {
  assertDistributable,
  OutputTag,
  StreamEnvironment,
  WatermarkStrategy,
  type Clock,
  type Sink,
  type Source,
} from '@coattail/runtime';
import type { AlertBase, JobTrade } from '../model/records.js';
import { rawTradeRow } from '../raw-archiver/raw-archiver.js';
import { spreadPipeline } from '../spread/spread-calculator.js';
import { volumeAnomalyPipeline } from '../volume-anomaly/volume-anomaly-job.js';
import { whalePipeline } from '../whale/whale-detector.js';
import type { JobConfig } from './job-config.js';
import { lateEntry } from './dlq-entries.js';
import { dlqTag, tradeGate, type Envelope, type QualityGate } from './quality-gate.js';
import { rows } from './table-rows.js';

export const JOB_NAMES = ['volume-anomaly', 'whale-detector', 'spread-calculator', 'raw-archiver'] as const;
export type JobName = (typeof JOB_NAMES)[number];

/** Where a job reads and writes; production passes Kinesis/DynamoDB/Iceberg/S3, tests pass memory. */
export interface JobIo {
  source: Source<Envelope>;
  /** The alerts table (conditional puts on alert_id). */
  alerts: () => Sink<AlertBase>;
  /** An Iceberg table, exactly once per checkpoint. */
  table: <T>(name: TableName, toRow: (value: T) => Row) => Sink<T>;
  dlq: () => Sink<DlqEntry>;
  clock: Clock;
  publisher?: QualityMetricsPublisher;
  /** Receives the job's quality gate, to flush its last partial interval when the job stops. */
  onQualityGate?: (gate: QualityGate) => void;
}

/**
 * Builds one stream job: source → quality gate (bad records to the DLQ) → the job's logic →
 * alerts to DynamoDB, results to Iceberg, late records to the DLQ with reason `late`. Operator
 * uids are stable, so checkpoints survive code changes that keep them.
 */
export function buildJob(name: JobName, config: JobConfig, io: JobIo): StreamEnvironment {
  const env = StreamEnvironment.create();
  const gate = tradeGate({
    job: name,
    clock: io.clock,
    allowedSymbols: config.ALLOWED_SYMBOLS,
    allowedExchanges: config.ALLOWED_EXCHANGES,
    ...(io.publisher ? { publisher: io.publisher } : {}),
  });
  // Timestamps come from the gate: only records that pass it move event time.
  const strategy = WatermarkStrategy.forBoundedOutOfOrderness<Envelope>(config.OUT_OF_ORDERNESS_MS)
    .withTimestampAssigner(gate.timestamps)
    .withIdleness(config.IDLENESS_MS);
  io.onQualityGate?.(gate);
  const gated = env.fromSource(io.source, strategy, 'trades').process(gate.process).uid('quality-gate');
  // Trades a window rejects as late are late records of the quality metrics too.
  const lateToDlq = (t: JobTrade) => {
    gate.countLate(t);
    return lateEntry(t);
  };
  const dlq = gated.getSideOutput(dlqTag);
  const late = new OutputTag<JobTrade>('late');
  switch (name) {
    case 'volume-anomaly': {
      const job = volumeAnomalyPipeline(gated, {
        threshold: config.ANOMALY_Z_THRESHOLD,
        windowMs: config.ANOMALY_WINDOW_MS,
        historyWindows: Math.round(3_600_000 / config.ANOMALY_WINDOW_MS),
        minHistory: config.ANOMALY_MIN_HISTORY,
        lateTag: late,
      });
      job.aggregates.sinkTo(io.table('volume_aggregates', rows.volumeAggregate)).uid('iceberg-volume-aggregates');
      job.alerts.sinkTo(io.alerts()).uid('dynamodb-alerts');
      job.alerts.sinkTo(io.table('alerts', rows.anomaly)).uid('iceberg-alerts');
      dlq.union(job.late.map(lateToDlq)).sinkTo(io.dlq()).uid('dlq');
      break;
    }
    case 'whale-detector': {
      const job = whalePipeline(gated, { threshold: config.WHALE_THRESHOLD, recentTrades: 100, vwapWindowMs: 60_000 });
      job.alerts.sinkTo(io.alerts()).uid('dynamodb-alerts');
      job.alerts.sinkTo(io.table('whale_trades', rows.whale)).uid('iceberg-whale-trades');
      dlq.sinkTo(io.dlq()).uid('dlq');
      break;
    }
    case 'spread-calculator': {
      const job = spreadPipeline(gated, {
        windowMs: config.SPREAD_WINDOW_MS,
        thresholdPct: config.SPREAD_THRESHOLD_PCT,
        lateTag: late,
      });
      job.spreads.sinkTo(io.table('spreads', rows.spread)).uid('iceberg-spreads');
      job.alerts.sinkTo(io.alerts()).uid('dynamodb-alerts');
      dlq.union(job.late.map(lateToDlq)).sinkTo(io.dlq()).uid('dlq');
      break;
    }
    case 'raw-archiver': {
      // Every gated trade as it is, so raw_trades holds the live feed beside historical loads and
      // reprocessing and time travel cover what the platform received; one commit per checkpoint.
      gated.sinkTo(io.table('raw_trades', rawTradeRow)).uid('iceberg-raw-trades');
      dlq.sinkTo(io.dlq()).uid('dlq');
      break;
    }
  }
  // Tasks are leased per shard/partition across ECS tasks: a keyBy that is not the source's
  // partition key would split a key's state between workers, so such a job is not built.
  assertDistributable(env.getJobGraph(), name);
  return env;
}

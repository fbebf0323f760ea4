import { TumblingEventTimeWindows, type DataStream, type OutputTag } from '@coattail/runtime';
import type { AnomalyAlert, JobTrade, VolumeAggregate } from '../model/records.js';
import { rollingZScore, type ZScoreOptions } from './rolling-zscore.js';
import { symbolExchangeKey, toVolumeAggregate, volumeStats } from './volume-aggregate.js';

export interface VolumeAnomalyOptions extends ZScoreOptions {
  /** Late trades (past every window) go here: the job sends them to the DLQ with reason `late`. */
  lateTag: OutputTag<JobTrade>;
}

/**
 * Volume anomaly job: 60 s tumbling windows per symbol and exchange → every aggregate; rolling
 * z-score over the previous hour → anomaly alerts.
 */
export function volumeAnomalyPipeline(
  trades: DataStream<JobTrade>,
  options: VolumeAnomalyOptions,
): { aggregates: DataStream<VolumeAggregate>; alerts: DataStream<AnomalyAlert>; late: DataStream<JobTrade> } {
  // Trades are partitioned by symbol (the producer's partition key), so (symbol, exchange) is too.
  const aggregates = trades
    .keyBy(symbolExchangeKey, { sourcePartitioned: true })
    .window(TumblingEventTimeWindows.of(options.windowMs))
    .sideOutputLateData(options.lateTag)
    .aggregate(volumeStats, toVolumeAggregate)
    .uid('volume-windows');
  const alerts = aggregates
    .keyBy(symbolExchangeKey, { sourcePartitioned: true })
    .process(() => rollingZScore(options)) // a factory: one function (and state handle) per task
    .uid('volume-zscore');
  return { aggregates, alerts, late: aggregates.getSideOutput(options.lateTag) };
}

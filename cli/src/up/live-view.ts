import type { PipelineStats } from './pipeline.js';

/** One screen of the live pipeline view. */
export function renderStats(
  s: PipelineStats,
  elapsedMs: number,
  previous?: { stats: PipelineStats; elapsedMs: number },
): string {
  const seconds = previous ? (elapsedMs - previous.elapsedMs) / 1000 : elapsedMs / 1000;
  const rate = (s.tradesPublished - (previous?.stats.tradesPublished ?? 0)) / Math.max(seconds, 0.001);
  const lag = s.watermarkLagMs === undefined ? '–' : `${(s.watermarkLagMs / 1000).toFixed(1)} s`;
  return [
    `coattail up — ${Math.round(elapsedMs / 1000)} s   trades/s ${rate.toFixed(0)}   published ${s.tradesPublished}   watermark lag ${lag}   checkpoints ${s.checkpoints}`,
    `  alerts   anomalies ${s.alerts.VOLUME_ANOMALY ?? 0}   whales ${s.alerts.WHALE ?? 0}   spreads ${s.alerts.SPREAD ?? 0}`,
    `  iceberg  ${Object.entries(s.tables)
      .map(([t, n]) => `${t} ${n}`)
      .join('   ')}   dlq objects ${s.dlqObjects}`,
  ].join('\n');
}

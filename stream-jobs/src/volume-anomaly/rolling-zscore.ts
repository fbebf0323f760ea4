import { ValueStateDescriptor, type KeyedProcessFunction, type ValueState } from '@coattail/runtime';
import type { AnomalyAlert, VolumeAggregate } from '../model/records.js';

export interface ZScoreOptions {
  /** |z| at or above which a window is an anomaly. @default 2.5 */
  threshold: number;
  /** Window length (ms); the history holds the windows of the previous hour. @default 60_000 */
  windowMs: number;
  /** Length of the history in windows. @default 60 */
  historyWindows: number;
  /** Windows of history needed before alerting. @default 10 */
  minHistory: number;
}

interface History {
  /** Start of the last window added. */
  last: number;
  /** Volumes of consecutive windows up to `last`, oldest first, zeros for windows without trades. */
  volumes: number[];
}

/** Mean and population standard deviation. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let sq = 0;
  for (const v of values) sq += (v - mean) * (v - mean);
  return { mean, std: Math.sqrt(sq / values.length) };
}

/**
 * Rolling z-score of each window's volume against the previous hour of windows of its key.
 *
 * Decisions: a minute without trades produces no window, but it is a real zero-volume minute, so
 * the gap between two windows is filled with zeros in the history. No alert until `minHistory`
 * windows of history exist (a z-score over a few points is noise). A history with zero standard
 * deviation (a perfectly flat hour, e.g. all zeros) defines no z-score: no alert — a first trade
 * after a silent hour is the whale detector's business, not a volume anomaly.
 */
export function rollingZScore(options: ZScoreOptions): KeyedProcessFunction<string, VolumeAggregate, AnomalyAlert> {
  let history: ValueState<History>;
  return {
    open: (ctx) => void (history = ctx.getState(new ValueStateDescriptor<History>('volume-history'))),
    processElement: (agg, _ctx, out) => {
      const state = history.value() ?? { last: agg.window_start - options.windowMs, volumes: [] };
      const gap = Math.min(
        options.historyWindows,
        Math.max(0, Math.round((agg.window_start - state.last) / options.windowMs) - 1),
      );
      for (let i = 0; i < gap; i++) state.volumes.push(0);
      if (state.volumes.length > options.historyWindows)
        state.volumes.splice(0, state.volumes.length - options.historyWindows);
      if (state.volumes.length >= options.minHistory) {
        const { mean, std } = meanStd(state.volumes);
        const z = std > 0 ? (agg.total_volume - mean) / std : 0;
        if (Math.abs(z) >= options.threshold) {
          out.collect({
            alert_id: `volume-anomaly:${agg.symbol}:${agg.exchange}:${agg.window_start}`,
            alert_type: 'VOLUME_ANOMALY',
            symbol: agg.symbol,
            exchange: agg.exchange,
            event_time: agg.window_end - 1,
            window_start: agg.window_start,
            window_end: agg.window_end,
            volume: agg.total_volume,
            mean_volume: mean,
            stddev_volume: std,
            z_score: z,
            threshold: options.threshold,
            history_minutes: state.volumes.length,
          });
        }
      }
      state.volumes.push(agg.total_volume);
      if (state.volumes.length > options.historyWindows) state.volumes.shift();
      state.last = agg.window_start;
      history.update(state);
    },
  };
}

import { z } from 'zod';
import { partitionFor, type Granularity } from './partitions.js';

/** What a partitioned stage remembers between runs: how far event time got, and what it has written. */
export const windowStateSchema = z.object({
  /** The largest event time seen so far (epoch ms); lateness is measured against it. */
  watermark: z.number(),
  /** Partition keys already written. */
  processed: z.array(z.string()),
});
export type WindowState = z.infer<typeof windowStateSchema>;

/** How many new rows fell into one partition. */
export interface PartitionCount {
  key: string;
  rows: number;
  /** Largest event time among them. */
  maxEventTime: number;
}

/** What to do with a batch of new data, partition by partition. */
export interface WindowPlan {
  /** Partitions never written before: process. */
  fresh: string[];
  /** Already written, late data within the allowed lateness: re-run (replace) exactly these. */
  rerun: string[];
  /** Already closed beyond the allowed lateness: their rows go to quarantine as `too_late`. */
  tooLate: string[];
  tooLateRows: number;
  /** The state to remember once the partitions are written. */
  next: WindowState;
}

/**
 * Decides, for new rows counted per event-time partition, which partitions to process, which to
 * re-run for late data, and which are too late. A partition is closed for good once the watermark
 * (the largest event time seen before this batch) has passed its end by more than `latenessMs`.
 */
export function planWindows(
  counts: readonly PartitionCount[],
  previous: WindowState | undefined,
  granularity: Granularity,
  latenessMs: number,
): WindowPlan {
  const watermark = previous?.watermark ?? Number.NEGATIVE_INFINITY;
  const processed = new Set(previous?.processed ?? []);
  const plan: WindowPlan = { fresh: [], rerun: [], tooLate: [], tooLateRows: 0, next: { watermark, processed: [] } };
  let nextWatermark = watermark;
  for (const c of [...counts].sort((a, b) => a.key.localeCompare(b.key))) {
    const end = partitionFor(
      Date.parse(c.key.length === 10 ? `${c.key}T00:00:00Z` : `${c.key}:00:00Z`),
      granularity,
    ).end;
    if (end + latenessMs <= watermark) {
      plan.tooLate.push(c.key);
      plan.tooLateRows += c.rows;
      continue;
    }
    nextWatermark = Math.max(nextWatermark, c.maxEventTime);
    if (processed.has(c.key)) plan.rerun.push(c.key);
    else plan.fresh.push(c.key);
    processed.add(c.key);
  }
  plan.next = { watermark: nextWatermark, processed: [...processed].sort() };
  return plan;
}

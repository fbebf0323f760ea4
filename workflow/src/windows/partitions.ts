import { WorkflowUsageError } from '../errors.js';

/** Partition sizes on event time. */
export type Granularity = 'hour' | 'day';

/** One event-time partition: `[start, end)` in epoch ms, keyed `2026-12-07` (day) or `2026-12-07T04` (hour). */
export interface PartitionWindow {
  key: string;
  granularity: Granularity;
  start: number;
  end: number;
}

const SIZE: Record<Granularity, number> = { hour: 3_600_000, day: 86_400_000 };

/** The partition an event time falls in (UTC). */
export function partitionFor(eventTime: number, granularity: Granularity): PartitionWindow {
  const size = SIZE[granularity];
  const start = Math.floor(eventTime / size) * size;
  const iso = new Date(start).toISOString();
  return { key: granularity === 'day' ? iso.slice(0, 10) : iso.slice(0, 13), granularity, start, end: start + size };
}

/** Parses a partition key (`2026-12-07` or `2026-12-07T04`) back into its window. */
export function parsePartitionKey(key: string): PartitionWindow {
  const day = /^\d{4}-\d{2}-\d{2}$/.test(key);
  const hour = /^\d{4}-\d{2}-\d{2}T\d{2}$/.test(key);
  const start = Date.parse(day ? `${key}T00:00:00Z` : `${key}:00:00Z`);
  if ((!day && !hour) || Number.isNaN(start))
    throw new WorkflowUsageError(
      `'${key}' is not a partition key (write 2026-12-07 for a day or 2026-12-07T04 for an hour)`,
    );
  return partitionFor(start, day ? 'day' : 'hour');
}

/** Every partition from the one holding `from` to the one holding `to`, inclusive, oldest first. */
export function partitionsBetween(from: number, to: number, granularity: Granularity): PartitionWindow[] {
  if (to < from)
    throw new WorkflowUsageError(
      `the range ends (${new Date(to).toISOString()}) before it starts (${new Date(from).toISOString()})`,
    );
  const out: PartitionWindow[] = [];
  for (let p = partitionFor(from, granularity); p.start <= to; p = partitionFor(p.end, granularity)) out.push(p);
  return out;
}

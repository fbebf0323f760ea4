import type { KeyInfo } from './input/key-pattern.js';

/** Which clock decides a run's (date, hour): the object's last-modified (preferred) or the key. */
export type TimeWindowSource = 'last-modified' | 'key';

/** The run window of one object, in UTC. */
export interface RunWindow {
  readonly runDate: string;
  readonly runHour: number;
  /** The start of the window the key names (its date and hour), when it names one. */
  readonly fileRangeLowerLimit: Date | null;
  /** What decided the window, for logs. */
  readonly decidedBy: 'last-modified' | 'key' | 'event-time' | 'processing-time';
}

function fromInstant(instant: Date): { runDate: string; runHour: number } {
  return { runDate: instant.toISOString().slice(0, 10), runHour: instant.getUTCHours() };
}

/**
 * Resolves the run window: by default the object's last-modified instant (UTC date and hour),
 * falling back to the key's date and hour, then the event time, then the processing time; with
 * `source: 'key'` the key comes first.
 *
 * @example
 * resolveRunWindow({ agencySlug: 'a', fileName: 'f', date: '2026-01-04', hour: 12 }, new Date('2026-01-04T13:05:00Z'))
 * // { runDate: '2026-01-04', runHour: 13, fileRangeLowerLimit: 2026-01-04T12:00Z, decidedBy: 'last-modified' }
 */
export function resolveRunWindow(
  key: KeyInfo,
  lastModified: Date | undefined,
  eventTime: Date | undefined,
  now: Date,
  source: TimeWindowSource = 'last-modified',
): RunWindow {
  const keyStart =
    key.date === undefined ? null : new Date(`${key.date}T${String(key.hour ?? 0).padStart(2, '0')}:00:00Z`);
  const fromKey = key.date === undefined ? undefined : { runDate: key.date, runHour: key.hour ?? 0 };
  if (source === 'key' && fromKey !== undefined) return { ...fromKey, fileRangeLowerLimit: keyStart, decidedBy: 'key' };
  if (lastModified !== undefined)
    return { ...fromInstant(lastModified), fileRangeLowerLimit: keyStart, decidedBy: 'last-modified' };
  if (fromKey !== undefined) return { ...fromKey, fileRangeLowerLimit: keyStart, decidedBy: 'key' };
  if (eventTime !== undefined) return { ...fromInstant(eventTime), fileRangeLowerLimit: null, decidedBy: 'event-time' };
  return { ...fromInstant(now), fileRangeLowerLimit: null, decidedBy: 'processing-time' };
}

import type { Timestamp } from '../types.js';

/** A window of event time, start inclusive, end exclusive. */
export interface TimeWindow {
  readonly start: Timestamp;
  readonly end: Timestamp;
}

/** The last timestamp that belongs to a window; the window fires when the watermark reaches it. */
export function maxTimestamp(window: TimeWindow): Timestamp {
  return window.end - 1;
}

/** Start of the aligned window of `size` (shifted by `offset`) containing `timestamp`; correct for negative times. */
export function windowStart(timestamp: Timestamp, offset: number, size: number): Timestamp {
  const remainder = (timestamp - offset) % size;
  return timestamp - (remainder < 0 ? remainder + size : remainder);
}

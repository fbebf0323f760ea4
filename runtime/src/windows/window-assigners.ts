import type { Timestamp } from '../types.js';
import { windowStart } from './time-window.js';

function checkDuration(name: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0)
    throw new RangeError(`${name} must be a positive integer of milliseconds, got ${value}`);
}

/**
 * Aligned windows of fixed size: every window of an assigner has the same length and windows of
 * different keys share boundaries, so the operator can fire them together.
 */
export interface AlignedWindowAssigner {
  readonly kind: 'tumbling' | 'sliding';
  readonly size: number;
  readonly slide: number;
  readonly offset: number;
  /** Start of the last (newest) window containing `timestamp`; older ones are `slide` apart. */
  lastStart(timestamp: Timestamp): Timestamp;
  /** How many windows contain one timestamp: size / slide. */
  readonly windowsPerElement: number;
}

/** Windows that merge as records arrive: a session closes after `gap` without records for its key. */
export interface SessionWindowAssigner {
  readonly kind: 'session';
  readonly gap: number;
}

export type WindowAssigner = AlignedWindowAssigner | SessionWindowAssigner;

/** Non-overlapping windows of `size` ms: `[k·size + offset, (k+1)·size + offset)`. */
export const TumblingEventTimeWindows = {
  of(size: number, offset = 0): AlignedWindowAssigner {
    checkDuration('tumbling window size', size);
    return {
      kind: 'tumbling',
      size,
      slide: size,
      offset: ((offset % size) + size) % size,
      windowsPerElement: 1,
      lastStart: (ts) => windowStart(ts, offset, size),
    };
  },
};

/** Overlapping windows of `size` ms starting every `slide` ms; `size` must be a multiple of `slide`. */
export const SlidingEventTimeWindows = {
  of(size: number, slide: number, offset = 0): AlignedWindowAssigner {
    checkDuration('sliding window size', size);
    checkDuration('sliding window slide', slide);
    if (size % slide !== 0) {
      throw new RangeError(`sliding window size (${size}) must be a multiple of its slide (${slide})`);
    }
    return {
      kind: 'sliding',
      size,
      slide,
      offset: ((offset % slide) + slide) % slide,
      windowsPerElement: size / slide,
      lastStart: (ts) => windowStart(ts, offset, slide),
    };
  },
};

/** Per-key sessions that close after `gap` ms of silence. The aggregate function must implement `merge`. */
export const EventTimeSessionWindows = {
  withGap(gap: number): SessionWindowAssigner {
    checkDuration('session gap', gap);
    return { kind: 'session', gap };
  },
};

/** Event time in epoch milliseconds. */
export type Timestamp = number;

/** A key of a keyed stream. Keys live in state maps and checkpoints, so they are primitives. */
export type KeyValue = string | number;

/** JSON-compatible data: what state, positions and checkpoints are made of. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Receives the results of a user function. */
export interface Collector<T> {
  collect(value: T): void;
}

/**
 * The lowest and highest watermarks; the latter means "end of input: fire everything".
 * Finite (like Flink's Long.MIN_VALUE/MAX_VALUE) so they survive a JSON checkpoint.
 */
export const MIN_WATERMARK = Number.MIN_SAFE_INTEGER;
export const MAX_WATERMARK = Number.MAX_SAFE_INTEGER;

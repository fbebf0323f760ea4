import type { Json, Timestamp } from '../types.js';

/** A unit of parallel input (a Kinesis shard, a Kafka partition). `parents` are splits that must end first. */
export interface SplitDescriptor {
  readonly id: string;
  readonly parents?: readonly string[];
  /** Source-specific metadata, e.g. a shard's hash-key range. Kept in checkpoints. */
  readonly meta?: Json;
}

/** Where a reader is in its split (a sequence number, an offset); opaque JSON to the runtime. */
export type SplitPosition = Json;

/**
 * One poll's worth of a split. `position` is the position after the last record returned.
 * `end` says the split is finished (a shard at SHARD_END) and names its children, if any.
 */
export interface SplitBatch<T> {
  records: readonly T[];
  position?: SplitPosition;
  /** Timestamps the source knows (arrival time); the watermark strategy may use or ignore them. */
  timestamps?: readonly Timestamp[];
  end?: { children: readonly SplitDescriptor[] };
}

/** Reads one split. `poll` may return synchronously (in-memory sources) to spare a promise per batch. */
export interface SplitReader<T> {
  poll(maxRecords: number): SplitBatch<T> | Promise<SplitBatch<T>>;
  close?(): void | Promise<void>;
}

/**
 * A source of splits. `listSplits` returns every split currently known, parents and children
 * alike; the runtime starts a child only when all of its parents have ended.
 */
export interface Source<T> {
  readonly name: string;
  listSplits(): readonly SplitDescriptor[] | Promise<readonly SplitDescriptor[]>;
  /** Opens a reader at `position` (resume after it), or at the source's configured start when undefined. */
  createReader(split: SplitDescriptor, position: SplitPosition | undefined): SplitReader<T>;
}

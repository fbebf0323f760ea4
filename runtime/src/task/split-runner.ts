import type { JobGraph, SourceBinding } from '../api/graph.js';
import type { AssignedSplit } from '../checkpoint/task-checkpoint.js';
import { IllegalStateError } from '../errors.js';
import type { SplitWatermarks } from '../watermarks/split-watermarks.js';
import type { SplitBatch, SplitDescriptor, SplitPosition, SplitReader } from '../source/source.js';
import type { Timestamp } from '../types.js';
import type { WatermarkGenerator } from '../watermarks/watermark-strategy.js';

/** A split being read by a task. */
export interface ActiveSplit {
  readonly source: string;
  readonly descriptor: SplitDescriptor;
  readonly binding: SourceBinding;
  readonly reader: SplitReader<unknown>;
  position: SplitPosition | null;
}

/**
 * A split's identity within a task: split ids are unique only within their source (two
 * collections both have 'split-0'), so the task keys watermarks and lineage by source and id.
 */
export function splitUid(split: { source: string; descriptor: SplitDescriptor }): string {
  return `${split.source}/${split.descriptor.id}`;
}

/** The uids of a split's parents, which belong to the same source. */
export function parentUids(split: { source: string; descriptor: SplitDescriptor }): string[] {
  return (split.descriptor.parents ?? []).map((p) => `${split.source}/${p}`);
}

export function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * Event times for a batch: from the strategy's assigner, else the source's own timestamps, else
 * ingestion time. Feeds each to the split's watermark generator.
 */
export function assignTimestamps(
  split: ActiveSplit,
  batch: SplitBatch<unknown>,
  generator: WatermarkGenerator,
  now: number,
): Timestamp[] {
  const { records, timestamps: sourceTimes } = batch;
  const assigner = split.binding.strategy.timestampAssigner;
  const n = records.length;
  const out = new Array<Timestamp>(n);
  if (assigner !== undefined) {
    for (let i = 0; i < n; i++) {
      const ts = assigner(records[i], sourceTimes?.[i]);
      out[i] = ts;
      generator.onEvent(ts);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const ts = sourceTimes?.[i] ?? now;
      out[i] = ts;
      generator.onEvent(ts);
    }
  }
  return out;
}

/** Opens a reader for a split at `position` and registers its watermark generator. */
export function openSplit(
  graph: JobGraph,
  split: AssignedSplit,
  position: SplitPosition | undefined,
  watermarks: SplitWatermarks,
  now: number,
  restoredWatermark?: Timestamp,
): ActiveSplit {
  const binding = graph.nodes.find((n) => n.id === split.source)?.source;
  if (binding === undefined)
    throw new IllegalStateError(
      `split '${split.descriptor.id}' names source '${split.source}', which the job does not have`,
    );
  const reader = binding.source.createReader(split.descriptor, position);
  const { strategy } = binding;
  watermarks.add(
    splitUid(split),
    strategy.createGenerator(),
    strategy.idleTimeoutMs,
    now,
    restoredWatermark === undefined ? undefined : { watermark: restoredWatermark },
  );
  return { ...split, binding, reader, position: position ?? null };
}

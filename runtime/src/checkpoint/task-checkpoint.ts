import type { SplitDescriptor, SplitPosition } from '../source/source.js';
import type { Json, Timestamp } from '../types.js';

/** A split and the source node it belongs to. */
export interface AssignedSplit {
  source: string;
  descriptor: SplitDescriptor;
}

/** One split of a task as checkpointed. */
export interface SplitCheckpoint {
  /** The source node the split belongs to. */
  source: string;
  descriptor: SplitDescriptor;
  position: SplitPosition | null;
  watermark: Timestamp;
}

/**
 * Everything one task needs to resume: source positions, watermarks, operator state (keyed
 * state, timers, window contents) and the sinks' pre-committed data.
 */
export interface TaskCheckpoint {
  version: 1;
  jobId: string;
  taskId: string;
  checkpointId: number;
  createdAt: number;
  watermark: Timestamp;
  splits: SplitCheckpoint[];
  /** Splits this task has read to their end, as `{source node}/{split id}`: their children may start. */
  endedSplits: string[];
  /** Children waiting in this task for parents to end. */
  pendingSplits: AssignedSplit[];
  /** Children of ended splits that other tasks will read (one task per split). */
  handedOff: AssignedSplit[];
  operators: Record<string, Json>;
  /** Per sink: committables prepared and not yet known to be committed, as [checkpointId, data]. */
  committables: Record<string, [number, Json][]>;
  /** 'running', or how the task ended: its input is exhausted, or its splits were handed to children. */
  status: 'running' | 'finished' | 'handed-off';
}

/** Written after the state object; a checkpoint without it does not exist. */
export interface CheckpointManifest {
  jobId: string;
  taskId: string;
  checkpointId: number;
  stateKey: string;
  bytes: number;
  sha256: string;
  createdAt: number;
}

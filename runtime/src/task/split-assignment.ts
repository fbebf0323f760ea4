import type { AssignedSplit, TaskCheckpoint } from '../checkpoint/task-checkpoint.js';
import type { SplitDescriptor } from '../source/source.js';
import { parentUids, splitUid } from './split-runner.js';

/** What the assignment asks of the job it schedules splits for. */
export interface SplitAssignmentDeps {
  /** Whether this worker reads the split (the lease coordinator's answer). */
  owns: (split: SplitDescriptor) => boolean;
  stopping: AbortSignal;
  /** A parent's final checkpoint, wherever the parent ran. */
  parentCheckpoint: (split: AssignedSplit, parentId: string) => Promise<TaskCheckpoint | undefined>;
  /** Starts the task of a split, seeded from its parents' final checkpoints when it has parents. */
  start: (split: AssignedSplit, seed: TaskCheckpoint[] | undefined) => void;
}

/**
 * Which splits of a per-split job wait, run and have ended in this worker. A split starts once
 * this worker owns it and every parent it knows of has ended, so a child split (a Kinesis reshard)
 * resumes from its parents' final state rather than reading beside them.
 */
export class SplitAssignment {
  readonly #waiting: AssignedSplit[] = [];
  readonly #ended = new Set<string>();
  /** Per ended parent, how many children it handed off: more than one needs a stateKeyFilter. */
  readonly #siblings = new Map<string, number>();
  readonly #launched = new Set<string>();

  constructor(private readonly deps: SplitAssignmentDeps) {}

  siblingCount(parentUid: string): number {
    return this.#siblings.get(parentUid) ?? 0;
  }

  markLaunched(splits: readonly AssignedSplit[]): void {
    for (const s of splits) this.#launched.add(splitUid(s));
  }

  /** Splits whose task was released (lease lost): another discovery may start them again. */
  markReleased(splits: readonly AssignedSplit[]): void {
    for (const s of splits) this.#launched.delete(splitUid(s));
  }

  /** A task's splits ended (`parentIds`) and handed off `children`, which now wait for their turn. */
  markHandedOff(parentIds: readonly string[], children: readonly AssignedSplit[]): void {
    for (const id of parentIds) {
      this.#ended.add(id);
      this.#siblings.set(id, children.filter((c) => parentUids(c).includes(id)).length);
    }
    for (const child of children)
      if (!this.#isWaiting(splitUid(child)) && !this.#launched.has(splitUid(child))) this.#waiting.push(child);
  }

  /** The splits of the first listing, all queued. */
  enqueue(splits: readonly AssignedSplit[]): void {
    this.#waiting.push(...splits);
  }

  /** Queues the splits of a later listing that are neither running, ended nor already queued. */
  discovered(splits: readonly AssignedSplit[]): void {
    for (const split of splits) {
      const uid = splitUid(split);
      if (!this.#launched.has(uid) && !this.#ended.has(uid) && !this.#isWaiting(uid)) this.#waiting.push(split);
    }
  }

  /** Starts every waiting split this worker owns whose known parents have all ended. */
  async startReady(): Promise<void> {
    const { owns, stopping, parentCheckpoint, start } = this.deps;
    for (const split of [...this.#waiting]) {
      if (stopping.aborted) return;
      if (!owns(split.descriptor) || this.#launched.has(splitUid(split))) continue;
      if (!parentUids(split).every((p) => this.#ended.has(p) || !this.#isKnown(p))) continue;
      this.#waiting.splice(this.#waiting.indexOf(split), 1);
      this.#launched.add(splitUid(split));
      const parents = split.descriptor.parents ?? [];
      const seed =
        parents.length === 0
          ? undefined
          : (await Promise.all(parents.map((p) => parentCheckpoint(split, p)))).filter((c) => c !== undefined);
      start(split, seed);
    }
  }

  #isWaiting(uid: string): boolean {
    return this.#waiting.some((w) => splitUid(w) === uid);
  }

  #isKnown(uid: string): boolean {
    return this.#launched.has(uid) || this.#isWaiting(uid);
  }
}

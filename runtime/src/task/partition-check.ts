import { PartitioningError } from '../errors.js';
import type { SplitPosition } from '../source/source.js';
import type { KeyValue } from '../types.js';

/** Where the records being pushed come from: the split and the positions around its batch. */
interface Reading {
  split: string;
  after: SplitPosition | null;
  upTo: SplitPosition | null;
}

const show = (value: unknown): string => {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
};

/**
 * Checks the claim `keyBy(fn, { sourcePartitioned: true })` makes: no key is read from two splits.
 * Shared by the tasks of one job in this worker; remembers the split each key came from. A key
 * may move on only from a split that ended to a descendant of it (a parent shard's keys continue
 * in a child). Splits read by other workers are not seen here.
 */
export class PartitionCheck {
  readonly #owner = new Map<KeyValue, string>();
  readonly #ended = new Set<string>();
  readonly #parents = new Map<string, readonly string[]>();

  /** One task's view: what it is pushing right now. */
  forTask(): TaskPartitionCheck {
    return new TaskPartitionCheck(this);
  }

  /** Remembers a split's parents, so its keys may come from them. */
  split(split: string, parents: readonly string[] | undefined): void {
    if (parents !== undefined && !this.#parents.has(split)) this.#parents.set(split, parents);
  }

  ended(split: string): void {
    this.#ended.add(split);
  }

  /** A key may move from an ended split to one of its descendants (resharding), nowhere else. */
  #inherits(split: string, owner: string): boolean {
    if (!this.#ended.has(owner)) return false;
    const seen = new Set<string>();
    const queue = [...(this.#parents.get(split) ?? [])];
    while (queue.length > 0) {
      const next = queue.pop()!;
      if (next === owner) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...(this.#parents.get(next) ?? []));
    }
    return false;
  }

  /** Verifies every key of a batch entering a keyed operator; throws on the first that breaks the claim. */
  verify(reading: Reading, operator: string, selector: (value: unknown) => KeyValue, values: readonly unknown[]): void {
    for (const value of values) {
      const key = selector(value);
      const owner = this.#owner.get(key);
      if (owner === reading.split) continue;
      if (owner !== undefined && !this.#inherits(reading.split, owner)) {
        throw new PartitioningError(
          `keyBy before '${operator}' is declared sourcePartitioned, but key ${show(key)} arrived from split '${reading.split}' ` +
            `(the batch after position ${show(reading.after)} up to ${show(reading.upTo)}) after split '${owner}' had it: ` +
            `record ${show(value)}. The source is not partitioned by this key, so per-split state would be partial. ` +
            'Key by the source partition key, or drop sourcePartitioned and run with the parallelism option (a shuffle).',
        );
      }
      this.#owner.set(key, reading.split);
    }
  }
}

/**
 * A task's side of the check. Only records that reach a keyed operator while the task pushes a
 * split's batch are checked: records a window or timer emits later belong to no single batch.
 */
export class TaskPartitionCheck {
  #reading: Reading | undefined;

  constructor(private readonly shared: PartitionCheck) {}

  /** Records pushed until `done()` were read from `split`, after `after` and up to `upTo`. */
  reading(
    split: string,
    parents: readonly string[] | undefined,
    after: SplitPosition | null,
    upTo: SplitPosition | null,
  ): void {
    this.shared.split(split, parents);
    this.#reading = { split, after, upTo };
  }

  done(): void {
    this.#reading = undefined;
  }

  ended(split: string): void {
    this.shared.ended(split);
  }

  verify(operator: string, selector: (value: unknown) => KeyValue, values: readonly unknown[]): void {
    if (this.#reading !== undefined) this.shared.verify(this.#reading, operator, selector, values);
  }
}

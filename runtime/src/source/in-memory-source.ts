import type { Json } from '../types.js';
import type { Source, SplitBatch, SplitDescriptor, SplitReader } from './source.js';

export interface InMemorySplit<T> {
  id: string;
  records: T[];
  /** Splits that must end before this one starts. */
  parents?: string[];
  /** Children announced when this split ends (resharding). */
  children?: string[];
  /** An open split never ends: once drained it returns empty polls until more records are pushed. */
  open?: boolean;
  meta?: Json;
}

/**
 * Splits held in memory, read in order with the record index as position. For tests, demos and
 * benchmarks; a stand-in with the same contract as a Kinesis stream (ends, children, resume).
 */
export class InMemorySource<T> implements Source<T> {
  readonly name: string;
  readonly #splits: Map<string, InMemorySplit<T>>;
  /** How many polls each split has served: lets tests check who read what, and when. */
  readonly polls = new Map<string, number>();

  constructor(splits: InMemorySplit<T>[], name = 'in-memory') {
    this.name = name;
    this.#splits = new Map(splits.map((s) => [s.id, { ...s, records: [...s.records] }]));
  }

  /** A bounded source of one split. */
  static of<T>(records: T[], name?: string): InMemorySource<T> {
    return new InMemorySource([{ id: 'split-0', records }], name);
  }

  /** Appends records to a split, e.g. an open one that went quiet. */
  push(splitId: string, ...records: T[]): void {
    const split = this.#splits.get(splitId);
    if (split === undefined) throw new RangeError(`no split '${splitId}' in source '${this.name}'`);
    split.records.push(...records);
  }

  /** Closes an open split: it ends once drained. */
  close(splitId: string): void {
    const split = this.#splits.get(splitId);
    if (split !== undefined) split.open = false;
  }

  listSplits(): SplitDescriptor[] {
    return [...this.#splits.values()].map((s) => ({
      id: s.id,
      ...(s.parents ? { parents: s.parents } : {}),
      ...(s.meta !== undefined ? { meta: s.meta } : {}),
    }));
  }

  createReader(descriptor: SplitDescriptor, position: Json | undefined): SplitReader<T> {
    const split = this.#splits.get(descriptor.id);
    if (split === undefined) throw new RangeError(`no split '${descriptor.id}' in source '${this.name}'`);
    let next = typeof position === 'number' ? position : 0;
    return {
      poll: (max): SplitBatch<T> => {
        this.polls.set(split.id, (this.polls.get(split.id) ?? 0) + 1);
        const records =
          next === 0 && split.records.length <= max ? split.records : split.records.slice(next, next + max);
        next += records.length;
        const drained = next >= split.records.length;
        if (!drained || split.open === true) return { records, position: next };
        const children = (split.children ?? []).map((id) => {
          const child = this.#splits.get(id);
          return {
            id,
            parents: child?.parents ?? [split.id],
            ...(child?.meta !== undefined ? { meta: child.meta } : {}),
          };
        });
        return { records, position: next, end: { children } };
      },
    };
  }
}

import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import type { Source, SplitBatch, SplitDescriptor, SplitReader } from './source.js';

export interface DataGeneratorOptions<T> {
  /** Builds record number `index` of split `split` (0-based, per split). Must be deterministic for replay. */
  generate: (index: number, split: number) => T;
  /** Records per split; Infinity for an endless source. @default Infinity */
  countPerSplit?: number;
  /** @default 1 */
  splits?: number;
  /** Records per second per split, paced on the clock; undefined for as fast as possible. */
  ratePerSecond?: number;
  clock?: Clock;
  name?: string;
}

/**
 * Generates records from an index, in the manner of Flink's DataGeneratorSource. The position is
 * the next index, so a restored job regenerates exactly the records after its checkpoint.
 */
export class DataGeneratorSource<T> implements Source<T> {
  readonly name: string;

  constructor(private readonly options: DataGeneratorOptions<T>) {
    this.name = options.name ?? 'data-generator';
  }

  listSplits(): SplitDescriptor[] {
    return Array.from({ length: this.options.splits ?? 1 }, (_, i) => ({ id: `gen-${i}` }));
  }

  createReader(split: SplitDescriptor, position: unknown): SplitReader<T> {
    const { generate, countPerSplit = Infinity, ratePerSecond, clock = systemClock } = this.options;
    const splitIndex = Number(split.id.slice('gen-'.length));
    let next = typeof position === 'number' ? position : 0;
    const startedAt = clock.now();
    const startIndex = next;
    return {
      poll: (max): SplitBatch<T> => {
        let limit = Math.min(max, countPerSplit - next);
        if (ratePerSecond !== undefined) {
          const allowed = Math.floor(((clock.now() - startedAt) / 1000) * ratePerSecond) - (next - startIndex);
          limit = Math.min(limit, Math.max(0, allowed));
        }
        const records = new Array<T>(limit);
        for (let i = 0; i < limit; i++) records[i] = generate(next + i, splitIndex);
        next += limit;
        if (next >= countPerSplit) return { records, position: next, end: { children: [] } };
        return { records, position: next };
      },
    };
  }
}

import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import type { SplitBatch } from './source.js';
import { DataGeneratorSource } from './data-generator-source.js';

describe('DataGeneratorSource', () => {
  it('generates the same records after a restore from a position', () => {
    const source = new DataGeneratorSource({ generate: (i, split) => `${split}:${i}`, countPerSplit: 10, splits: 2 });
    expect(source.listSplits().map((s) => s.id)).toEqual(['gen-0', 'gen-1']);
    const reader = source.createReader({ id: 'gen-1' }, undefined);
    const first = reader.poll(4) as SplitBatch<string>;
    expect(first.records).toEqual(['1:0', '1:1', '1:2', '1:3']);
    const resumed = source.createReader({ id: 'gen-1' }, first.position) as { poll(n: number): SplitBatch<string> };
    expect(resumed.poll(100)).toEqual({
      records: ['1:4', '1:5', '1:6', '1:7', '1:8', '1:9'],
      position: 10,
      end: { children: [] },
    });
  });

  it('paces records to the configured rate on its clock', () => {
    const clock = new ManualClock(1_000);
    const reader = new DataGeneratorSource({ generate: (i) => i, ratePerSecond: 100, clock }).createReader(
      { id: 'gen-0' },
      undefined,
    );
    expect((reader.poll(1_000) as SplitBatch<number>).records).toHaveLength(0);
    clock.advance(250);
    expect((reader.poll(1_000) as SplitBatch<number>).records).toHaveLength(25);
    clock.advance(1_000);
    expect((reader.poll(40) as SplitBatch<number>).records).toHaveLength(40);
  });
});

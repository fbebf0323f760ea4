import { describe, expect, it } from 'vitest';
import { mergeRanges, missingRanges } from './coverage.js';

describe('loaded ranges', () => {
  it('merges overlapping and adjacent ranges', () => {
    expect(
      mergeRanges([
        [10, 20],
        [0, 5],
        [6, 8],
        [15, 30],
        [40, 41],
      ]),
    ).toEqual([
      [0, 8],
      [10, 30],
      [40, 41],
    ]);
  });

  it('finds the holes of a wanted range: before, between and after what is loaded', () => {
    expect(missingRanges([0, 100], [])).toEqual([[0, 100]]);
    expect(
      missingRanges(
        [0, 100],
        [
          [20, 30],
          [50, 60],
        ],
      ),
    ).toEqual([
      [0, 19],
      [31, 49],
      [61, 100],
    ]);
    expect(
      missingRanges(
        [25, 55],
        [
          [20, 30],
          [50, 60],
        ],
      ),
    ).toEqual([[31, 49]]);
    expect(missingRanges([0, 100], [[0, 100]])).toEqual([]);
    expect(
      missingRanges(
        [0, 100],
        [
          [-50, 10],
          [90, 500],
        ],
      ),
    ).toEqual([[11, 89]]);
  });
});

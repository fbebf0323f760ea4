import { describe, expect, it } from 'vitest';
import { mergeRanges, missingRanges, parseCoverage } from './coverage.js';
import { BatchJobError } from './errors.js';

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

  it('reads the loaded ranges a snapshot summary records', () => {
    expect(parseCoverage('[[0,999],[5000,5999]]', "snapshot 1's summary")).toEqual([
      [0, 999],
      [5000, 5999],
    ]);
  });

  it('refuses a summary it cannot read in full, naming the snapshot and the range, instead of loading again', () => {
    const where = "snapshot 7's summary 'coattail.historical-load.BTCUSDT'";
    const error = (() => {
      try {
        parseCoverage('[[0,999],[5000,"5999"]]', where);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(BatchJobError);
    expect((error as BatchJobError).code).toBe('COVERAGE_INVALID');
    expect((error as Error).message).toContain(`${where} is not a list of loaded time ranges (1.1: `);
    expect(() => parseCoverage('[[10,5]]', where)).toThrow(/0: a range must not end before it starts/);
    expect(() => parseCoverage('{"from":0}', where)).toThrow(/\(\(root\): /);
    expect(() => parseCoverage('[[0,', where)).toThrow(/\(not JSON\)/);
  });
});

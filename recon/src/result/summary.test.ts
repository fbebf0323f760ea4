import { describe, expect, it } from 'vitest';
import { rowCountText } from './summary.js';

describe('the row count detail', () => {
  it('says in words which side has more rows, never a signed number', () => {
    expect(rowCountText(-900)).toBe('target has 900 fewer rows');
    expect(rowCountText(1_200_000)).toBe('target has 1,200,000 more rows');
    expect(rowCountText(-1)).toBe('target has 1 fewer row');
    expect(rowCountText(0)).toBe('source and target have the same number of rows');
  });
});

import { describe, expect, it } from 'vitest';
import { backoffDelay } from './retry.js';

describe('backoffDelay (full jitter)', () => {
  it('draws uniformly below min(max, base * 2^attempt): 0 at the lowest draw, the ceiling minus one at the highest', () => {
    const high = (): number => 1 - Number.EPSILON;
    expect(backoffDelay(0, 50, 5_000, () => 0)).toBe(0);
    expect(backoffDelay(0, 50, 5_000, high)).toBe(49);
    expect(backoffDelay(3, 50, 5_000, high)).toBe(399);
    expect(backoffDelay(3, 50, 5_000, () => 0.5)).toBe(200);
    // Capped at maxMs, also for very large attempt numbers.
    expect(backoffDelay(7, 50, 5_000, high)).toBe(4_999);
    expect(backoffDelay(1_000, 50, 5_000, high)).toBe(4_999);
    expect(backoffDelay(1_000, 50, 5_000, () => 0)).toBe(0);
  });

  it('with Math.random stays within [0, ceiling) and actually spreads (no two clients retry in lockstep)', () => {
    for (const attempt of [0, 2, 5, 12]) {
      const ceiling = Math.min(2_000, 20 * 2 ** attempt);
      const draws = Array.from({ length: 500 }, () => backoffDelay(attempt, 20, 2_000));
      expect(draws.every((d) => Number.isInteger(d) && d >= 0 && d < ceiling)).toBe(true);
      expect(new Set(draws).size).toBeGreaterThan(5);
      expect(Math.max(...draws)).toBeGreaterThan(ceiling / 2);
    }
  });
});

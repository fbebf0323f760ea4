import { describe, expect, it } from 'vitest';
import { GapDetector } from './gap-detector.js';
import { RecentIds } from './recent-ids.js';

describe('RecentIds', () => {
  it('drops an id seen recently for the same symbol and keeps symbols apart', () => {
    const seen = new RecentIds(3);
    expect(seen.add('BTC-USDT', 1)).toBe(true);
    expect(seen.add('BTC-USDT', 1)).toBe(false);
    expect(seen.add('ETH-USDT', 1)).toBe(true);
  });

  it('forgets the oldest id once capacity is reached', () => {
    const seen = new RecentIds(2);
    for (const id of [1, 2, 3]) seen.add('S', id);
    expect(seen.add('S', 1)).toBe(true);
    expect(seen.add('S', 3)).toBe(false);
  });
});

describe('GapDetector', () => {
  it('counts the ids skipped between two trades', () => {
    const g = new GapDetector();
    expect(g.observe('S', 10)).toEqual({ kind: 'first' });
    expect(g.observe('S', 11)).toEqual({ kind: 'in-order' });
    expect(g.observe('S', 15)).toEqual({ kind: 'gap', missing: 3, after: 11 });
    expect(g.observe('S', 11)).toEqual({ kind: 'out-of-order' });
    expect(g.observe('S', 16)).toEqual({ kind: 'in-order' });
  });

  it('reports an id counted missing that arrives late as filled, once', () => {
    const g = new GapDetector();
    g.observe('S', 10);
    g.observe('S', 15);
    expect(g.missing('S')).toBe(4);
    expect(g.observe('S', 12)).toEqual({ kind: 'filled' });
    expect(g.observe('S', 12)).toEqual({ kind: 'out-of-order' });
    expect(g.observe('S', 11)).toEqual({ kind: 'filled' });
    expect(g.observe('S', 14)).toEqual({ kind: 'filled' });
    expect(g.missing('S')).toBe(1);
    expect(g.observe('S', 13)).toEqual({ kind: 'filled' });
    expect(g.missing('S')).toBe(0);
  });

  it('counts trades a heartbeat announced as filled when they arrive after it', () => {
    const g = new GapDetector();
    g.observe('S', 5);
    expect(g.heartbeat('S', 7)).toBe(2);
    expect(g.observe('S', 6)).toEqual({ kind: 'filled' });
    expect(g.observe('S', 7)).toEqual({ kind: 'filled' });
    expect(g.observe('S', 8)).toEqual({ kind: 'in-order' });
  });

  it('notices trades missed in a quiet market from a heartbeat', () => {
    const g = new GapDetector();
    expect(g.heartbeat('S', 5)).toBe(0);
    g.observe('S', 5);
    expect(g.heartbeat('S', 5)).toBe(0);
    expect(g.heartbeat('S', 8)).toBe(3);
    expect(g.observe('S', 9)).toEqual({ kind: 'in-order' });
  });
});

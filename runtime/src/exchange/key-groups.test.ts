import { describe, expect, it } from 'vitest';
import { keyGroupOf, murmur3, taskOfKey, taskOfKeyGroup } from './key-groups.js';

describe('key groups', () => {
  it('hashes keys the same way in every process and version (checkpointed state depends on it)', () => {
    const golden = ['BTC-USDT|binance', 'ETH-USDT|coinbase', 'é', '', 42, -7].map((k) => keyGroupOf(k, 128));
    expect(golden).toMatchInlineSnapshot(`
      [
        60,
        16,
        127,
        0,
        92,
        99,
      ]
    `);
    expect(murmur3('BTC-USDT')).toBe(murmur3('BTC-USDT'));
    expect(murmur3('BTC-USDT')).not.toBe(murmur3('BTC-USDU'));
  });

  it('gives each task a contiguous range of key groups, every group to exactly one task', () => {
    const owners = Array.from({ length: 128 }, (_, g) => taskOfKeyGroup(g, 3, 128));
    expect(owners).toEqual([...owners].sort((a, b) => a - b));
    expect(new Set(owners)).toEqual(new Set([0, 1, 2]));
  });

  it('spreads keys evenly enough over two tasks', () => {
    const counts = [0, 0];
    for (let i = 0; i < 10_000; i++) counts[taskOfKey(`auction-${i}`, 2)]!++;
    for (let i = 0; i < 10_000; i++) counts[taskOfKey(i, 2)]!++;
    expect(Math.min(...counts) / Math.max(...counts)).toBeGreaterThan(0.9);
  });
});

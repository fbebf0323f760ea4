import { describe, expect, it } from 'vitest';
import { murmur3Hash, murmur3HashLong } from './murmur3.js';

describe('murmur3 (spec Appendix B test values)', () => {
  it('hashes ints and longs identically, as the spec requires for type promotion', () => {
    expect(murmur3HashLong(34)).toBe(2017239379);
    expect(murmur3HashLong(34n)).toBe(2017239379);
  });

  it('hashes dates as their day number', () => {
    const days = Date.UTC(2017, 10, 16) / 86_400_000;
    expect(murmur3HashLong(days)).toBe(-653330422);
  });

  it('hashes timestamps as microseconds from the epoch', () => {
    const micros = BigInt(Date.UTC(2017, 10, 16, 22, 31, 8)) * 1000n;
    expect(murmur3HashLong(micros)).toBe(-2047944441);
    expect(murmur3HashLong(micros + 1n)).toBe(-1207196810);
  });

  it('hashes strings as their UTF-8 bytes and binary as is', () => {
    expect(murmur3Hash(new TextEncoder().encode('iceberg'))).toBe(1210000089);
    expect(murmur3Hash(Uint8Array.of(0, 1, 2, 3))).toBe(-188683207);
  });
});

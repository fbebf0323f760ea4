/**
 * 32-bit Murmur3, x86 variant, seed 0: the hash the Iceberg spec prescribes for `bucket[N]`
 * (Appendix B). Written from the published algorithm; results are checked against the spec's
 * test values in `murmur3.test.ts`.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function rotl32(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** Murmur3 x86_32 of the bytes with seed 0, as a signed 32-bit integer (Java's `int`). */
export function murmur3Hash(bytes: Uint8Array, seed = 0): number {
  const len = bytes.length;
  const blocks = len >>> 2;
  let h = seed | 0;
  for (let i = 0; i < blocks; i++) {
    const o = i * 4;
    let k = bytes[o]! | (bytes[o + 1]! << 8) | (bytes[o + 2]! << 16) | (bytes[o + 3]! << 24) | 0;
    k = Math.imul(k, C1);
    k = rotl32(k, 15);
    k = Math.imul(k, C2);
    h ^= k;
    h = rotl32(h, 13);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = blocks * 4;
  const rem = len & 3;
  if (rem > 0) {
    let k = 0;
    if (rem === 3) k ^= bytes[tail + 2]! << 16;
    if (rem >= 2) k ^= bytes[tail + 1]! << 8;
    k ^= bytes[tail]!;
    k = Math.imul(k, C1);
    k = rotl32(k, 15);
    k = Math.imul(k, C2);
    h ^= k;
  }
  h ^= len;
  return fmix32(h) | 0;
}

const longBuffer = new DataView(new ArrayBuffer(8));

/** Hash of a long as its 8 little-endian bytes; ints hash the same way (spec: `hashLong(long(v))`). */
export function murmur3HashLong(value: bigint | number): number {
  longBuffer.setBigInt64(0, BigInt(value), true);
  return murmur3Hash(new Uint8Array(longBuffer.buffer.slice(0)));
}

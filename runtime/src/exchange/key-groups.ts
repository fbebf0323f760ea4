import type { KeyValue } from '../types.js';

/**
 * Key groups, as in Flink: a key hashes (MurmurHash3) into one of `maxParallelism` key groups,
 * and each keyed task owns a contiguous range of groups. State is redistributed by key group, so
 * a job can restore with another parallelism (up to `maxParallelism`) without losing keys.
 */
export const DEFAULT_MAX_PARALLELISM = 128;

/**
 * MurmurHash3 (x86, 32 bit) over a string's UTF-16 code units, two to a 32-bit block. Stable
 * across processes and versions: it decides which task owns a key's state in checkpoints.
 */
export function murmur3(text: string, seed = 0): number {
  let h = seed >>> 0;
  const n = text.length;
  const blocks = n >> 1;
  for (let i = 0; i < blocks; i++) {
    let k = (text.charCodeAt(2 * i) | (text.charCodeAt(2 * i + 1) << 16)) >>> 0;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if ((n & 1) === 1) {
    let k = text.charCodeAt(n - 1);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
  }
  h ^= n * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3's finalizer over a 32-bit integer: the hash of a whole-number key. */
function mixInt(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The key group of a key: for a whole number in the 32-bit range, MurmurHash3's finalizer over
 * it; for any other key, `murmur3(String(key))`; then `mod maxParallelism`.
 */
export function keyGroupOf(key: KeyValue, maxParallelism: number): number {
  if (typeof key === 'number' && (key | 0) === key) return mixInt(key) % maxParallelism;
  return murmur3(typeof key === 'string' ? key : String(key)) % maxParallelism;
}

/** The task (0-based) owning a key group: contiguous ranges, Flink's `keyGroup * parallelism / maxParallelism`. */
export function taskOfKeyGroup(keyGroup: number, parallelism: number, maxParallelism: number): number {
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}

/** The keyed task (0-based) that owns a key's state for a given parallelism. */
export function taskOfKey(key: KeyValue, parallelism: number, maxParallelism = DEFAULT_MAX_PARALLELISM): number {
  return taskOfKeyGroup(keyGroupOf(key, maxParallelism), parallelism, maxParallelism);
}

import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import { quoteIdent } from './sql-text.js';

/**
 * Above this many keys a `unique` rule is screened inside DuckDB (which can spill to disk) rather
 * than in this process, whose screen holds about 10 bytes per key: ~250 MB at the limit.
 */
export const SCREEN_MAX_KEYS = 25_000_000;

/**
 * Up to this many keys the hashes come from one materialized result, read without an asynchronous
 * fetch per 2 048 rows, which DuckDB holds while the screen reads it (~11 bytes per key: with the
 * screen's ~10, ~250 MB at this limit); above it they are streamed, and only the screen holds them.
 */
export const MATERIALIZE_MAX_KEYS = 12_000_000;

/** 2^8 partitions of the hashes by their top bits: each one's set stays small enough for the CPU caches. */
const PARTITION_BITS = 8;

/**
 * What the screen of a `unique` rule saw: every key hashed to a different 64-bit value (`distinct`:
 * no duplicate, proved), two rows share a hash (`candidate`: a duplicate or, rarely, a collision
 * of distinct keys, which the exact count settles), or more keys than the screen holds (`too_many`).
 */
export type ScreenOutcome = 'distinct' | 'candidate' | 'too_many';

/**
 * The 64-bit hashes of a dataset's keys, as (low, high) 32-bit word pairs appended to one buffer per
 * partition; {@link HashScreen.hasEqualPair} then looks for two equal hashes one partition at a time.
 * Two passes over small buffers cost a fraction of one pass of random probes into a table of every
 * key, which misses the caches on each insert.
 */
export class HashScreen {
  private readonly parts: Uint32Array[];
  private readonly fill: Int32Array;
  /** Keys added so far. */
  count = 0;

  /** `expectedKeys` sizes the buffers; more keys still fit (the buffers grow). */
  constructor(expectedKeys: number) {
    const partitions = 1 << PARTITION_BITS;
    // Random hashes spread evenly: 20 % headroom over the mean makes growing rare.
    const words = Math.max(64, Math.ceil((expectedKeys / partitions) * 1.2)) * 2;
    this.parts = Array.from({ length: partitions }, () => new Uint32Array(words));
    this.fill = new Int32Array(partitions);
  }

  /** Adds hashes given as little-endian word pairs (a `BigUint64Array`'s bytes, no per-value conversion). */
  add(words: Uint32Array): void {
    const { parts, fill } = this;
    const shift = 32 - PARTITION_BITS;
    for (let i = 0; i < words.length; i += 2) {
      const high = words[i + 1]!;
      const p = high >>> shift;
      let buffer = parts[p]!;
      const at = fill[p]!;
      if (at === buffer.length) {
        const grown = new Uint32Array(buffer.length * 2);
        grown.set(buffer);
        parts[p] = buffer = grown;
      }
      buffer[at] = words[i]!;
      buffer[at + 1] = high;
      fill[p] = at + 2;
    }
    this.count += words.length / 2;
  }

  /** True when two added hashes are equal. */
  hasEqualPair(): boolean {
    let largest = 0;
    for (const words of this.fill) largest = Math.max(largest, words);
    // Open addressing with linear probing, load factor ≤ 0.5; the pair (0, 0) marks an empty slot,
    // so the hash 0 is tracked on its own.
    let slots = 16;
    while (slots < largest) slots *= 2;
    const table = new Uint32Array(slots * 2);
    for (let p = 0; p < this.parts.length; p++) {
      const buffer = this.parts[p]!;
      const words = this.fill[p]!;
      let size = 16;
      while (size < words) size *= 2;
      const mask = size - 1;
      table.fill(0, 0, size * 2);
      let zeroSeen = false;
      for (let i = 0; i < words; i += 2) {
        const low = buffer[i]!;
        const high = buffer[i + 1]!;
        if ((low | high) === 0) {
          if (zeroSeen) return true;
          zeroSeen = true;
          continue;
        }
        // The partition fixed the top bits; the low word's bits are as random as the hash.
        let slot = low & mask;
        for (;;) {
          const a = table[2 * slot]!;
          const b = table[2 * slot + 1]!;
          if ((a | b) === 0) {
            table[2 * slot] = low;
            table[2 * slot + 1] = high;
            break;
          }
          if (a === low && b === high) return true;
          slot = (slot + 1) & mask;
        }
      }
    }
    return false;
  }
}

/** Options of {@link screenDuplicates}. */
export interface ScreenOptions {
  /** Most keys screened in this process. @default SCREEN_MAX_KEYS */
  maxKeys?: number;
  /** Most keys whose hashes are read from a materialized result rather than streamed. @default MATERIALIZE_MAX_KEYS */
  materializeMaxKeys?: number;
  /** SQL giving each row's UBIGINT hash of its key. @default DuckDB's `hash()` of the key columns */
  keyHash?: string;
}

/**
 * Screens a `unique` key for duplicates: DuckDB computes each row's 64-bit `hash()` of the key
 * (NULL keys hash alike, as `PARTITION BY` groups them) and the hashes are compared here, read
 * straight from the result's vectors; up to {@link MATERIALIZE_MAX_KEYS} keys from one materialized
 * result, chunk by chunk without waiting on DuckDB between chunks (a streamed result costs an
 * asynchronous fetch per 2 048 rows). Equal keys have equal hashes, so `distinct` proves the key
 * unique; `candidate` only says the exact count must run.
 */
export async function screenDuplicates(
  connection: DuckDBConnection,
  from: string,
  columns: readonly string[],
  expectedKeys: number,
  options: ScreenOptions = {},
): Promise<ScreenOutcome> {
  const maxKeys = options.maxKeys ?? SCREEN_MAX_KEYS;
  if (expectedKeys > maxKeys) return 'too_many';
  const keyHash = options.keyHash ?? `hash(${columns.map(quoteIdent).join(', ')})`;
  const sql = `SELECT ${keyHash} FROM ${from}`;
  const screen = new HashScreen(expectedKeys);
  const add = (chunk: DuckDBDataChunk): void => {
    // hash() is UBIGINT and never NULL: the vector's data are the hashes, read in place as words.
    const bytes = duckdb.vector_get_data(duckdb.data_chunk_get_vector(chunk.chunk, 0), chunk.rowCount * 8);
    screen.add(new Uint32Array(bytes.buffer, bytes.byteOffset, chunk.rowCount * 2));
  };
  if (expectedKeys <= (options.materializeMaxKeys ?? MATERIALIZE_MAX_KEYS)) {
    const result = await connection.run(sql);
    if (result.rowCount > maxKeys) return 'too_many';
    for (let i = 0; i < result.chunkCount; i++) add(result.getChunk(i));
  } else {
    const result = await connection.stream(sql);
    for (
      let chunk = await result.fetchChunk();
      chunk !== null && chunk.rowCount > 0;
      chunk = await result.fetchChunk()
    ) {
      add(chunk);
      if (screen.count > maxKeys) return 'too_many';
    }
  }
  return screen.hasEqualPair() ? 'candidate' : 'distinct';
}

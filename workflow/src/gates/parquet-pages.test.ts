import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuck, type DuckFixture } from '../../test/duck.js';
import { chunkDictionary, decompress, plainIntegers, plainStrings } from './parquet-pages.js';

let duck: DuckFixture;
beforeAll(async () => {
  duck = await openDuck();
});
afterAll(() => duck.close());

// A Thrift compact-protocol writer for page headers, to build the pages a reader must refuse.
type Field =
  | [number, 'i32' | 'i64', number]
  | [number, 'bin', number[]]
  | [number, 'struct', Field[]]
  | [number, 'true' | 'false' | 'double'];
const TYPE = { true: 1, false: 2, i32: 5, i64: 6, double: 7, bin: 8, struct: 12 } as const;
const varint = (v: number): number[] => (v < 128 ? [v] : [(v % 128) | 128, ...varint(Math.floor(v / 128))]);
const zigzag = (v: number) => (v >= 0 ? 2 * v : -2 * v - 1);
function struct(fields: Field[]): number[] {
  const out: number[] = [];
  let last = 0;
  for (const field of fields) {
    const [id, kind] = field;
    const delta = id - last;
    out.push(...(delta > 0 && delta <= 15 ? [(delta << 4) | TYPE[kind]] : [TYPE[kind], ...varint(zigzag(id))]));
    last = id;
    if (field[1] === 'i32' || field[1] === 'i64') out.push(...varint(zigzag(field[2])));
    else if (field[1] === 'bin') out.push(...varint(field[2].length), ...field[2]);
    else if (field[1] === 'struct') out.push(...struct(field[2]));
    else if (field[1] === 'double') out.push(0, 0, 0, 0, 0, 0, 0, 0);
  }
  return [...out, 0];
}
/** A page: its header (type, sizes, sub-header in field `slot`) and its data. */
function page(type: number, sub: Field[], data: number[], slot: number, extra: Field[] = []): number[] {
  const header: Field[] = [
    [1, 'i32', type],
    [2, 'i32', data.length],
    [3, 'i32', data.length],
    [slot, 'struct', sub],
    ...extra,
  ];
  return [...struct(header), ...data];
}
const plain = (...values: string[]) => values.flatMap((v) => [v.length, 0, 0, 0, ...Buffer.from(v)]);
const dictionaryPage = (values: string[], encoding = 0, extra: Field[] = []) =>
  page(
    2,
    [
      [1, 'i32', values.length],
      [2, 'i32', encoding],
      [3, 'false'],
    ],
    plain(...values),
    7,
    extra,
  );
const dataPage = (encoding: number) =>
  page(
    0,
    [
      [1, 'i32', 3],
      [2, 'i32', encoding],
    ],
    [1, 2, 3],
    5,
  );
const dataPageV2 = (encoding: number) =>
  page(
    3,
    [
      [1, 'i32', 3],
      [4, 'i32', encoding],
      [7, 'true'],
    ],
    [1, 2, 3],
    8,
    [[-3, 'i64', -5]],
  );

let files = 0;
/** Reads the dictionary of a chunk made of `bytes`, written to a file of its own. */
async function dictionaryOf(bytes: number[], codec = 'UNCOMPRESSED', length = bytes.length) {
  const path = join(duck.dir, `chunk-${files++}.bin`);
  await writeFile(path, Uint8Array.from(bytes));
  const file = await open(path, 'r');
  try {
    return await chunkDictionary(file, { start: 0, length, codec }, plainStrings);
  } finally {
    await file.close();
  }
}

describe('dictionary pages of Parquet column chunks', () => {
  it('lists the values a chunk can hold when every data page, v1 or v2, is dictionary-encoded', async () => {
    const chunk = [...dictionaryPage(['buy', 'sell']), ...dataPage(8), ...dataPageV2(2), ...dataPage(2)];
    expect(await dictionaryOf(chunk)).toEqual(['buy', 'sell']);
    // A header's long statistics (past the first 4 KiB read) are read too.
    const stats: Field = [5, 'struct', [[1, 'bin', Array.from({ length: 5000 }, () => 65)]]];
    expect(await dictionaryOf([...dictionaryPage(['a']), ...page(0, [[2, 'i32', 8], stats], [1], 5)])).toEqual(['a']);
  });

  it('proves nothing when some data page is not dictionary-encoded, or the chunk is not laid out as expected', async () => {
    const dictionary = dictionaryPage(['buy', 'sell']);
    expect(await dictionaryOf([...dictionary, ...dataPage(8), ...dataPage(0)])).toBeUndefined(); // PLAIN fallback page
    expect(await dictionaryOf([...dictionary, ...dataPageV2(0)])).toBeUndefined();
    expect(await dictionaryOf([...dictionary, ...page(1, [], [], 6)])).toBeUndefined(); // an index page
    expect(await dictionaryOf([...dictionary, ...page(0, [], [1], 8)])).toBeUndefined(); // no data page header
    expect(await dictionaryOf([...dataPage(0)])).toBeUndefined(); // no dictionary
    expect(await dictionaryOf(page(2, [[1, 'i32', 0]], [], 5))).toBeUndefined(); // no dictionary page header
    expect(await dictionaryOf(dictionaryPage(['a'], 2))).toBeUndefined(); // not a PLAIN dictionary
    // The footer's length ends inside a page: the walk overshoots it.
    const overshoot = [...dictionary, ...dataPage(8)];
    expect(await dictionaryOf(overshoot, 'UNCOMPRESSED', overshoot.length - 1)).toBeUndefined();
    expect(await dictionaryOf([...dictionary, ...dataPage(8)], 'LZ4_RAW')).toBeUndefined();
    // A dictionary whose bytes are not the size its header gives.
    const sizes: Field[] = [
      [1, 'i32', 2],
      [2, 'i32', 99],
      [3, 'i32', 5],
      [
        7,
        'struct',
        [
          [1, 'i32', 1],
          [2, 'i32', 0],
        ],
      ],
    ];
    expect(await dictionaryOf([...struct(sizes), ...plain('a')])).toBeUndefined();
  });

  it('refuses bytes that are not page headers', async () => {
    const huge: Field = [9, 'bin', Array.from({ length: 70_000 }, () => 65)];
    await expect(dictionaryOf(dictionaryPage(['a'], 0, [huge]))).rejects.toThrow('longer than 64 KiB');
    await expect(dictionaryOf(dictionaryPage(['a'], 0, [[9, 'double']]))).rejects.toThrow('type 7');
    await expect(dictionaryOf(struct([[1, 'i32', 2]]))).rejects.toThrow('without its size');
    const cut = dictionaryPage(['a']);
    await expect(dictionaryOf(cut.slice(0, 5))).rejects.toThrow('runs past');
    await expect(dictionaryOf([...struct([[1, 'bin', [1, 2, 3]]]).slice(0, 4)])).rejects.toThrow('runs past');
  });
});

describe('page decompression and PLAIN dictionaries', () => {
  const text = Buffer.from('buy sell buy sell');

  it('reads uncompressed, gzip and brotli pages as written, and no codec it does not know', () => {
    expect(decompress('UNCOMPRESSED', text, text.length)).toEqual(text);
    expect(Buffer.from(decompress('GZIP', gzipSync(text), text.length)!)).toEqual(text);
    expect(Buffer.from(decompress('BROTLI', brotliCompressSync(text), text.length)!)).toEqual(text);
    expect(decompress('LZ4_RAW', text, text.length)).toBeUndefined();
  });

  it('decodes exactly the strings the dictionary holds, byte for byte', () => {
    const bytes = Uint8Array.from([...plain('buy', ''), 4, 0, 0, 0, 0xef, 0xbb, 0xbf, 0x61]);
    expect(plainStrings(bytes, 3)).toEqual(['buy', '', '\ufeffa']); // a byte-order mark is part of the value
    expect(plainStrings(bytes, 2)).toBeUndefined(); // bytes left over
    expect(plainStrings(bytes, 4)).toBeUndefined(); // a length prefix missing
    expect(plainStrings(Uint8Array.from([9, 0, 0, 0, 0x61]), 1)).toBeUndefined(); // a value cut short
    expect(() => plainStrings(Uint8Array.from([1, 0, 0, 0, 0xff]), 1)).toThrow(); // not UTF-8
  });

  it('decodes INT32 and INT64 dictionaries as exact signed integers, past 2^53 included', () => {
    const int32 = Buffer.alloc(12);
    [-7, 0, 2147483647].forEach((v, i) => int32.writeInt32LE(v, i * 4));
    expect(plainIntegers(int32, 3, 4)).toEqual([-7n, 0n, 2147483647n]);
    const int64 = Buffer.alloc(16);
    [-(2n ** 63n), 2n ** 53n + 1n].forEach((v, i) => int64.writeBigInt64LE(v, i * 8));
    expect(plainIntegers(int64, 2, 8)).toEqual([-(2n ** 63n), 9007199254740993n]);
    // A page read from the middle of a buffer decodes from its own first byte.
    expect(plainIntegers(Buffer.concat([Buffer.from([1]), int32]).subarray(1), 3, 4)).toEqual([-7n, 0n, 2147483647n]);
    expect(plainIntegers(int32, 2, 4)).toBeUndefined(); // bytes left over
    expect(plainIntegers(int64, 3, 8)).toBeUndefined(); // values missing
    expect(plainIntegers(int32, 2, 8)).toBeUndefined(); // 12 bytes hold no two INT64 values
  });
});

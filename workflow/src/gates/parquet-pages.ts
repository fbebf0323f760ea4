import type { FileHandle } from 'node:fs/promises';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { snappyUncompress } from 'hyparquet';

/** A field of a Thrift struct as a page header holds it: a number, a flag, bytes or a nested struct. */
type ThriftValue = number | boolean | Uint8Array | ThriftStruct;
type ThriftStruct = Map<number, ThriftValue>;

/**
 * Reads the Thrift compact protocol of Parquet page headers. Only the field types a page header
 * uses (flags, 32- and 64-bit integers, binary, structs) are read; any other type throws, and a
 * header not understood proves nothing.
 */
class CompactReader {
  offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  private byte(): number {
    if (this.offset >= this.bytes.length) throw new RangeError('the page header runs past the bytes read');
    return this.bytes[this.offset++]!;
  }

  private varint(): number {
    let value = 0;
    for (let scale = 1; ; scale *= 128) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
    }
  }

  private zigzag(): number {
    const v = this.varint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  private value(type: number): ThriftValue {
    switch (type) {
      case 1:
      case 2:
        return type === 1; // a struct's flag lives in its field header
      case 5:
      case 6:
        return this.zigzag();
      case 8: {
        const length = this.varint();
        if (this.offset + length > this.bytes.length) throw new RangeError('the page header runs past the bytes read');
        this.offset += length;
        return this.bytes.subarray(this.offset - length, this.offset);
      }
      case 12:
        return this.struct();
      default:
        throw new TypeError(`Thrift field type ${type} is not one a page header uses`);
    }
  }

  struct(): ThriftStruct {
    const fields: ThriftStruct = new Map();
    for (let id = 0; ;) {
      const head = this.byte();
      if (head === 0) return fields;
      id = head >> 4 === 0 ? this.zigzag() : id + (head >> 4);
      fields.set(id, this.value(head & 0x0f));
    }
  }
}

/** Parquet page types and the encodings of dictionary-encoded data pages (parquet.thrift). */
const DATA_PAGE = 0;
const DICTIONARY_PAGE = 2;
const DATA_PAGE_V2 = 3;
const PLAIN = 0;
const DICTIONARY_ENCODINGS = new Set([2, 8]); // PLAIN_DICTIONARY, RLE_DICTIONARY

/** Where a column chunk lies in its file, from the footer. */
export interface ChunkLocation {
  /** Offset of the chunk's first page (its dictionary page, if it has one). */
  readonly start: number;
  /** Bytes of all its pages, headers included (`total_compressed_size`). */
  readonly length: number;
  /** The chunk's codec as DuckDB names it (`SNAPPY`, `GZIP`, …). */
  readonly codec: string;
}

interface Page {
  readonly header: ThriftStruct;
  /** Offset of the page's data, just after its header. */
  readonly dataAt: number;
  readonly next: number;
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/** Reads the page header at `at`: a small read first, a larger one for headers with long statistics. */
async function pageAt(file: FileHandle, at: number, end: number): Promise<Page> {
  for (const window of [4096, 65536]) {
    const reader = new CompactReader(await readAt(file, at, Math.min(window, end - at)));
    try {
      const header = reader.struct();
      const size = header.get(3);
      if (typeof size !== 'number' || size < 0) throw new TypeError('a page header without its size');
      const dataAt = at + reader.offset;
      return { header, dataAt, next: dataAt + size };
    } catch (error) {
      if (!(error instanceof RangeError) || window >= end - at) throw error;
    }
  }
  throw new RangeError('a page header longer than 64 KiB');
}

/** A page's bytes as written, decompressed; undefined for a codec read here only through DuckDB. */
export function decompress(codec: string, bytes: Uint8Array, size: number): Uint8Array | undefined {
  switch (codec) {
    case 'UNCOMPRESSED':
      return bytes;
    case 'SNAPPY': {
      const out = new Uint8Array(size);
      snappyUncompress(bytes, out);
      return out;
    }
    case 'GZIP':
      return gunzipSync(bytes);
    case 'BROTLI':
      return brotliDecompressSync(bytes);
    case 'ZSTD':
      return zstdDecompress(bytes, new Uint8Array(size));
    default:
      return undefined;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The strings of a PLAIN-encoded dictionary of byte arrays, or undefined when the bytes do not hold exactly `count`. */
export function plainStrings(bytes: Uint8Array, count: number): string[] | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values: string[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 4 > bytes.length) return undefined;
    const length = view.getUint32(at, true);
    if (at + 4 + length > bytes.length) return undefined;
    values.push(utf8.decode(bytes.subarray(at + 4, at + 4 + length)));
    at += 4 + length;
  }
  return at === bytes.length ? values : undefined;
}

/**
 * The integers of a PLAIN-encoded dictionary of INT32 (`width` 4) or INT64 (`width` 8) values,
 * little-endian and signed, as exact big integers; undefined when the bytes do not hold exactly `count`.
 */
export function plainIntegers(bytes: Uint8Array, count: number, width: 4 | 8): bigint[] | undefined {
  if (bytes.length !== count * width) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values: bigint[] = [];
  for (let at = 0; at < bytes.length; at += width)
    values.push(width === 4 ? BigInt(view.getInt32(at, true)) : view.getBigInt64(at, true));
  return values;
}

/** Decodes a PLAIN dictionary page's bytes holding `count` values, or undefined when they do not. */
export type PlainDecoder<T> = (bytes: Uint8Array, count: number) => T[] | undefined;

/**
 * Every value a column chunk can hold, from its dictionary page alone, decoded by `decode`: defined
 * only when the chunk starts with a PLAIN dictionary page and every data page after it is
 * dictionary-encoded, so each row's value is an entry of that dictionary (or null). Walks the page
 * headers from the footer's offsets to the chunk's end, reading no data page. Undefined for anything
 * else (a PLAIN data page, no dictionary, an index page, a codec not read here); throws on bytes
 * that are not page headers.
 */
export async function chunkDictionary<T>(
  file: FileHandle,
  chunk: ChunkLocation,
  decode: PlainDecoder<T>,
): Promise<T[] | undefined> {
  const end = chunk.start + chunk.length;
  const first = await pageAt(file, chunk.start, end);
  const dictionary = first.header.get(7);
  if (first.header.get(1) !== DICTIONARY_PAGE || !(dictionary instanceof Map) || dictionary.get(2) !== PLAIN)
    return undefined;
  for (let at = first.next; at !== end;) {
    if (at > end) return undefined;
    const { header, next } = await pageAt(file, at, end);
    const type = header.get(1);
    const data = header.get(type === DATA_PAGE ? 5 : 8);
    if ((type !== DATA_PAGE && type !== DATA_PAGE_V2) || !(data instanceof Map)) return undefined;
    if (!DICTIONARY_ENCODINGS.has(data.get(type === DATA_PAGE ? 2 : 4) as number)) return undefined;
    at = next;
  }
  const size = Number(first.header.get(2));
  const bytes = decompress(chunk.codec, await readAt(file, first.dataAt, first.next - first.dataAt), size);
  if (bytes?.length !== size) return undefined;
  return decode(bytes, Number(dictionary.get(1)));
}

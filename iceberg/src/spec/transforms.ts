import { IcebergUsageError } from '../errors.js';
import { decimalOf, type IcebergType } from '../schema/types.js';
import { murmur3Hash, murmur3HashLong } from './murmur3.js';
import { toBinary, type IcebergValue } from './values.js';

/** A parsed partition transform (spec: Partition Transforms). */
export type Transform =
  | { kind: 'identity' }
  | { kind: 'bucket'; n: number }
  | { kind: 'truncate'; width: number }
  | { kind: 'year' }
  | { kind: 'month' }
  | { kind: 'day' }
  | { kind: 'hour' }
  | { kind: 'void' }
  | { kind: 'unknown'; text: string };

/** Parses a transform string such as `bucket[16]` or `day`; unknown transforms are kept, as readers must ignore them. */
export function parseTransform(text: string): Transform {
  const m = /^(bucket|truncate)\[\s*(\d+)\s*\]$/.exec(text);
  if (m) return m[1] === 'bucket' ? { kind: 'bucket', n: Number(m[2]) } : { kind: 'truncate', width: Number(m[2]) };
  switch (text) {
    case 'identity':
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
    case 'void':
      return { kind: text };
    default:
      return { kind: 'unknown', text };
  }
}

/** The transform's JSON string. */
export function transformToString(t: Transform): string {
  if (t.kind === 'bucket') return `bucket[${t.n}]`;
  if (t.kind === 'truncate') return `truncate[${t.width}]`;
  if (t.kind === 'unknown') return t.text;
  return t.kind;
}

/** The type of partition values a transform produces from a source type. */
export function transformResultType(t: Transform, source: IcebergType): IcebergType {
  switch (t.kind) {
    case 'identity':
    case 'truncate':
    case 'void':
    case 'unknown':
      return source;
    case 'bucket':
    case 'year':
    case 'month':
    case 'hour':
      return 'int';
    case 'day':
      return 'date';
  }
}

const MICROS_PER_HOUR = 3_600_000_000n;
const MICROS_PER_DAY = 86_400_000_000n;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function toDays(source: IcebergType, v: IcebergValue): number {
  if (source === 'date') return Number(v);
  let micros = BigInt(v as bigint);
  if (source === 'timestamp_ns' || source === 'timestamptz_ns') micros = floorDiv(micros, 1000n);
  return Number(floorDiv(micros, MICROS_PER_DAY));
}

function yearMonth(days: number): [number, number] {
  const d = new Date(days * 86_400_000);
  return [d.getUTCFullYear(), d.getUTCMonth()];
}

function hashValue(source: IcebergType, v: IcebergValue): number {
  switch (source) {
    case 'int':
    case 'long':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return murmur3HashLong(v as bigint | number);
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return murmur3HashLong(floorDiv(BigInt(v as bigint), 1000n));
    default:
      // string, uuid, binary, fixed, decimal: the single-value bytes are exactly what the spec hashes
      return murmur3Hash(toBinary(source, v));
  }
}

function truncateValue(source: IcebergType, width: number, v: IcebergValue): IcebergValue {
  if (source === 'int') {
    const n = v as number;
    return n - (((n % width) + width) % width);
  }
  if (source === 'long' || decimalOf(source)) {
    const n = BigInt(v as bigint);
    const w = BigInt(width);
    return n - (((n % w) + w) % w);
  }
  if (source === 'string')
    return Array.from(v as string)
      .slice(0, width)
      .join('');
  if (source === 'binary') return (v as Uint8Array).subarray(0, width);
  throw new IcebergUsageError(`truncate[${width}] does not apply to ${JSON.stringify(source)}`);
}

/** Applies a transform to a value (null in → null out). */
export function applyTransform(t: Transform, source: IcebergType, v: IcebergValue | null): IcebergValue | null {
  if (v === null) return null;
  switch (t.kind) {
    case 'identity':
      return v;
    case 'void':
      return null;
    case 'bucket':
      return (hashValue(source, v) & 0x7fffffff) % t.n;
    case 'truncate':
      return truncateValue(source, t.width, v);
    case 'day':
      return toDays(source, v);
    case 'hour': {
      let micros = BigInt(v as bigint);
      if (source === 'timestamp_ns' || source === 'timestamptz_ns') micros = floorDiv(micros, 1000n);
      return Number(floorDiv(micros, MICROS_PER_HOUR));
    }
    case 'month': {
      const [y, m] = yearMonth(toDays(source, v));
      return (y - 1970) * 12 + m;
    }
    case 'year':
      return yearMonth(toDays(source, v))[0] - 1970;
    case 'unknown':
      throw new IcebergUsageError(`cannot write with unknown transform '${t.text}'`);
  }
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Human-readable partition value for paths, as Java writes it (`2026-11-21`, `2026-11-21-13`). */
export function partitionValueToPath(t: Transform, v: IcebergValue | null): string {
  if (v === null) return 'null';
  if (t.kind === 'day') {
    const d = new Date(Number(v) * 86_400_000);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  }
  if (t.kind === 'hour') {
    const d = new Date(Number(v) * 3_600_000);
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}-${pad(d.getUTCHours())}`;
  }
  if (t.kind === 'month') return `${1970 + Math.floor(Number(v) / 12)}-${pad((Number(v) % 12) + 1)}`;
  if (t.kind === 'year') return String(1970 + Number(v));
  return encodeURIComponent(v instanceof Uint8Array ? Buffer.from(v).toString('hex') : String(v));
}

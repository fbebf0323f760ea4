import { IcebergUsageError } from '../errors.js';
import { decimalOf, fixedLengthOf, type IcebergType } from '../schema/types.js';

/**
 * A value of a primitive Iceberg type as this library passes it around:
 * `boolean`; `int`/`date` → number (date = days from 1970-01-01); `long`/`time`/`timestamp`/
 * `timestamptz` → bigint (timestamps in microseconds from the epoch; numbers and `Date` are
 * accepted on input); `float`/`double` → number; `string`/`uuid` → string; `binary`/`fixed` →
 * Uint8Array; `decimal(P,S)` → bigint unscaled value.
 */
export type IcebergValue = boolean | number | bigint | string | Uint8Array;

const MICROS_TYPES = new Set(['long', 'time', 'timestamp', 'timestamptz']);

function badValue(type: string, column: string, value: unknown): never {
  throw new IcebergUsageError(`column '${column}' (${type}) cannot take a ${typeof value} value`);
}

/** Normalizes an input value to the representation of {@link IcebergValue} for the type; null stays null. */
export function normalizeValue(type: IcebergType, value: unknown, column: string): IcebergValue | null {
  if (value === null || value === undefined) return null;
  if (typeof type !== 'string')
    throw new IcebergUsageError(`column '${column}': nested types are not supported by the writer`);
  // Hot path (called per value): plain checks, no closures.
  switch (type) {
    case 'string':
    case 'uuid':
      return typeof value === 'string' ? value : badValue(type, column, value);
    case 'double':
    case 'float':
      return typeof value === 'number' ? value : badValue(type, column, value);
    case 'boolean':
      return typeof value === 'boolean' ? value : badValue(type, column, value);
    case 'int':
    case 'date':
      return typeof value === 'number' && Number.isInteger(value) ? value : badValue(type, column, value);
    case 'binary':
      return value instanceof Uint8Array ? value : badValue(type, column, value);
  }
  if (MICROS_TYPES.has(type)) {
    if (typeof value === 'bigint') return value;
    if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
    if (value instanceof Date && type.startsWith('timestamp')) return BigInt(value.getTime()) * 1000n;
    return badValue(type, column, value);
  }
  if (fixedLengthOf(type) !== undefined) return value instanceof Uint8Array ? value : badValue(type, column, value);
  if (decimalOf(type)) return typeof value === 'bigint' ? value : badValue(type, column, value);
  return badValue(type, column, value);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function minBigEndian(unscaled: bigint): Uint8Array {
  const bytes: number[] = [];
  let v = unscaled;
  for (;;) {
    bytes.unshift(Number(v & 0xffn));
    const rest = v >> 8n;
    const signBit = (bytes[0]! & 0x80) !== 0;
    if ((rest === 0n && !signBit) || (rest === -1n && signBit)) break;
    v = rest;
  }
  return Uint8Array.from(bytes);
}

function uuidBytes(uuid: string): Uint8Array {
  const hex = uuid.replace(/-/g, '');
  return Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}

/** Binary single-value serialization (spec Appendix D), used for bounds in manifests and manifest lists. */
export function toBinary(type: IcebergType, value: IcebergValue): Uint8Array {
  const view = (size: number): [Uint8Array, DataView] => {
    const out = new Uint8Array(size);
    return [out, new DataView(out.buffer)];
  };
  if (typeof type !== 'string') throw new IcebergUsageError('nested types have no single-value serialization');
  switch (type) {
    case 'boolean':
      return Uint8Array.of(value ? 1 : 0);
    case 'int':
    case 'date': {
      const [out, dv] = view(4);
      dv.setInt32(0, Number(value), true);
      return out;
    }
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const [out, dv] = view(8);
      dv.setBigInt64(0, BigInt(value as bigint | number), true);
      return out;
    }
    case 'float': {
      const [out, dv] = view(4);
      dv.setFloat32(0, Number(value), true);
      return out;
    }
    case 'double': {
      const [out, dv] = view(8);
      dv.setFloat64(0, Number(value), true);
      return out;
    }
    case 'string':
      return encoder.encode(String(value));
    case 'uuid':
      return uuidBytes(String(value));
    case 'binary':
      return value as Uint8Array;
  }
  if (fixedLengthOf(type) !== undefined) return value as Uint8Array;
  if (decimalOf(type)) return minBigEndian(BigInt(value as bigint));
  throw new IcebergUsageError(`type ${type} has no single-value serialization`);
}

/** Inverse of {@link toBinary}. */
export function fromBinary(type: IcebergType, bytes: Uint8Array): IcebergValue {
  if (typeof type !== 'string') throw new IcebergUsageError('nested types have no single-value serialization');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Bounds written before a promotion (int → long, float → double) keep their narrower width.
  if (type === 'long' && bytes.length === 4) return BigInt(dv.getInt32(0, true));
  if (type === 'double' && bytes.length === 4) return dv.getFloat32(0, true);
  switch (type) {
    case 'boolean':
      return bytes[0] !== 0;
    case 'int':
    case 'date':
      return dv.getInt32(0, true);
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return dv.getBigInt64(0, true);
    case 'float':
      return dv.getFloat32(0, true);
    case 'double':
      return dv.getFloat64(0, true);
    case 'string':
      return decoder.decode(bytes);
    case 'uuid': {
      const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    }
    case 'binary':
      return bytes;
  }
  if (fixedLengthOf(type) !== undefined) return bytes;
  if (decimalOf(type)) {
    let v = 0n;
    for (const b of bytes) v = (v << 8n) | BigInt(b);
    const bits = BigInt(bytes.length * 8);
    return bytes.length > 0 && (bytes[0]! & 0x80) !== 0 ? v - (1n << bits) : v;
  }
  throw new IcebergUsageError(`type ${type} has no single-value serialization`);
}

/**
 * Orders strings by code point (= UTF-8 byte order, as Iceberg does). UTF-16 code-unit order
 * differs only where a surrogate (a code point above U+FFFF) meets a BMP character above it.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      return xs === ys ? x - y : xs ? 1 : -1;
    }
  }
  return a.length - b.length;
}

/** Compares two non-null values of the same type (strings by UTF-8 bytes, as Iceberg does). */
export function compareValues(a: IcebergValue, b: IcebergValue): number {
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    if (typeof a === 'number' && typeof b === 'number')
      return a < b ? -1 : a > b ? 1 : Number(Object.is(b, -0)) - Number(Object.is(a, -0));
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  throw new IcebergUsageError(`cannot compare ${typeof a} with ${typeof b}`);
}

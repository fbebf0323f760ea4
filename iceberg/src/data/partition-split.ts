import type { IcebergType } from '../schema/types.js';
import { applyTransform, type Transform } from '../spec/transforms.js';
import type { IcebergValue } from '../spec/values.js';
import { valueAt, type Column } from './column-batch.js';

const MICROS_PER_HOUR = 3_600_000_000;
const MICROS_PER_DAY = 86_400_000_000;
const MICROS_TYPES = new Set<IcebergType>(['timestamp', 'timestamptz']);

/**
 * The partition value of each row for one partition field: `transform` applied to the source
 * column. `day` and `hour` of a microsecond timestamp column are computed on the column's 64-bit
 * words as exact integer arithmetic on numbers (no BigInt per row) while the value is within
 * ±2^53 µs (years 1685–2255); outside that, and for every other transform, through
 * `applyTransform`.
 */
export function partitionValues(
  transform: Transform,
  sourceType: IcebergType,
  column: Column,
): (row: number) => IcebergValue | null {
  const generic = (r: number): IcebergValue | null => applyTransform(transform, sourceType, valueAt(column, r));
  const { values, nulls } = column;
  if (!(values instanceof BigInt64Array) || !MICROS_TYPES.has(sourceType)) return generic;
  if (transform.kind !== 'day' && transform.kind !== 'hour') return generic;
  const unit = transform.kind === 'day' ? MICROS_PER_DAY : MICROS_PER_HOUR;
  const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  return (r) => {
    if (nulls !== null && nulls[r] === 1) return null;
    const micros = words[r * 2 + 1]! * 4294967296 + (words[r * 2]! >>> 0);
    if (!Number.isSafeInteger(micros)) return generic(r);
    let q = Math.floor(micros / unit);
    if (q * unit > micros) q--;
    else if ((q + 1) * unit <= micros) q++;
    return q;
  };
}

/** A Map key equal for equal partition values: values themselves, except bytes (compared by content). */
function valueKey(v: IcebergValue | null): unknown {
  return v instanceof Uint8Array ? `b${Buffer.from(v).toString('hex')}` : v;
}

/**
 * Groups rows by partition tuple, one partition field (column) at a time: each field's values get a
 * small code per distinct value, and a row's group is found by its codes — no tuple array or
 * string key is built per row.
 */
export function splitByPartition(
  rowCount: number,
  partitionValues: readonly ((row: number) => IcebergValue | null)[],
): { tuple: (IcebergValue | null)[]; rows: number[] }[] {
  const codes = new Int32Array(rowCount);
  const groups: { tuple: (IcebergValue | null)[]; rows: number[] }[] = [];
  if (partitionValues.length === 0) return [{ tuple: [], rows: Array.from({ length: rowCount }, (_, r) => r) }];
  // Group of (previous group, this field's value): refined field by field.
  let tuples: (IcebergValue | null)[][] = [[]];
  for (const valueOf of partitionValues) {
    const next = new Map<number, Map<unknown, number>>();
    const nextTuples: (IcebergValue | null)[][] = [];
    for (let r = 0; r < rowCount; r++) {
      const v = valueOf(r);
      const prev = codes[r]!;
      let byValue = next.get(prev);
      if (!byValue) next.set(prev, (byValue = new Map<unknown, number>()));
      const key = valueKey(v);
      let code = byValue.get(key);
      if (code === undefined) {
        code = nextTuples.length;
        byValue.set(key, code);
        nextTuples.push([...tuples[prev]!, v]);
      }
      codes[r] = code;
    }
    tuples = nextTuples;
  }
  for (const tuple of tuples) groups.push({ tuple, rows: [] });
  for (let r = 0; r < rowCount; r++) groups[codes[r]!]!.rows.push(r);
  return groups;
}

import type { NestedField } from '../schema/types.js';
import { compareStrings, compareValues, toBinary, type IcebergValue } from '../spec/values.js';
import type { Column } from './column-batch.js';

/** Per-column metrics of one data file, as manifests carry them. */
export interface FileMetrics {
  valueCounts: Map<number, number>;
  nullValueCounts: Map<number, number>;
  nanValueCounts: Map<number, number>;
  lowerBounds: Map<number, Uint8Array>;
  upperBounds: Map<number, Uint8Array>;
}

/**
 * Java's default metrics mode is `truncate(16)`: string bounds keep 16 code points, so manifests
 * stay small. A truncated lower bound is still a lower bound; the upper bound's last kept code
 * point is incremented so it still bounds every value (or the bound is dropped when it cannot be).
 */
export const STRING_BOUND_LENGTH = 16;

function truncateUpper(s: string): string | undefined {
  const points = Array.from(s);
  if (points.length <= STRING_BOUND_LENGTH) return s;
  const kept = points.slice(0, STRING_BOUND_LENGTH);
  for (let i = kept.length - 1; i >= 0; i--) {
    const cp = kept[i]!.codePointAt(0)! + 1;
    if (cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff)) return kept.slice(0, i).join('') + String.fromCodePoint(cp);
  }
  return undefined;
}

interface Scan {
  nulls: number;
  nans: number;
  min: IcebergValue | undefined;
  max: IcebergValue | undefined;
}

/** Counts and bounds of a column of normalized values (any type). */
function scanValues(
  values: readonly (IcebergValue | null)[],
  nullMask: Uint8Array | null,
  rows: readonly number[] | undefined,
  count: number,
  floating: boolean,
): Scan {
  const s: Scan = { nulls: 0, nans: 0, min: undefined, max: undefined };
  for (let k = 0; k < count; k++) {
    const r = rows ? rows[k]! : k;
    const v = nullMask !== null && nullMask[r] === 1 ? null : (values[r] ?? null);
    if (v === null) s.nulls++;
    else if (floating && Number.isNaN(v)) s.nans++;
    else if (s.min === undefined) s.min = s.max = v;
    else if (typeof v === 'number' || typeof v === 'bigint') {
      // native comparison; -0.0 sorts before +0.0 as the spec's bounds require
      const lo = s.min as number | bigint;
      const hi = s.max as number | bigint;
      if (v < lo || (v === 0 && lo === 0 && Object.is(v, -0))) s.min = v;
      if (v > hi || (v === 0 && hi === 0 && Object.is(hi, -0))) s.max = v;
    } else if (typeof v === 'string') {
      if (compareStrings(v, s.min as string) < 0) s.min = v;
      else if (compareStrings(v, s.max as string) > 0) s.max = v;
    } else {
      if (compareValues(v, s.min) < 0) s.min = v;
      if (compareValues(v, s.max!) > 0) s.max = v;
    }
  }
  return s;
}

/**
 * Counts and bounds of a string column (UTF-8 byte order). A value equal to the current minimum
 * or maximum — most values of a low-cardinality column such as a symbol — is skipped without
 * comparing code points.
 */
function scanStrings(
  values: readonly (string | null)[],
  nullMask: Uint8Array | null,
  rows: readonly number[] | undefined,
  count: number,
): Scan {
  let nulls = 0;
  let min: string | undefined;
  let max: string | undefined;
  for (let k = 0; k < count; k++) {
    const r = rows ? rows[k]! : k;
    const v = nullMask !== null && nullMask[r] === 1 ? null : (values[r] ?? null);
    if (v === null) nulls++;
    else if (min === undefined || max === undefined) min = max = v;
    else if (v === min || v === max) continue;
    else if (compareStrings(v, min) < 0) min = v;
    else if (compareStrings(v, max) > 0) max = v;
  }
  return { nulls, nans: 0, min, max };
}

/** Counts and bounds of a float, double or int column (a typed array): no value boxed. */
function scanNumbers(
  values: Float64Array | Float32Array | Int32Array,
  nullMask: Uint8Array | null,
  rows: readonly number[] | undefined,
  count: number,
): Scan {
  let nulls = 0;
  let nans = 0;
  let min = Infinity;
  let max = -Infinity;
  let seen = false;
  for (let k = 0; k < count; k++) {
    const r = rows ? rows[k]! : k;
    if (nullMask !== null && nullMask[r] === 1) {
      nulls++;
      continue;
    }
    const v = values[r]!;
    if (v !== v) {
      nans++;
      continue;
    }
    seen = true;
    if (v < min || (v === 0 && min === 0 && Object.is(v, -0))) min = v;
    if (v > max || (v === 0 && max === 0 && Object.is(max, -0))) max = v;
  }
  return seen ? { nulls, nans, min, max } : { nulls, nans, min: undefined, max: undefined };
}

/** Counts and bounds of a 64-bit column, compared on its two 32-bit words: no BigInt per value. */
function scanInt64(
  values: BigInt64Array,
  nullMask: Uint8Array | null,
  rows: readonly number[] | undefined,
  count: number,
): Scan {
  const words = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  let nulls = 0;
  let minRow = -1;
  let maxRow = -1;
  let minHi = 0;
  let minLo = 0;
  let maxHi = 0;
  let maxLo = 0;
  for (let k = 0; k < count; k++) {
    const r = rows ? rows[k]! : k;
    if (nullMask !== null && nullMask[r] === 1) {
      nulls++;
      continue;
    }
    const hi = words[r * 2 + 1]!;
    const lo = words[r * 2]! >>> 0;
    if (minRow < 0) {
      minRow = maxRow = r;
      minHi = maxHi = hi;
      minLo = maxLo = lo;
      continue;
    }
    if (hi < minHi || (hi === minHi && lo < minLo)) {
      minRow = r;
      minHi = hi;
      minLo = lo;
    }
    if (hi > maxHi || (hi === maxHi && lo > maxLo)) {
      maxRow = r;
      maxHi = hi;
      maxLo = lo;
    }
  }
  return minRow < 0
    ? { nulls, nans: 0, min: undefined, max: undefined }
    : { nulls, nans: 0, min: values[minRow], max: values[maxRow] };
}

const isColumn = (c: Column | readonly unknown[]): c is Column => !Array.isArray(c);

/**
 * Computes counts and bounds for the rows of one file on the batch's columns: the rows at `rows`
 * of each column, or every row. Reads the columns in place (typed arrays compare natively), so a
 * batch split into many files is never copied per file. A column may also be given as a plain
 * array of normalized values, which is always scanned by the generic comparison (the reference the
 * typed scans are tested against).
 */
export function computeMetrics(
  fields: readonly NestedField[],
  columns: readonly (Column | readonly (IcebergValue | null)[])[],
  rows?: readonly number[],
): FileMetrics {
  const m: FileMetrics = {
    valueCounts: new Map(),
    nullValueCounts: new Map(),
    nanValueCounts: new Map(),
    lowerBounds: new Map(),
    upperBounds: new Map(),
  };
  fields.forEach((field, c) => {
    const column = columns[c]!;
    const values = isColumn(column) ? column.values : column;
    const nullMask = isColumn(column) ? column.nulls : null;
    const count = rows ? rows.length : values.length;
    const floating = field.type === 'float' || field.type === 'double';
    const { nulls, nans, min, max } =
      values instanceof BigInt64Array
        ? scanInt64(values, nullMask, rows, count)
        : field.type === 'string' && Array.isArray(values) && isColumn(column)
          ? scanStrings(values as readonly (string | null)[], nullMask, rows, count)
          : Array.isArray(values)
            ? scanValues(values, nullMask, rows, count, floating)
            : scanNumbers(values as Float64Array, nullMask, rows, count);
    m.valueCounts.set(field.id, count);
    m.nullValueCounts.set(field.id, nulls);
    if (floating) m.nanValueCounts.set(field.id, nans);
    if (min === undefined || max === undefined || field.type === 'binary') return;
    if (field.type === 'string') {
      m.lowerBounds.set(
        field.id,
        toBinary(
          'string',
          Array.from(min as string)
            .slice(0, STRING_BOUND_LENGTH)
            .join(''),
        ),
      );
      const upper = truncateUpper(max as string);
      if (upper !== undefined) m.upperBounds.set(field.id, toBinary('string', upper));
      return;
    }
    m.lowerBounds.set(field.id, toBinary(field.type, min));
    m.upperBounds.set(field.id, toBinary(field.type, max));
  });
  return m;
}

import type { NestedField } from '../schema/types.js';
import { compareStrings, compareValues, toBinary, type IcebergValue } from '../spec/values.js';

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

/**
 * Computes counts and bounds for the rows of one file (values already normalized per column): the
 * rows at `rows` of each column, or every row. Reads the columns in place, so a batch split into
 * many files is never copied per file.
 */
export function computeMetrics(
  fields: readonly NestedField[],
  columns: readonly (readonly (IcebergValue | null)[])[],
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
    const values = columns[c]!;
    const count = rows ? rows.length : values.length;
    let nulls = 0;
    let nans = 0;
    let min: IcebergValue | undefined;
    let max: IcebergValue | undefined;
    const floating = field.type === 'float' || field.type === 'double';
    for (let k = 0; k < count; k++) {
      const v = values[rows ? rows[k]! : k] ?? null;
      if (v === null) {
        nulls++;
        continue;
      }
      if (floating && Number.isNaN(v)) {
        nans++;
        continue;
      }
      if (min === undefined) {
        min = v;
        max = v;
      } else if (typeof v === 'number' || typeof v === 'bigint') {
        // hot path: native comparison; -0.0 sorts before +0.0 as the spec's bounds require
        const lo = min as number | bigint;
        const hi = max as number | bigint;
        if (v < lo || (v === 0 && lo === 0 && Object.is(v, -0))) min = v;
        if (v > hi || (v === 0 && hi === 0 && Object.is(hi, -0))) max = v;
      } else if (typeof v === 'string') {
        if (compareStrings(v, min as string) < 0) min = v;
        else if (compareStrings(v, max as string) > 0) max = v;
      } else {
        if (compareValues(v, min) < 0) min = v;
        if (compareValues(v, max!) > 0) max = v;
      }
    }
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

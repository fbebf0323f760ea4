import { DataType, TimeUnit, type Table as ArrowTable } from 'apache-arrow';
import { IcebergUsageError } from '../errors.js';
import type { Schema } from '../schema/types.js';
import { normalizeValue, type IcebergValue } from '../spec/values.js';

const TO_MICROS: Record<TimeUnit, (v: bigint) => bigint> = {
  [TimeUnit.SECOND]: (v) => v * 1_000_000n,
  [TimeUnit.MILLISECOND]: (v) => v * 1000n,
  [TimeUnit.MICROSECOND]: (v) => v,
  [TimeUnit.NANOSECOND]: (v) => v / 1000n,
};

/**
 * Columns of an Arrow table in schema order, matched by column name, as normalized Iceberg values.
 * Timestamps are read from the raw int64 buffers (Arrow's `get` returns lossy float milliseconds),
 * so microseconds survive.
 */
export function columnsFromArrow(schema: Schema, table: ArrowTable): (IcebergValue | null)[][] {
  return schema.fields.map((field) => {
    const vector = table.getChild(field.name);
    if (!vector) {
      if (field.required)
        throw new IcebergUsageError(`the Arrow table has no column '${field.name}', which is required`);
      return new Array<IcebergValue | null>(table.numRows).fill(null);
    }
    const out: (IcebergValue | null)[] = [];
    if (DataType.isTimestamp(vector.type)) {
      const convert = TO_MICROS[vector.type.unit];
      for (const data of vector.data) {
        const values = data.values as BigInt64Array;
        for (let i = 0; i < data.length; i++) out.push(data.getValid(i) ? convert(values[i]!) : null);
      }
    } else {
      for (let i = 0; i < vector.length; i++) {
        let v: unknown = vector.get(i);
        if (DataType.isDate(vector.type) && typeof v === 'number') v = Math.floor(v / 86_400_000); // Arrow dates come back as epoch ms
        out.push(normalizeValue(field.type, v, field.name));
      }
    }
    return out;
  });
}

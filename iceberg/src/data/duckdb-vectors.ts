import type { DuckDBDataChunk, DuckDBValue } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import type { NestedField } from '../schema/types.js';
import type { IcebergValue } from '../spec/values.js';
import { storageOf, type Column } from './column-batch.js';
import { duckDBConverter } from './duckdb-types.js';

/** Rows per DuckDB vector (DuckDB's STANDARD_VECTOR_SIZE). */
export const VECTOR_SIZE = 2048;

/** DuckDB's `string_t`: 16 bytes, length then up to 12 bytes inline (or a prefix and a heap pointer). */
const STRING_T = 16;
const INLINE = 12;

/**
 * Fills the vectors of DuckDB data chunks from the columns of a {@link ColumnBatch}, gathering the
 * rows of one data file. Fixed-width columns are gathered into a scratch typed array with DuckDB's
 * layout and copied into the vector in one call; strings of up to 12 ASCII bytes are written inline
 * as DuckDB's `string_t` (the layout its C API documents) and longer ones are assigned one by one;
 * other types (boolean, uuid, decimal, binary, fixed) go through the vector's typed setters. No
 * value object is created per row for the common types, which is where a row-by-row appender
 * spends its time.
 */
export class VectorFiller {
  private readonly scratch: (Int32Array<ArrayBuffer> | Float32Array<ArrayBuffer> | Uint8Array<ArrayBuffer> | null)[];
  private readonly validity = new Uint8Array(VECTOR_SIZE / 8);
  private readonly converters: (((v: IcebergValue) => DuckDBValue) | undefined)[];

  constructor(private readonly fields: readonly NestedField[]) {
    this.scratch = fields.map((f) => {
      switch (storageOf(f.type)) {
        case 'f64':
        case 'i64':
          return new Int32Array(VECTOR_SIZE * 2); // 8-byte values copied as two words: no BigInt per value
        case 'f32':
          return new Float32Array(VECTOR_SIZE);
        case 'i32':
          return new Int32Array(VECTOR_SIZE);
        case 'values':
          return f.type === 'string' ? new Uint8Array(VECTOR_SIZE * STRING_T) : null;
      }
    });
    this.converters = fields.map((f) => duckDBConverter(f.type));
  }

  /** Sets every field's vector of `chunk` to the batch rows `rows[start .. start + size)`. */
  fill(chunk: DuckDBDataChunk, columns: readonly Column[], rows: readonly number[], start: number, size: number): void {
    for (let c = 0; c < this.fields.length; c++) {
      const column = columns[c]!;
      const vector = duckdb.data_chunk_get_vector(chunk.chunk, c);
      const scratch = this.scratch[c];
      if (scratch === null || scratch === undefined) {
        this.fillValues(chunk, c, column, rows, start, size);
        continue;
      }
      if (scratch instanceof Uint8Array) this.fillStrings(vector, column, rows, start, size, scratch);
      else if (scratch instanceof Float32Array) {
        const src = column.values as Float32Array;
        for (let i = 0; i < size; i++) scratch[i] = src[rows[start + i]!]!;
        duckdb.copy_data_to_vector(vector, 0, scratch.buffer, 0, size * 4);
      } else if (scratch.length === VECTOR_SIZE) {
        const src = column.values as Int32Array;
        for (let i = 0; i < size; i++) scratch[i] = src[rows[start + i]!]!;
        duckdb.copy_data_to_vector(vector, 0, scratch.buffer, 0, size * 4);
      } else {
        const v = column.values as Float64Array | BigInt64Array;
        const src = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
        for (let i = 0; i < size; i++) {
          const r = rows[start + i]! * 2;
          scratch[i * 2] = src[r]!;
          scratch[i * 2 + 1] = src[r + 1]!;
        }
        duckdb.copy_data_to_vector(vector, 0, scratch.buffer, 0, size * 8);
      }
      if (column.nulls !== null) this.setValidity(vector, column.nulls, rows, start, size);
    }
  }

  private fillStrings(
    vector: duckdb.Vector,
    column: Column,
    rows: readonly number[],
    start: number,
    size: number,
    data: Uint8Array<ArrayBuffer>,
  ): void {
    const values = column.values as readonly (string | null)[];
    const assigned: number[] = [];
    data.fill(0, 0, size * STRING_T);
    for (let i = 0; i < size; i++) {
      const s = values[rows[start + i]!];
      if (s === null || s === undefined) continue; // null: validity below; the zeroed slot is an empty string
      const n = s.length;
      if (n > INLINE) {
        assigned.push(i);
        continue;
      }
      const at = i * STRING_T;
      let ascii = true;
      for (let j = 0; j < n; j++) {
        const ch = s.charCodeAt(j);
        if (ch >= 0x80) {
          ascii = false;
          break;
        }
        data[at + 4 + j] = ch;
      }
      if (ascii) data[at] = n;
      else {
        data.fill(0, at, at + STRING_T);
        assigned.push(i);
      }
    }
    duckdb.copy_data_to_vector(vector, 0, data.buffer, 0, size * STRING_T);
    for (const i of assigned) duckdb.vector_assign_string_element(vector, i, values[rows[start + i]!]!);
  }

  private setValidity(
    vector: duckdb.Vector,
    nulls: Uint8Array,
    rows: readonly number[],
    start: number,
    size: number,
  ): void {
    const bytes = Math.ceil(size / 64) * 8;
    const mask = this.validity;
    mask.fill(0xff, 0, bytes);
    let any = false;
    for (let i = 0; i < size; i++) {
      if (nulls[rows[start + i]!] === 1) {
        mask[i >> 3] = mask[i >> 3]! & ~(1 << (i & 7));
        any = true;
      }
    }
    if (!any) return;
    duckdb.vector_ensure_validity_writable(vector);
    duckdb.copy_data_to_vector_validity(vector, 0, mask.buffer, 0, bytes);
  }

  private fillValues(
    chunk: DuckDBDataChunk,
    c: number,
    column: Column,
    rows: readonly number[],
    start: number,
    size: number,
  ): void {
    const values = column.values as readonly (IcebergValue | null)[];
    const convert = this.converters[c];
    const vector = chunk.getColumnVector(c);
    for (let i = 0; i < size; i++) {
      const v = values[rows[start + i]!] ?? null;
      vector.setItem(i, v === null ? null : convert ? convert(v) : (v as DuckDBValue));
    }
    vector.flush();
  }
}

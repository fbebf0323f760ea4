import { IcebergUsageError } from '../errors.js';
import type { IcebergType, NestedField, Schema } from '../schema/types.js';
import { normalizeValue, type IcebergValue } from '../spec/values.js';

/**
 * Values of one column. Fixed-width types are typed arrays laid out as DuckDB and Parquet store
 * them (`double` Float64Array, `float` Float32Array, `int`/`date` Int32Array, `long`/`time`/
 * `timestamp`/`timestamptz` BigInt64Array of microseconds), so they reach the Parquet writer in one
 * copy per vector; every other type is an array of normalized {@link IcebergValue}s.
 */
export type ColumnValues = Float64Array | Float32Array | Int32Array | BigInt64Array | (IcebergValue | null)[];

/** One column of a {@link ColumnBatch}: its values and, when any value is null, a null mask (1 = null). */
export interface Column {
  readonly values: ColumnValues;
  readonly nulls: Uint8Array | null;
}

/**
 * A columnar batch of rows typed from a table schema: one {@link Column} per top-level field, in
 * schema order. This is what data files are written from: partition split, column statistics and
 * Parquet vectors are all computed on the columns. Build one with {@link ColumnBatchBuilder}.
 */
export interface ColumnBatch {
  readonly fields: readonly NestedField[];
  readonly rowCount: number;
  readonly columns: readonly Column[];
}

/** The value at `row` of a column, as an {@link IcebergValue} (null for a null). */
export function valueAt(column: Column, row: number): IcebergValue | null {
  if (column.nulls !== null && column.nulls[row] === 1) return null;
  return column.values[row] ?? null;
}

type Storage = 'f64' | 'f32' | 'i32' | 'i64' | 'values';

/** How a column of the type is stored in a batch. */
export function storageOf(type: IcebergType): Storage {
  switch (type) {
    case 'double':
      return 'f64';
    case 'float':
      return 'f32';
    case 'int':
    case 'date':
      return 'i32';
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return 'i64';
    default:
      return 'values';
  }
}

function allocate(storage: Storage, capacity: number): ColumnValues {
  switch (storage) {
    case 'f64':
      return new Float64Array(capacity);
    case 'f32':
      return new Float32Array(capacity);
    case 'i32':
      return new Int32Array(capacity);
    case 'i64':
      return new BigInt64Array(capacity);
    case 'values':
      return []; // filled in order; a preallocated large Array would be a slow dictionary-mode array
  }
}

function grow(values: ColumnValues, capacity: number): ColumnValues {
  if (Array.isArray(values)) return values;
  const next = new (values.constructor as new (n: number) => Exclude<ColumnValues, unknown[]>)(capacity);
  next.set(values as never);
  return next;
}

const typeLabel = (field: NestedField): string => (typeof field.type === 'string' ? field.type : field.type.type);

function bad(field: NestedField, value: unknown): never {
  throw new IcebergUsageError(`column '${field.name}' (${typeLabel(field)}) cannot take a ${typeof value} value`);
}

const MIN_I64 = -(2n ** 63n);
const MAX_I64 = 2n ** 63n - 1n;

/** Writes one value (never null) into a typed column at `r`; compiled once per field. */
type Put = (values: ColumnValues, r: number, value: unknown) => void;

function putFor(field: NestedField): Put {
  const storage = storageOf(field.type);
  switch (storage) {
    case 'f64':
    case 'f32':
      return (values, r, v) => {
        if (typeof v !== 'number') bad(field, v);
        (values as Float64Array)[r] = v;
      };
    case 'i32':
      return (values, r, v) => {
        if (typeof v !== 'number' || (v | 0) !== v) {
          if (typeof v === 'number' && Number.isInteger(v))
            throw new IcebergUsageError(`column '${field.name}' (${typeLabel(field)}): ${v} is out of range`);
          bad(field, v);
        }
        (values as Int32Array)[r] = v;
      };
    case 'i64': {
      const timestamp = field.type === 'timestamp' || field.type === 'timestamptz';
      return (values, r, v) => {
        let micros: bigint;
        if (typeof v === 'bigint') micros = v;
        else if (typeof v === 'number' && Number.isInteger(v)) micros = BigInt(v);
        else if (timestamp && v instanceof Date) micros = BigInt(v.getTime()) * 1000n;
        else bad(field, v);
        if (micros < MIN_I64 || micros > MAX_I64)
          throw new IcebergUsageError(`column '${field.name}' (${typeLabel(field)}): ${micros} is out of range`);
        (values as BigInt64Array)[r] = micros;
      };
    }
    case 'values':
      if (field.type === 'string')
        return (values, r, v) => {
          if (typeof v !== 'string') bad(field, v);
          (values as (IcebergValue | null)[])[r] = v;
        };
      return (values, r, v) => {
        (values as (IcebergValue | null)[])[r] = normalizeValue(field.type, v, field.name);
      };
  }
}

/**
 * Builds a {@link ColumnBatch} row by row: each row's values are checked and converted by a
 * converter compiled once per field from the schema, straight into the column's typed array — no
 * intermediate normalized row. Sinks append rows as they arrive and hand the batch to
 * `Table.writeDataFiles` at a checkpoint.
 */
export class ColumnBatchBuilder {
  readonly fields: readonly NestedField[];
  private readonly names: readonly string[];
  private readonly puts: readonly Put[];
  private values: ColumnValues[];
  private nulls: (Uint8Array | null)[];
  private capacity: number;
  private count = 0;

  constructor(schema: Schema | readonly NestedField[], initialCapacity = 1024) {
    this.fields = 'fields' in schema ? schema.fields : schema;
    for (const f of this.fields)
      if (typeof f.type !== 'string')
        throw new IcebergUsageError(`column '${f.name}': nested types are not supported by the writer`);
    this.names = this.fields.map((f) => f.name);
    this.puts = this.fields.map(putFor);
    this.capacity = Math.max(16, initialCapacity);
    this.values = this.fields.map((f) => allocate(storageOf(f.type), this.capacity));
    this.nulls = this.fields.map(() => null);
  }

  /** Rows appended so far. */
  get rowCount(): number {
    return this.count;
  }

  /** Appends one row (column name → value; a missing key is null). Throws on a value the column's type cannot take. */
  append(row: Readonly<Record<string, unknown>>): void {
    const r = this.count;
    if (r === this.capacity) this.reserve(this.capacity * 2);
    const { names, puts, values } = this;
    for (let c = 0; c < names.length; c++) {
      const v = row[names[c]!];
      if (v === null || v === undefined) this.setNull(c, r);
      else puts[c]!(values[c]!, r, v);
    }
    this.count = r + 1;
  }

  /** Appends many rows. */
  appendAll(rows: Iterable<Readonly<Record<string, unknown>>>): this {
    for (const row of rows) this.append(row);
    return this;
  }

  /** The rows appended so far as a batch; the builder starts over empty. */
  finish(): ColumnBatch {
    const n = this.count;
    const columns = this.fields.map((field, c): Column => {
      const nulls = this.nulls[c]?.subarray(0, n) ?? null;
      if (field.required && nulls?.includes(1))
        throw new IcebergUsageError(`column '${field.name}' is required but a row has no value for it`);
      const v = this.values[c]!;
      return { values: Array.isArray(v) ? v.slice(0, n) : v.subarray(0, n), nulls };
    });
    this.values = this.fields.map((f) => allocate(storageOf(f.type), this.capacity));
    this.nulls = this.fields.map(() => null);
    this.count = 0;
    return { fields: this.fields, rowCount: n, columns };
  }

  private setNull(c: number, r: number): void {
    let mask = this.nulls[c];
    if (!mask) this.nulls[c] = mask = new Uint8Array(this.capacity);
    mask[r] = 1;
    const v = this.values[c]!;
    if (Array.isArray(v)) v[r] = null;
  }

  private reserve(capacity: number): void {
    this.values = this.values.map((v) => grow(v, capacity));
    this.nulls = this.nulls.map((m) => {
      if (!m) return null;
      const next = new Uint8Array(capacity);
      next.set(m);
      return next;
    });
    this.capacity = capacity;
  }
}

/** A batch from rows (objects keyed by column name). */
export function columnBatchFromRows(
  schema: Schema | readonly NestedField[],
  rows: readonly Readonly<Record<string, unknown>>[],
): ColumnBatch {
  return new ColumnBatchBuilder(schema, rows.length).appendAll(rows).finish();
}

/** A batch from columns of normalized values (one array per field, in schema order). */
export function columnBatchFromValues(
  fields: readonly NestedField[],
  columns: readonly (readonly (IcebergValue | null)[])[],
): ColumnBatch {
  const rowCount = columns[0]?.length ?? 0;
  const builder = new ColumnBatchBuilder(fields, rowCount);
  const row: Record<string, unknown> = {};
  for (let r = 0; r < rowCount; r++) {
    fields.forEach((f, c) => (row[f.name] = columns[c]![r]));
    builder.append(row);
  }
  return builder.finish();
}

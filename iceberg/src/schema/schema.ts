import { IcebergUsageError } from '../errors.js';
import type { IcebergType, NestedField, Schema } from './types.js';

/** Options of one column for {@link defineSchema}. */
export interface ColumnDefinition {
  name: string;
  type: IcebergType;
  /** @default false */
  required?: boolean;
  doc?: string;
}

/**
 * Builds a schema with field ids assigned 1..n in column order, the way a new table gets them.
 *
 * @example
 * const schema = defineSchema([
 *   { name: 'symbol', type: 'string', required: true },
 *   { name: 'price', type: 'double' },
 *   { name: 'event_time', type: 'timestamptz', required: true },
 * ]);
 */
export function defineSchema(columns: readonly ColumnDefinition[], schemaId = 0): Schema {
  const names = new Set<string>();
  const fields: NestedField[] = columns.map((column, index) => {
    if (names.has(column.name)) throw new IcebergUsageError(`column '${column.name}' is defined twice`);
    names.add(column.name);
    if (typeof column.type !== 'string')
      throw new IcebergUsageError(`column '${column.name}': only primitive columns are supported by the writer`);
    return {
      id: index + 1,
      name: column.name,
      required: column.required ?? false,
      type: column.type,
      ...(column.doc ? { doc: column.doc } : {}),
    };
  });
  return { type: 'struct', 'schema-id': schemaId, fields };
}

/** The top-level field with that id, or undefined. */
export function fieldById(schema: Schema, id: number): NestedField | undefined {
  return schema.fields.find((field) => field.id === id);
}

/** The top-level field with that name; throws a usage error naming the columns that exist. */
export function fieldByName(schema: Schema, name: string): NestedField {
  const field = schema.fields.find((f) => f.name === name);
  if (!field)
    throw new IcebergUsageError(`no column '${name}'; the schema has: ${schema.fields.map((f) => f.name).join(', ')}`);
  return field;
}

/** Highest field id used anywhere in a type tree (nested list/map/struct ids included). */
export function maxFieldId(type: IcebergType): number {
  if (typeof type === 'string') return 0;
  switch (type.type) {
    case 'struct':
      return Math.max(0, ...type.fields.map((f) => Math.max(f.id, maxFieldId(f.type))));
    case 'list':
      return Math.max(type['element-id'], maxFieldId(type.element));
    case 'map':
      return Math.max(type['key-id'], type['value-id'], maxFieldId(type.key), maxFieldId(type.value));
  }
}

import { IcebergUsageError } from '../errors.js';
import { fieldByName } from './schema.js';
import { decimalOf, type IcebergType, type NestedField, type Schema } from './types.js';

/** One schema change (spec: Schema Evolution — the changes that never rewrite data files). */
export type SchemaChange =
  | { kind: 'add-column'; name: string; type: IcebergType; doc?: string }
  | { kind: 'rename-column'; from: string; to: string }
  | { kind: 'widen-column'; name: string; type: IcebergType }
  | { kind: 'make-optional'; name: string };

function canPromote(from: IcebergType, to: IcebergType): boolean {
  if (from === to) return true;
  if (from === 'int' && to === 'long') return true;
  if (from === 'float' && to === 'double') return true;
  const a = decimalOf(from);
  const b = decimalOf(to);
  return !!a && !!b && a.scale === b.scale && b.precision >= a.precision;
}

/**
 * Applies changes to a schema, giving added columns fresh ids above `lastColumnId`. Added columns
 * are optional: files written before the change have no such column and read it as NULL.
 */
export function evolveSchema(
  schema: Schema,
  lastColumnId: number,
  changes: readonly SchemaChange[],
  schemaId: number,
): Schema {
  let fields: NestedField[] = schema.fields.map((f) => ({ ...f }));
  let nextId = lastColumnId;
  for (const change of changes) {
    switch (change.kind) {
      case 'add-column':
        if (fields.some((f) => f.name === change.name))
          throw new IcebergUsageError(`column '${change.name}' already exists`);
        if (typeof change.type !== 'string') throw new IcebergUsageError('only primitive columns can be added');
        fields.push({
          id: ++nextId,
          name: change.name,
          required: false,
          type: change.type,
          ...(change.doc ? { doc: change.doc } : {}),
        });
        break;
      case 'rename-column': {
        const field = fieldByName({ ...schema, fields }, change.from);
        if (fields.some((f) => f.name === change.to))
          throw new IcebergUsageError(`cannot rename '${change.from}' to '${change.to}': that column exists`);
        fields = fields.map((f) => (f.id === field.id ? { ...f, name: change.to } : f));
        break;
      }
      case 'widen-column': {
        const field = fieldByName({ ...schema, fields }, change.name);
        if (!canPromote(field.type, change.type))
          throw new IcebergUsageError(
            `cannot change '${change.name}' from ${JSON.stringify(field.type)} to ${JSON.stringify(change.type)}; allowed: int→long, float→double, decimal precision widening`,
          );
        fields = fields.map((f) => (f.id === field.id ? { ...f, type: change.type } : f));
        break;
      }
      case 'make-optional': {
        const field = fieldByName({ ...schema, fields }, change.name);
        fields = fields.map((f) => (f.id === field.id ? { ...f, required: false } : f));
        break;
      }
    }
  }
  return { type: 'struct', 'schema-id': schemaId, fields };
}

/**
 * Projection of decoded Avro records onto a reader schema by Iceberg `field-id`.
 *
 * Iceberg identifies manifest and manifest-list fields by id, not by name, and writers disagree on
 * names: the Java library writes ids 504–506 as `added_data_files_count` / `existing_data_files_count`
 * / `deleted_data_files_count` where the spec text says `added_files_count`, and partition structs are
 * named after partition fields that may have been renamed since. Reading by name silently yields
 * missing values (counts of 0, NULL partitions); reading by id yields what the writer meant.
 */

/** Reader type marker: keep a record's fields keyed by their writer `field-id` (as decimal strings). */
export const BY_FIELD_ID = 'coattail.by-field-id';

type Json = unknown;
type Registry = Map<string, Json>;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Collects the named types (records, fixed, enums) of a schema so later references resolve. */
function register(schema: Json, registry: Registry): void {
  if (Array.isArray(schema)) {
    for (const branch of schema) register(branch, registry);
    return;
  }
  if (!isObject(schema)) return;
  if (typeof schema.name === 'string' && ['record', 'fixed', 'enum'].includes(String(schema.type)))
    registry.set(schema.name, schema);
  if (schema.type === 'record' && Array.isArray(schema.fields))
    for (const f of schema.fields) if (isObject(f)) register(f.type, registry);
  if (schema.type === 'array') register(schema.items, registry);
  if (schema.type === 'map') register(schema.values, registry);
}

function deref(schema: Json, registry: Registry): Json {
  if (typeof schema === 'string' && registry.has(schema)) return registry.get(schema);
  return schema;
}

/** The non-null branch of an optional union (Iceberg only writes `["null", T]` unions). */
function nonNull(schema: Json): Json {
  return Array.isArray(schema) ? (schema.find((b) => b !== 'null') ?? 'null') : schema;
}

interface AvroField {
  name: string;
  type: Json;
  'field-id'?: unknown;
}

function fieldsOf(schema: Json): AvroField[] {
  if (!isObject(schema) || schema.type !== 'record' || !Array.isArray(schema.fields)) return [];
  return schema.fields.filter((f): f is AvroField => isObject(f) && typeof f.name === 'string');
}

function fieldId(f: AvroField): number | undefined {
  const id = f['field-id'];
  if (typeof id === 'number') return id;
  if (typeof id === 'string' && /^-?\d+$/.test(id)) return Number(id);
  return undefined;
}

function project(value: unknown, writer: Json, reader: Json, wReg: Registry, rReg: Registry): unknown {
  if (value === null || value === undefined) return value;
  const w = deref(nonNull(deref(writer, wReg)), wReg);
  const r = deref(nonNull(deref(reader, rReg)), rReg);
  if (!isObject(w)) return value;
  if (w.type === 'record' && isObject(value)) {
    const out: Record<string, unknown> = {};
    const byId = r === BY_FIELD_ID;
    const readerFields = fieldsOf(r);
    for (const wf of fieldsOf(w)) {
      const id = fieldId(wf);
      if (byId) {
        out[id === undefined ? wf.name : String(id)] = value[wf.name];
        continue;
      }
      // Writers without field ids (very old ones) are matched by name, as the spec allows.
      const rf =
        id === undefined ? readerFields.find((f) => f.name === wf.name) : readerFields.find((f) => fieldId(f) === id);
      if (rf) out[rf.name] = project(value[wf.name], wf.type, rf.type, wReg, rReg);
    }
    return out;
  }
  if (w.type === 'array' && Array.isArray(value)) {
    const items = isObject(r) && r.type === 'array' ? r.items : undefined;
    return value.map((v) => project(v, w.items, items, wReg, rReg));
  }
  return value;
}

/**
 * Renames the fields of records decoded with the writer's schema to the reader schema's names,
 * matching by `field-id` (by name only where the writer gave no id). Writer fields the reader does
 * not know are dropped; reader fields the writer lacks are absent (so parsers apply their defaults).
 *
 * @example
 * const entries = projectAllByFieldId(file.records, file.schema, manifestFileSchema);
 */
export function projectAllByFieldId(
  records: readonly unknown[],
  writerSchema: unknown,
  readerSchema: unknown,
): unknown[] {
  const wReg: Registry = new Map();
  const rReg: Registry = new Map();
  register(writerSchema, wReg);
  register(readerSchema, rReg);
  return records.map((r) => project(r, writerSchema, readerSchema, wReg, rReg));
}

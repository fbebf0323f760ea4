import { z } from 'zod';

/**
 * Iceberg types as they appear in table metadata JSON (spec, Appendix C). Primitive types are
 * their JSON strings (`'long'`, `'decimal(9,2)'`, `'fixed[16]'`); nested types are objects.
 */
export type PrimitiveType = string;

/** A field of a struct; `id` is the Iceberg field id every data file column carries. */
export interface NestedField {
  id: number;
  name: string;
  required: boolean;
  type: IcebergType;
  doc?: string | undefined;
  /** v3: the value of rows written before the field existed (JSON single-value serialization). */
  'initial-default'?: unknown;
  /** v3: the value writers use when a row does not supply the field. */
  'write-default'?: unknown;
}

export interface StructType {
  type: 'struct';
  fields: NestedField[];
}

export interface ListType {
  type: 'list';
  'element-id': number;
  'element-required': boolean;
  element: IcebergType;
}

export interface MapType {
  type: 'map';
  'key-id': number;
  key: IcebergType;
  'value-id': number;
  'value-required': boolean;
  value: IcebergType;
}

export type IcebergType = PrimitiveType | StructType | ListType | MapType;

/** A table schema: a struct with a `schema-id`. */
export interface Schema extends StructType {
  'schema-id': number;
  'identifier-field-ids'?: number[] | undefined;
}

const PRIMITIVE_RE =
  /^(unknown|boolean|int|long|float|double|date|time|timestamp|timestamptz|timestamp_ns|timestamptz_ns|string|uuid|binary|variant|decimal\(\s*\d+\s*,\s*\d+\s*\)|fixed\[\s*\d+\s*\]|geometry\(.*\)|geography\(.*\))$/;

export const icebergTypeSchema: z.ZodType<IcebergType> = z.lazy(() =>
  z.union([
    z.string().regex(PRIMITIVE_RE, 'unknown Iceberg primitive type'),
    structTypeSchema,
    z.looseObject({
      type: z.literal('list'),
      'element-id': z.number().int(),
      'element-required': z.boolean(),
      element: icebergTypeSchema,
    }),
    z.looseObject({
      type: z.literal('map'),
      'key-id': z.number().int(),
      key: icebergTypeSchema,
      'value-id': z.number().int(),
      'value-required': z.boolean(),
      value: icebergTypeSchema,
    }),
  ]),
);

export const nestedFieldSchema: z.ZodType<NestedField> = z.lazy(() =>
  z.looseObject({
    id: z.number().int(),
    name: z.string().min(1),
    required: z.boolean(),
    type: icebergTypeSchema,
    doc: z.string().optional(),
  }),
);

export const structTypeSchema: z.ZodType<StructType> = z.looseObject({
  type: z.literal('struct'),
  fields: z.array(nestedFieldSchema),
});

export const schemaSchema: z.ZodType<Schema> = z.looseObject({
  type: z.literal('struct'),
  'schema-id': z.number().int(),
  'identifier-field-ids': z.array(z.number().int()).optional(),
  fields: z.array(nestedFieldSchema),
});

/** Precision and scale of a `decimal(P,S)` type, or undefined for other types. */
export function decimalOf(type: IcebergType): { precision: number; scale: number } | undefined {
  if (typeof type !== 'string') return undefined;
  const m = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(type);
  return m ? { precision: Number(m[1]), scale: Number(m[2]) } : undefined;
}

/** Length of a `fixed[L]` type, or undefined. */
export function fixedLengthOf(type: IcebergType): number | undefined {
  if (typeof type !== 'string') return undefined;
  const m = /^fixed\[\s*(\d+)\s*\]$/.exec(type);
  return m ? Number(m[1]) : undefined;
}

/** Whether a type is primitive (a JSON string in metadata). */
export function isPrimitive(type: IcebergType): type is PrimitiveType {
  return typeof type === 'string';
}

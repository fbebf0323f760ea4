import { z } from 'zod';
import { SchemaDefinitionError } from '../errors.js';

/** Logical column types a schema definition may declare; each maps to one DuckDB cast. */
export const COLUMN_TYPES = ['string', 'integer', 'number', 'boolean', 'date', 'timestamp'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

const bound = z.union([z.number(), z.string().min(1)]);

const columnSchema = z
  .object({
    name: z.string().min(1),
    /** @default 'string' */
    type: z.enum(COLUMN_TYPES).default('string'),
    /** A required column must exist in the file and hold no nulls. @default false */
    required: z.boolean().default(false),
    /** Inclusive lower bound: a number, or an ISO date/timestamp for date columns. */
    min: bound.optional(),
    /** Inclusive upper bound, like `min`. */
    max: bound.optional(),
    /** A regular expression every non-null value must match (RE2 syntax, full match). */
    pattern: z.string().min(1).optional(),
    /** The only values allowed (compared as text). */
    allowedValues: z
      .array(z.union([z.string(), z.number(), z.boolean()]))
      .min(1)
      .optional(),
    /** Values of this column alone must be unique (a one-column key). @default false */
    unique: z.boolean().default(false),
    description: z.string().optional(),
  })
  .superRefine((column, ctx) => {
    // Caught here rather than by the reader: a bad pattern or bound is a definition error, not a parse failure.
    if (column.pattern !== undefined) {
      try {
        new RegExp(column.pattern);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          path: ['pattern'],
          message: `not a regular expression: ${(error as Error).message}`,
        });
      }
    }
    for (const key of ['min', 'max'] as const) {
      const value = column[key];
      if (value === undefined) continue;
      const numeric = column.type === 'integer' || column.type === 'number';
      const temporal = column.type === 'date' || column.type === 'timestamp';
      if (numeric && !Number.isFinite(Number(value)))
        ctx.addIssue({ code: 'custom', path: [key], message: `expected a number for a ${column.type} column` });
      if (temporal && Number.isNaN(Date.parse(String(value))))
        ctx.addIssue({ code: 'custom', path: [key], message: `expected an ISO date for a ${column.type} column` });
      if (column.type === 'boolean')
        ctx.addIssue({ code: 'custom', path: [key], message: 'boolean columns take no bounds' });
    }
  });

/**
 * The `definition` JSON of `reporting.monitoring_file_schema_definition`. Unknown keys are kept
 * out of the result but tolerated: the table is shared with other teams' tools.
 *
 * @example
 * {
 *   "columns": [
 *     { "name": "trade_id", "type": "integer", "required": true, "unique": true },
 *     { "name": "price", "type": "number", "required": true, "min": 0 },
 *     { "name": "side", "type": "string", "allowedValues": ["buy", "sell"] },
 *     { "name": "traded_at", "type": "timestamp", "min": "2020-01-01T00:00:00Z" }
 *   ],
 *   "uniqueKeys": [["exchange", "trade_id"]],
 *   "additionalColumns": true
 * }
 */
export const schemaDefinitionSchema = z.object({
  columns: z.array(columnSchema).default([]),
  /** Composite keys whose values must be unique; `primaryKey` is one more. */
  uniqueKeys: z.array(z.array(z.string().min(1)).min(1)).default([]),
  primaryKey: z.array(z.string().min(1)).min(1).optional(),
  /** When false, every column the definition does not declare fails schema validation. @default true */
  additionalColumns: z.boolean().default(true),
});

export type ColumnDefinition = z.infer<typeof columnSchema>;

/** A parsed schema definition with its unique keys gathered in one list. */
export interface SchemaDefinition {
  readonly columns: readonly ColumnDefinition[];
  /** Every declared key: `primaryKey`, `uniqueKeys`, then each `unique: true` column. Deduplicated. */
  readonly keys: readonly (readonly string[])[];
  readonly additionalColumns: boolean;
}

/**
 * Parses a schema definition JSON (object or JSON text). Throws {@link SchemaDefinitionError}
 * listing every issue.
 */
export function parseSchemaDefinition(input: unknown): SchemaDefinition {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input) as unknown;
    } catch (error) {
      throw new SchemaDefinitionError(`schema definition is not JSON: ${(error as Error).message}`, error);
    }
  }
  const parsed = schemaDefinitionSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new SchemaDefinitionError(`schema definition is invalid: ${issues.join('; ')}`, parsed.error);
  }
  const { columns, uniqueKeys, primaryKey, additionalColumns } = parsed.data;
  const names = new Set<string>();
  for (const column of columns) {
    if (names.has(column.name))
      throw new SchemaDefinitionError(`schema definition is invalid: column '${column.name}' is declared twice`);
    names.add(column.name);
  }
  const candidates = [
    ...(primaryKey === undefined ? [] : [primaryKey]),
    ...uniqueKeys,
    ...columns.filter((c) => c.unique).map((c) => [c.name]),
  ];
  const seen = new Set<string>();
  const keys: string[][] = [];
  for (const key of candidates) {
    const id = JSON.stringify(key);
    if (seen.has(id)) continue;
    seen.add(id);
    keys.push(key);
  }
  return { columns, keys, additionalColumns };
}

/** A definition that declares nothing: every check passes vacuously and only profiling runs. */
export const EMPTY_SCHEMA_DEFINITION: SchemaDefinition = { columns: [], keys: [], additionalColumns: true };

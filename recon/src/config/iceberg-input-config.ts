import { z } from 'zod';

/** Iceberg snapshot ids are 64-bit: a YAML number above 2^53 has already lost digits. */
const snapshotIdSchema = z.union([
  z.string().regex(/^-?\d+$/, 'a snapshot id is an integer'),
  z
    .number()
    .int()
    .refine(
      Number.isSafeInteger,
      'this snapshot id is too large for a YAML number and lost digits: quote it ("6512876130458309812")',
    )
    .transform(String),
]);

/** The fields an input has for `format: iceberg`; ignored by the file formats (and rejected there). */
export const icebergInputFields = {
  /**
   * The catalog that knows the table: `local` (pointers in `<path>/catalog`) or `glue` (AWS Glue,
   * what the deployed jobs write; endpoint and catalog id from GLUE_ENDPOINT / GLUE_CATALOG_ID),
   * where `path` is then the warehouse of the table files, e.g. `s3://coattail-warehouse`.
   * @default 'local'
   */
  catalog: z.enum(['local', 'glue']).optional(),
  /** The table, `namespace.name` (e.g. `market.trades`). Required for `format: iceberg`. */
  table: z.string().min(1).optional(),
  /**
   * Where the table files live when not in `<path>/objects`: another folder (relative to the
   * config file). Only local folders are read by default; see `icebergInputResolver({ openStore })`.
   */
  warehouse: z.string().min(1).optional(),
  /** Read the table as of this snapshot id (time travel). @default the current snapshot */
  snapshotId: snapshotIdSchema.optional(),
  /** Read the table as it was at this time (ISO 8601, from the snapshot log). @default now */
  asOf: z
    .string()
    .refine((t) => !Number.isNaN(Date.parse(t)), 'asOf must be an ISO 8601 time, e.g. 2026-11-21T10:00:00Z')
    .optional(),
};

type IcebergFields = { format: string } & { [K in keyof typeof icebergInputFields]?: unknown };

/** Cross-field rules: a table for Iceberg, Iceberg fields only for Iceberg, one way to time travel. */
export function checkIcebergInput(input: IcebergFields, ctx: z.RefinementCtx): void {
  if (input.format === 'iceberg') {
    if (input.table === undefined)
      ctx.addIssue({ code: 'custom', path: ['table'], message: 'format: iceberg needs table: <namespace.name>' });
    if (input.catalog === 'glue' && input.warehouse !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['warehouse'],
        message: 'with catalog: glue, path is the warehouse (e.g. s3://coattail-warehouse); drop warehouse',
      });
    if (input.snapshotId !== undefined && input.asOf !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['asOf'], message: 'set snapshotId or asOf, not both' });
    }
    return;
  }
  for (const key of Object.keys(icebergInputFields) as (keyof typeof icebergInputFields)[]) {
    if (input[key] !== undefined)
      ctx.addIssue({ code: 'custom', path: [key], message: `${key} applies to format: iceberg only` });
  }
}

import { z } from 'zod';
import { csvInputSchema } from './csv-input-config.js';
import { checkIcebergInput, icebergInputFields } from './iceberg-input-config.js';

/** Where one side of the comparison lives. */
export const inputSchema = z
  .object({
    /**
     * A file, a folder (every file of `format` below it) or a glob. For `format: iceberg`, the
     * catalog folder: it holds `catalog/` (metadata pointers) and, unless `warehouse` says
     * otherwise, `objects/` (the table files). Relative to the config file.
     */
    path: z.string().min(1),
    /** @default 'auto' — from the file extension; a folder or glob without one needs a format. */
    format: z.enum(['auto', 'csv', 'parquet', 'iceberg']).default('auto'),
    /** One SQL boolean expression applied to this side before any check (trusted config). */
    filter: z.string().min(1).optional(),
    /** CSV reader options and declared column types; ignored for Parquet and Iceberg. */
    csv: csvInputSchema,
    ...icebergInputFields,
  })
  .strict()
  .superRefine(checkIcebergInput);

const toleranceSchema = z
  .object({
    /** @default 0 */ absolute: z.number().nonnegative().default(0),
    /** @default 0 */ relative: z.number().nonnegative().default(0),
  })
  .strict();

/** The whole reconciliation: inputs, keys, columns, tolerances, normalization, engine, outputs. */
export const reconConfigSchema = z
  .object({
    /** @default 'reconciliation' */
    name: z.string().min(1).default('reconciliation'),
    source: inputSchema,
    target: inputSchema,
    /** One or more key columns (source names). */
    primaryKey: z.union([
      z
        .string()
        .min(1)
        .transform((k) => [k]),
      z.array(z.string().min(1)).min(1),
    ]),
    /**
     * Rows sharing a key on one side: `first` compares the first occurrence in file order (as
     * datacompy does), `exclude` leaves every row of a duplicated key out of the value comparison,
     * `all` compares every row of the key on one side with every row on the other. @default 'first'
     */
    duplicates: z.enum(['first', 'exclude', 'all']).default('first'),
    columns: z
      .object({
        /** Compare only these (source names); default: every column present on both sides. */
        include: z.array(z.string().min(1)).optional(),
        /** @default [] */ exclude: z.array(z.string().min(1)).default([]),
        /** Source name → target name, for renamed columns. @default {} */
        map: z.record(z.string().min(1), z.string().min(1)).default({}),
      })
      .strict()
      .default({ exclude: [], map: {} }),
    /** Numeric tolerance `|s − t| ≤ absolute + relative·|t|`, with per-column overrides. */
    tolerance: toleranceSchema
      .extend({
        /** Per-column overrides; an omitted field falls back to the global value. @default {} */
        columns: z
          .record(
            z.string().min(1),
            z
              .object({ absolute: z.number().nonnegative().optional(), relative: z.number().nonnegative().optional() })
              .strict(),
          )
          .default({}),
      })
      .strict()
      .default({ absolute: 0, relative: 0, columns: {} }),
    normalize: z
      .object({
        /** Trim strings before comparing. @default false */ trim: z.boolean().default(false),
        /** Fold string case before comparing. @default 'preserve' */ case: z
          .enum(['preserve', 'lower', 'upper'])
          .default('preserve'),
        /** Truncate timestamps to this unit before comparing. @default 'microseconds' */
        timestampPrecision: z.enum(['microseconds', 'milliseconds', 'seconds', 'minutes']).default('microseconds'),
      })
      .strict()
      .default({ trim: false, case: 'preserve', timestampPrecision: 'microseconds' }),
    engine: z
      .object({
        /** DuckDB worker threads. @default the machine's cores */ threads: z.number().int().positive().optional(),
        /** DuckDB memory limit, e.g. '2GB'. @default 80 % of RAM (DuckDB's own default) */
        memoryLimit: z
          .string()
          .regex(/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB|%)$/i)
          .optional(),
        /** Where DuckDB spills when over the limit. */ tempDirectory: z.string().optional(),
        /**
         * Materialize inputs once in DuckDB before the checks: 'auto' does it for CSV only
         * (parsing is the cost), Parquet is rescanned; 'always' copies Parquet too. CSV is
         * materialized under 'never' as well: its rows are numbered in file order in that pass. @default 'auto'
         */
        cache: z.enum(['auto', 'always', 'never']).default('auto'),
      })
      .strict()
      .default({ cache: 'auto' }),
    output: z
      .object({
        /** @default 'recon-output' (relative to the config file) */ dir: z.string().min(1).default('recon-output'),
        /** Mismatch rows kept in result.json and the Excel sample sheet. @default 200 */
        sampleSize: z.number().int().nonnegative().max(100_000).default(200),
        /** Full mismatch export formats. @default ['parquet', 'csv'] */
        mismatchFormats: z.array(z.enum(['parquet', 'csv'])).default(['parquet', 'csv']),
        /** Write the Excel workbook. @default true */ excel: z.boolean().default(true),
      })
      .strict()
      .default({ dir: 'recon-output', sampleSize: 200, mismatchFormats: ['parquet', 'csv'], excel: true }),
  })
  .strict();

/** A config as written by a user (defaults optional). */
export type ReconConfigInput = z.input<typeof reconConfigSchema>;
/** A parsed config with every default filled in. */
export type ReconConfig = z.output<typeof reconConfigSchema>;
/** One side's input, parsed. */
export type InputConfig = z.output<typeof inputSchema>;

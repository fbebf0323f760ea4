import { z } from 'zod';

/** A DuckDB type name as users write it: `BIGINT`, `DECIMAL(18,6)`, `TIMESTAMP WITH TIME ZONE`, `VARCHAR[]`. */
const duckdbTypeSchema = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?(\[\])?$/,
    'a DuckDB type such as BIGINT, DOUBLE, DECIMAL(18,6), DATE, TIMESTAMP or VARCHAR',
  );

/** CSV reader options of one side (DuckDB `read_csv`); ignored for Parquet and Iceberg. */
export const csvInputSchema = z
  .object({
    /** @default ',' */ delimiter: z.string().min(1).max(4).default(','),
    /** @default true */ header: z.boolean().default(true),
    /** The quote character. @default sniffed (usually `"`) */ quote: z.string().length(1).optional(),
    /** Values read as NULL, e.g. `['', 'NULL', 'n/a']`. @default sniffed (the empty string) */
    nullStrings: z.array(z.string()).optional(),
    /** strptime format of DATE columns, e.g. `%d/%m/%Y`. @default sniffed */
    dateFormat: z.string().min(1).optional(),
    /** strptime format of TIMESTAMP columns, e.g. `%d/%m/%Y %H:%M:%S`. @default sniffed */
    timestampFormat: z.string().min(1).optional(),
    /**
     * Declared column types (column → DuckDB type): those columns are read with that type instead
     * of the sniffed one, and the schema check reports declared vs inferred. Declare the types of
     * the file's contract, e.g. `{ trade_count: VARCHAR }` for integers exported in quotes, which
     * the sniffer reads back as integers. @default {} (every type sniffed)
     */
    columns: z.record(z.string().min(1), duckdbTypeSchema).default({}),
  })
  .strict()
  .default({ delimiter: ',', header: true, columns: {} });

/** One side's CSV options, parsed. */
export type CsvInputConfig = z.output<typeof csvInputSchema>;

import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { InputConfig } from '../config/recon-config.js';
import { ReconError } from '../errors.js';
import { quoteLiteral } from '../sql/quote.js';
import { csvRelationSql } from './csv-input.js';
import { icebergInputResolver } from './iceberg-input.js';

/** A concrete file format DuckDB reads. */
export type ResolvedFormat = 'csv' | 'parquet';

/**
 * Turns one side's input config into a DuckDB table expression (`read_parquet(...)`, a table
 * function of an extension, ...). `format: 'iceberg'` is served by {@link icebergInputResolver}
 * unless another resolver is registered for it.
 */
export interface InputResolver {
  /** The SQL table expression to select from; every path in it must be quoted. */
  relationSql(input: InputConfig): Promise<string>;
}

const resolvers = new Map<string, InputResolver>();
const defaultIceberg = icebergInputResolver();

/**
 * Replaces the resolver of a config `format` (today only 'iceberg' is open for it), e.g. to
 * read an S3 warehouse or to plan files some other way.
 *
 * @example
 * registerInputResolver('iceberg', icebergInputResolver({ openStore: (warehouse) => s3StoreFor(warehouse) }));
 */
export function registerInputResolver(format: 'iceberg', resolver: InputResolver): void {
  resolvers.set(format, resolver);
}

/** A DuckDB table expression and the format behind it. */
export interface Relation {
  sql: string;
  format: ResolvedFormat | 'iceberg';
  /** For a CSV with declared column types: the same read without them (what the sniffer infers). */
  inferredSql?: string;
  /** For Parquet: the file, folder glob or glob read, whose footers carry per-row-group statistics. */
  parquetLocation?: string;
}

/** Builds the DuckDB table expression for an input, detecting the format when asked to. */
export async function resolveRelation(input: InputConfig): Promise<Relation> {
  if (input.format === 'iceberg') {
    const resolver = resolvers.get('iceberg') ?? defaultIceberg;
    return { sql: await resolver.relationSql(input), format: 'iceberg' };
  }
  const { format, location } = await resolveLocation(input);
  if (format === 'parquet')
    return { sql: `read_parquet(${quoteLiteral(location)}, union_by_name = true)`, format, parquetLocation: location };
  const sql = csvRelationSql(location, input.csv, true);
  if (Object.keys(input.csv.columns).length === 0) return { sql, format };
  return { sql, format, inferredSql: csvRelationSql(location, input.csv, false) };
}

/** How reports and errors name an input: its path, and for Iceberg the table and the snapshot read. */
export function inputLocation(input: InputConfig): string {
  if (input.format !== 'iceberg') return input.path;
  const at =
    input.snapshotId !== undefined
      ? ` @ snapshot ${input.snapshotId}`
      : input.asOf !== undefined
        ? ` @ ${input.asOf}`
        : '';
  return `${input.path} (Iceberg table ${input.table ?? '?'}${at})`;
}

/** Maps a file, folder or glob to a readable location and a concrete format. */
export async function resolveLocation(input: InputConfig): Promise<{ format: ResolvedFormat; location: string }> {
  const explicit = input.format === 'csv' || input.format === 'parquet' ? input.format : undefined;
  const info = await stat(input.path).catch(() => undefined);
  if (info?.isDirectory()) {
    const format = explicit ?? (await detectInFolder(input.path));
    return { format, location: join(input.path, '**', format === 'csv' ? '*.csv' : '*.parquet') };
  }
  const format = explicit ?? formatOfExtension(input.path);
  if (!format) {
    throw new ReconError(
      'INPUT_UNSUPPORTED',
      `cannot tell the format of '${input.path}': set format: csv or parquet in the config`,
      {
        domain: 'user',
      },
    );
  }
  return { format, location: input.path };
}

function formatOfExtension(path: string): ResolvedFormat | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return 'csv';
  if (ext === '.parquet' || ext === '.pq') return 'parquet';
  return undefined;
}

async function detectInFolder(folder: string): Promise<ResolvedFormat> {
  const entries = await readdir(folder, { recursive: true });
  for (const entry of entries) {
    const format = formatOfExtension(String(entry));
    if (format) return format;
  }
  throw new ReconError('INPUT_UNSUPPORTED', `folder '${folder}' holds no .csv or .parquet file`, { domain: 'user' });
}

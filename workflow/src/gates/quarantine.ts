import { mkdir, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { filesOf, fromItem, type GateInput } from './gate-input.js';
import { quoteIdent, quoteLiteral } from './sql-text.js';

/** A failed row rule as the quarantine writer needs it. */
export interface FailingRowRule {
  readonly id: string;
  /** TRUE for a row that breaks the rule. */
  readonly expression: string;
  /** The `row_number()` window a `unique` rule's expression reads. */
  readonly window?: { readonly slot: string; readonly sql: string };
}

/** Column added to quarantined rows: the ids of the rules each row broke. */
export const FAILED_RULES_COLUMN = '_failed_rules';
/** Column added to quarantined rows: the gate that set them aside. */
export const GATE_COLUMN = '_gate';

/**
 * Where the passing rows go: one Parquet file (`path`), or back into the input's own files
 * (`inPlace`): each file is replaced by its rows that passed, same path and format, so whatever
 * reads the dataset by name afterwards sees only passing rows.
 */
export type PassedRows = { readonly path: string } | { readonly inPlace: Exclude<GateInput, { format: 'relation' }> };

/** The column naming each row's source file while files are rewritten in place. */
const SOURCE_FILE = '__gate_source_file';

async function rewriteInPlace(
  connection: DuckDBConnection,
  input: Exclude<GateInput, { format: 'relation' }>,
  select: (from: string, extra: readonly string[]) => string,
): Promise<void> {
  const from = fromItem(input, filesOf(input), SOURCE_FILE);
  const format =
    input.format === 'parquet'
      ? 'FORMAT parquet, COMPRESSION zstd'
      : `FORMAT csv, HEADER true, DELIMITER ${quoteLiteral(input.delimiter)}`;
  // Every file is written beside itself first and renamed only when all are written.
  for (const file of input.paths)
    await connection.run(
      `COPY (${select(from, [SOURCE_FILE])} AND ${quoteIdent(SOURCE_FILE)} = ${quoteLiteral(file)}) TO ${quoteLiteral(`${file}.gate-tmp`)} (${format})`,
    );
  for (const file of input.paths) await rename(`${file}.gate-tmp`, file);
}

/**
 * Writes the rows breaking any of `rules` to `quarantinePath` (Parquet) with the rules they broke,
 * and the other rows where `passed` says. Every write is a COPY statement inside DuckDB.
 * Returns how many rows were quarantined.
 */
export async function writeQuarantine(
  connection: DuckDBConnection,
  from: string,
  gate: string,
  rules: readonly FailingRowRule[],
  quarantinePath: string,
  passed: PassedRows | undefined,
): Promise<number> {
  const windows = rules.flatMap((r) => (r.window === undefined ? [] : [r.window]));
  const based = (source: string) =>
    windows.length === 0 ? source : `(SELECT *, ${windows.map((w) => w.sql).join(', ')} FROM ${source}) AS gated`;
  const all = (extra: readonly string[] = []) => {
    const hidden = [...windows.map((w) => w.slot), ...extra];
    return hidden.length === 0 ? '*' : `* EXCLUDE (${hidden.map(quoteIdent).join(', ')})`;
  };
  const failing = rules.map((r) => r.expression).join(' OR ');
  const broken = `list_filter([${rules.map((r) => `CASE WHEN ${r.expression} THEN ${quoteLiteral(r.id)} END`).join(', ')}], x -> x IS NOT NULL)`;
  await mkdir(dirname(quarantinePath), { recursive: true });
  await connection.run(
    `COPY (SELECT ${all()}, ${broken} AS ${FAILED_RULES_COLUMN}, ${quoteLiteral(gate)} AS ${GATE_COLUMN} ` +
      `FROM ${based(from)} WHERE ${failing}) TO ${quoteLiteral(quarantinePath)} (FORMAT parquet, COMPRESSION zstd)`,
  );
  const passing = (source: string, extra: readonly string[] = []) =>
    `SELECT ${all(extra)} FROM ${based(source)} WHERE NOT (${failing})`;
  if (passed !== undefined && 'inPlace' in passed) await rewriteInPlace(connection, passed.inPlace, passing);
  else if (passed !== undefined) {
    await mkdir(dirname(passed.path), { recursive: true });
    await connection.run(`COPY (${passing(from)}) TO ${quoteLiteral(passed.path)} (FORMAT parquet, COMPRESSION zstd)`);
  }
  const reader = await connection.runAndReadAll(
    `SELECT count(*) AS n FROM read_parquet(${quoteLiteral(quarantinePath)})`,
  );
  return Number(reader.getRowObjectsJson()[0]!.n);
}

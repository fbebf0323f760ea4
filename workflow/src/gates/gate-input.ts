import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import { quoteIdent, quoteLiteral } from './sql-text.js';

/**
 * The stage output a gate checks: Parquet or CSV files, or a relation (table, view or
 * parenthesised query) on the caller's DuckDB connection. DuckDB reads it; rows never come to JS.
 */
export const gateInputSchema = z.discriminatedUnion('format', [
  z.object({ format: z.literal('parquet'), paths: z.array(z.string().min(1)) }).strict(),
  z
    .object({
      format: z.literal('csv'),
      paths: z.array(z.string().min(1)),
      /** @default ',' */
      delimiter: z.string().length(1).default(','),
    })
    .strict(),
  z.object({ format: z.literal('relation'), relation: z.string().min(1) }).strict(),
]);
export type GateInputOptions = z.input<typeof gateInputSchema>;
export type GateInput = z.output<typeof gateInputSchema>;

/** A column of the checked data as DuckDB sees it. */
export interface InputColumn {
  readonly name: string;
  /** DuckDB's type name, e.g. `BIGINT`, `VARCHAR`, `TIMESTAMP WITH TIME ZONE`. */
  readonly type: string;
}

/**
 * The FROM item that reads one or more of the input's files (all of them by default), with the
 * path of each row's file in `fileColumn` when one is named.
 */
export function fromItem(input: GateInput, paths: readonly string[] = filesOf(input), fileColumn?: string): string {
  const list = `[${paths.map(quoteLiteral).join(', ')}]`;
  const file = fileColumn === undefined ? '' : `, filename = ${quoteLiteral(fileColumn)}`;
  switch (input.format) {
    case 'parquet':
      return `read_parquet(${list}, union_by_name = true${file})`;
    case 'csv':
      return `read_csv(${list}, header = true, union_by_name = true, delim = ${quoteLiteral(input.delimiter)}${file})`;
    case 'relation':
      return input.relation;
  }
}

/** The files of an input; a relation has none. */
export function filesOf(input: GateInput): readonly string[] {
  return input.format === 'relation' ? [] : input.paths;
}

/** The input's columns; throws DuckDB's error when the input cannot be opened. */
export async function describeInput(connection: DuckDBConnection, from: string): Promise<InputColumn[]> {
  const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`);
  return reader
    .getRowObjectsJson()
    .map((row) => ({ name: row.column_name as string, type: row.column_type as string }));
}

/**
 * Reads every column of every file once, file by file, and names those DuckDB cannot read:
 * a corrupt page shows up only when its column is decoded, not when the footer is opened.
 */
export async function unreadableFiles(
  connection: DuckDBConnection,
  input: GateInput,
  columns: readonly InputColumn[],
): Promise<string[]> {
  const reasons: string[] = [];
  const counts = columns.map((c) => `max(hash(${quoteIdent(c.name)}))`).join(', ');
  for (const path of filesOf(input)) {
    try {
      await connection.run(`SELECT count(*), ${counts} FROM ${fromItem(input, [path])}`);
    } catch (error) {
      reasons.push(`cannot read ${path}: ${firstLine(error)}`);
    }
  }
  return reasons;
}

/** DuckDB's message without its multi-line context, for reasons people read. */
export function firstLine(error: unknown): string {
  // DuckDB and Node only ever throw Error objects here.
  return (error as Error).message.split('\n')[0]!.trim();
}

import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
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
 * Writes the rows breaking any of `rules` to `quarantinePath` (Parquet) with the rules they broke,
 * and the other rows to `passedPath` when given. Both are single COPY statements inside DuckDB.
 * Returns how many rows were quarantined.
 */
export async function writeQuarantine(
  connection: DuckDBConnection,
  from: string,
  gate: string,
  rules: readonly FailingRowRule[],
  quarantinePath: string,
  passedPath: string | undefined,
): Promise<number> {
  const windows = rules.flatMap((r) => (r.window === undefined ? [] : [r.window]));
  const base =
    windows.length === 0 ? from : `(SELECT *, ${windows.map((w) => w.sql).join(', ')} FROM ${from}) AS gated`;
  const all = windows.length === 0 ? '*' : `* EXCLUDE (${windows.map((w) => quoteIdent(w.slot)).join(', ')})`;
  const failing = rules.map((r) => r.expression).join(' OR ');
  const broken = `list_filter([${rules.map((r) => `CASE WHEN ${r.expression} THEN ${quoteLiteral(r.id)} END`).join(', ')}], x -> x IS NOT NULL)`;
  await mkdir(dirname(quarantinePath), { recursive: true });
  await connection.run(
    `COPY (SELECT ${all}, ${broken} AS ${FAILED_RULES_COLUMN}, ${quoteLiteral(gate)} AS ${GATE_COLUMN} ` +
      `FROM ${base} WHERE ${failing}) TO ${quoteLiteral(quarantinePath)} (FORMAT parquet, COMPRESSION zstd)`,
  );
  if (passedPath !== undefined) {
    await mkdir(dirname(passedPath), { recursive: true });
    await connection.run(
      `COPY (SELECT ${all} FROM ${base} WHERE NOT (${failing})) TO ${quoteLiteral(passedPath)} (FORMAT parquet, COMPRESSION zstd)`,
    );
  }
  const reader = await connection.runAndReadAll(
    `SELECT count(*) AS n FROM read_parquet(${quoteLiteral(quarantinePath)})`,
  );
  return Number(reader.getRowObjectsJson()[0]!.n);
}

/**
 * SQL quoting for DuckDB. Every identifier and path that reaches a SQL string goes through
 * these two functions; values supplied at run time go through prepared-statement parameters.
 */

/** Quotes an identifier: `my "col"` → `"my ""col"""`. Safe for any column or table name. */
export function quoteIdent(name: string): string {
  if (name.includes('\u0000')) throw new Error('identifier contains a NUL character');
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal: `it's` → `'it''s'`. Used for file paths and column names as values. */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new Error('literal contains a NUL character');
  return `'${value.replaceAll("'", "''")}'`;
}

/** A list of string literals, for DuckDB functions that take `[...]` of paths. */
export function quoteLiteralList(values: readonly string[]): string {
  return `[${values.map(quoteLiteral).join(', ')}]`;
}

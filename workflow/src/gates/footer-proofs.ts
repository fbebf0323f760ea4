import type { DuckDBConnection } from '@duckdb/node-api';
import { z } from 'zod';
import {
  dictionaryCandidate,
  proveFromDictionaries,
  signedIntegerAnnotation,
  type DictionaryCandidate,
  type StoredColumn,
} from './dictionary-proofs.js';
import type { GateRule } from './gate-config.js';
import type { GateInput, InputColumn } from './gate-input.js';
import type { Planned } from './plan-measure.js';
import { boundsFailure, isNumericType } from './rule-sql.js';
import { quoteLiteral } from './sql-text.js';

type BoundsRule = Extract<GateRule, { type: 'bounds' }>;
type NotNullRule = Extract<GateRule, { type: 'not_null' }>;

/** Rules the Parquet footers prove hold on every row, and the rows the footers count. */
export interface FooterProofs {
  readonly rowCount: number;
  /** Ids of the rules proven to have no failing row. */
  readonly proven: ReadonlySet<string>;
}

/** Physical types whose `min_value`/`max_value` order is the order DuckDB compares values in. */
const ORDERED_PHYSICAL = new Set(['INT32', 'INT64', 'FLOAT', 'DOUBLE']);
const TIMESTAMP_TYPES = new Set(['DATE', 'TIMESTAMP', 'TIMESTAMP_S', 'TIMESTAMP_MS', 'TIMESTAMP_NS']);

/**
 * Whether the bounds test is monotone in the column's value, so that a row group whose minimum and
 * maximum pass has every value passing: numbers against numbers, dates and timestamps against ISO
 * timestamps. Not text (its order is not the numbers'), unsigned integers (older writers compared
 * them as signed), times with a time zone (their local time is not monotone across a DST change),
 * nor a float or double under a `max` (DuckDB sorts NaN above every number, and Parquet writers
 * leave NaN out of the statistics).
 */
function monotoneBounds(rule: BoundsRule, type: string): boolean {
  const bounds = [rule.min, rule.max].filter((b) => b !== undefined);
  if (bounds.every((b) => typeof b === 'number'))
    return (
      isNumericType(type) &&
      !type.startsWith('U') &&
      !((type === 'FLOAT' || type === 'DOUBLE') && rule.max !== undefined)
    );
  return TIMESTAMP_TYPES.has(type) && bounds.every((b) => typeof b === 'string' && !Number.isNaN(Date.parse(b)));
}

/**
 * The columns DuckDB reads from `key=value` folders (hive partitioning): they hold the folder's
 * value in place of any column of that name in the file, so the footer does not describe them.
 */
function partitionKeys(files: readonly string[]): Set<string> {
  const keys = new Set<string>();
  for (const file of files)
    for (const folder of file.split(/[\\/]/).slice(0, -1)) {
      const match = /^([^=]+)=/.exec(folder);
      if (match !== null) keys.add(match[1]!.toLowerCase());
    }
  return keys;
}

/** A top-level column of the files: the DuckDB types and Parquet physical types it has across them. */
interface Leaf extends StoredColumn {
  readonly types: Set<string>;
  readonly physical: Set<string>;
  signedInteger: boolean;
}

const fileRows = z.array(z.object({ file_name: z.string(), num_rows: z.string() }));
const schemaRows = z.array(
  z.object({
    file_name: z.string(),
    name: z.string(),
    type: z.string(),
    converted_type: z.string(),
    logical_type: z.string(),
    duckdb_type: z.string(),
    is_group: z.boolean(),
  }),
);

/** The files' top-level columns, or undefined for nested files (a leaf's path is then not its name). */
async function flatColumns(connection: DuckDBConnection, files: string): Promise<Map<string, Leaf> | undefined> {
  const schema = schemaRows.parse(
    (
      await connection.runAndReadAll(
        `SELECT file_name, name, coalesce(type, '') AS type, coalesce(converted_type, '') AS converted_type, ` +
          `coalesce(logical_type, '') AS logical_type, coalesce(duckdb_type, '') AS duckdb_type, ` +
          `num_children IS NOT NULL AS is_group FROM parquet_schema(${files})`,
      )
    ).getRowObjectsJson(),
  );
  // Each file has one root group; any other group is a nested column.
  const groups = schema.filter((r) => r.is_group);
  if (new Set(groups.map((r) => r.file_name)).size !== groups.length) return undefined;
  const leaves = new Map<string, Leaf>();
  for (const r of schema.filter((s) => !s.is_group)) {
    const leaf = leaves.get(r.name) ?? { types: new Set<string>(), physical: new Set<string>(), signedInteger: true };
    leaf.types.add(r.duckdb_type);
    leaf.physical.add(r.type);
    leaf.signedInteger &&= signedIntegerAnnotation(r.converted_type, r.logical_type);
    leaves.set(r.name, leaf);
  }
  return leaves;
}

/**
 * The number of row groups (holding rows) in which the footer proves the rule, as an aggregate over
 * `parquet_metadata`; undefined when this column's statistics cannot prove it.
 */
function proofTerm(rule: NotNullRule | BoundsRule, type: string, leaf: Leaf): string | undefined {
  const groupOf = `path_in_schema = ${quoteLiteral(rule.column)} AND row_group_num_rows > 0`;
  if (rule.type === 'not_null') return `count(*) FILTER (WHERE ${groupOf} AND stats_null_count = 0)`;
  if (![...leaf.physical].every((t) => ORDERED_PHYSICAL.has(t)) || !monotoneBounds(rule, type)) return undefined;
  const end = (stat: string) => `TRY_CAST(${stat} AS ${type})`;
  // A NaN minimum (older writers) says nothing about the numbers below it.
  const nan = (stat: string) => (type === 'FLOAT' || type === 'DOUBLE' ? ` AND NOT isnan(${end(stat)})` : '');
  const holds = (stat: string) =>
    `(${end(stat)} IS NOT NULL${nan(stat)} AND NOT ${boundsFailure(end(stat), type, rule.min, rule.max)})`;
  // A group holding only nulls has no min/max, and nulls pass bounds.
  return `count(*) FILTER (WHERE ${groupOf} AND (stats_null_count = row_group_num_rows OR (${holds('stats_min_value')} AND ${holds('stats_max_value')})))`;
}

/**
 * Proves rules from the Parquet footers instead of reading rows, as Iceberg and Delta readers skip
 * data: `not_null` where every row group counts 0 nulls, `bounds` where every row group's minimum
 * and maximum lie within the bounds (or the group holds only nulls), `allowed_values` on text or
 * signed integers where every column chunk's dictionary holds allowed values only ({@link proveFromDictionaries}). Only
 * statistics that are present for every row group of every file are trusted, min/max only in their
 * typed form (`min_value`/`max_value`) and only for numbers, dates and timestamps; a rule the
 * footers do not prove is left to the scan, which then counts its failures exactly. Nested files
 * prove nothing.
 */
export async function proveFromFooters(
  connection: DuckDBConnection,
  input: GateInput,
  planned: readonly Planned[],
  columns: readonly InputColumn[],
): Promise<FooterProofs | undefined> {
  if (input.format !== 'parquet') return undefined;
  try {
    return await readProofs(connection, `[${input.paths.map(quoteLiteral).join(', ')}]`, planned, columns);
  } catch {
    return undefined; // a footer DuckDB cannot read: the scan reads the rows and names the file
  }
}

async function readProofs(
  connection: DuckDBConnection,
  files: string,
  planned: readonly Planned[],
  columns: readonly InputColumn[],
): Promise<FooterProofs> {
  const meta = fileRows.parse(
    (
      await connection.runAndReadAll(`SELECT file_name, num_rows FROM parquet_file_metadata(${files})`)
    ).getRowObjectsJson(),
  );
  const rowCount = meta.reduce((sum, f) => sum + Number(f.num_rows), 0);
  const leaves = await flatColumns(connection, files);
  const proven = new Set<string>();
  if (leaves === undefined) return { rowCount, proven };
  const partitioned = partitionKeys(meta.map((f) => f.file_name));

  const terms: { id: string; term: string }[] = [];
  const dictionaries: DictionaryCandidate[] = [];
  for (const p of planned) {
    const rule = p.rule;
    if (p.error !== undefined || (rule.type !== 'not_null' && rule.type !== 'bounds' && rule.type !== 'allowed_values'))
      continue;
    const type = columns.find((c) => c.name === rule.column)!.type;
    const leaf = partitioned.has(rule.column.toLowerCase()) ? undefined : leaves.get(rule.column);
    // Every file must hold the column as the type the scan reads, so no value is converted.
    if (leaf === undefined || leaf.types.size !== 1 || !leaf.types.has(type)) continue;
    if (rule.type === 'allowed_values') {
      const candidate = dictionaryCandidate(p.id, rule, type, leaf);
      if (candidate !== undefined) dictionaries.push(candidate);
      continue;
    }
    const term = proofTerm(rule, type, leaf);
    if (term !== undefined) terms.push({ id: p.id, term });
  }
  for (const id of await proveFromDictionaries(connection, files, dictionaries)) proven.add(id);
  if (terms.length === 0) return { rowCount, proven };
  const row = (
    await connection.runAndReadAll(
      `SELECT count(DISTINCT (file_name, row_group_id)) FILTER (WHERE row_group_num_rows > 0) AS groups, ` +
        `${terms.map((t, i) => `${t.term} AS p${i}`).join(', ')} FROM parquet_metadata(${files})`,
    )
  ).getRowObjectsJson()[0]!;
  terms.forEach((t, i) => {
    if (Number(row[`p${i}`]) === Number(row.groups)) proven.add(t.id);
  });
  return { rowCount, proven };
}

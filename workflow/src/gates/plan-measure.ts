import type { DuckDBConnection } from '@duckdb/node-api';
import { isRowRule, ruleId, type GateRule } from './gate-config.js';
import { firstLine, type InputColumn } from './gate-input.js';
import { duplicateScreenTerm, failureExpression } from './rule-sql.js';
import { freshnessTerm } from './table-rules.js';

/** A rule as the gate will measure it: its aggregate term, or why it cannot be measured. */
export interface Planned {
  readonly rule: GateRule;
  readonly id: string;
  /** Aggregate term computing the rule's measure, absent for schema and row_count rules. */
  readonly term?: string;
  readonly error?: string;
}

function missingColumns(rule: GateRule, columns: readonly InputColumn[]): string | undefined {
  const names = new Set(columns.map((c) => c.name));
  const wanted = rule.type === 'unique' ? rule.columns : 'column' in rule ? [rule.column] : [];
  const missing = wanted.filter((c) => !names.has(c));
  if (missing.length === 0) return undefined;
  return `column(s) ${missing.map((c) => `'${c}'`).join(', ')} not in the input (it has ${[...names].join(', ')})`;
}

/** Plans one rule over the input's columns. */
export function plan(rule: GateRule, columns: readonly InputColumn[]): Planned {
  const id = ruleId(rule);
  const missing = missingColumns(rule, columns);
  if (missing !== undefined) return { rule, id, error: missing };
  if (rule.type === 'unique') return { rule, id, term: duplicateScreenTerm(rule.columns) };
  if (isRowRule(rule)) return { rule, id, term: `count(*) FILTER (WHERE ${failureExpression(rule, columns, '')})` };
  if (rule.type === 'freshness') return { rule, id, term: freshnessTerm(rule, columns) };
  return { rule, id };
}

/** Binds each term alone so one bad predicate is named instead of failing the whole gate opaquely. */
export async function bindTerms(connection: DuckDBConnection, from: string, planned: Planned[]): Promise<Planned[]> {
  const out: Planned[] = [];
  for (const p of planned) {
    if (p.term === undefined) {
      out.push(p);
      continue;
    }
    try {
      await connection.prepare(`SELECT ${p.term} FROM ${from}`);
      out.push(p);
    } catch (error) {
      out.push({ rule: p.rule, id: p.id, error: `cannot be evaluated: ${firstLine(error)}` });
    }
  }
  return out;
}

/** What the aggregate pass measured: rows, each rule's value, rules that could not be measured. */
export type Measures = { rowCount: number; values: Map<string, number | null>; errors: Map<string, string> };

/** One aggregate query measuring the row count and every planned term. */
export async function measure(
  connection: DuckDBConnection,
  from: string,
  planned: readonly Planned[],
): Promise<Measures> {
  const withTerms = planned.filter((p): p is Planned & { term: string } => p.term !== undefined && !p.error);
  const terms = withTerms.map((p, i) => `${p.term} AS t${i}`);
  const reader = await connection.runAndReadAll(`SELECT ${['count(*) AS n', ...terms].join(', ')} FROM ${from}`);
  const row = reader.getRowObjectsJson()[0]!;
  const values = new Map<string, number | null>();
  withTerms.forEach((p, i) => values.set(p.id, row[`t${i}`] === null ? null : Number(row[`t${i}`])));
  return { rowCount: Number(row.n), values, errors: new Map() };
}

/** After the combined query failed on readable input: one query per rule names the culprit(s). */
export async function measureEach(
  connection: DuckDBConnection,
  from: string,
  planned: readonly Planned[],
): Promise<Measures> {
  const result = await measure(connection, from, []);
  for (const p of planned) {
    if (p.term === undefined || p.error !== undefined) continue;
    try {
      const one = await measure(connection, from, [p]);
      result.values.set(p.id, one.values.get(p.id)!);
    } catch (error) {
      result.errors.set(p.id, `cannot be evaluated: ${firstLine(error)}`);
    }
  }
  return result;
}

import type { DuckDBConnection } from '@duckdb/node-api';
import type { GateRule } from './gate-config.js';
import type { InputColumn } from './gate-input.js';
import type { RuleResult } from './gate-result.js';
import { CAST_TYPE, isNumericType, typeMatches } from './rule-sql.js';
import { quoteIdent } from './sql-text.js';

type SchemaRule = Extract<GateRule, { type: 'schema' }>;
type RowCountRule = Extract<GateRule, { type: 'row_count' }>;
type FreshnessRule = Extract<GateRule, { type: 'freshness' }>;

function tableResult(
  rule: GateRule,
  id: string,
  passed: boolean,
  rowCount: number,
  fields: { observed: string | number; expected: string; message: string; column?: string },
): RuleResult {
  return { id, type: rule.type, scope: 'table', passed, failedCount: passed ? 0 : 1, totalCount: rowCount, ...fields };
}

/**
 * Checks declared columns and types. A text column (CSV) declared as another type passes when
 * every value casts; otherwise the message counts the values that do not and shows a few, which
 * is how a column of mixed types surfaces.
 */
export async function checkSchema(
  connection: DuckDBConnection,
  from: string,
  rule: SchemaRule,
  id: string,
  columns: readonly InputColumn[],
  rowCount: number,
): Promise<RuleResult> {
  const problems: string[] = [];
  const byName = new Map(columns.map((c) => [c.name, c.type]));
  for (const declared of rule.columns) {
    const type = byName.get(declared.name);
    if (type === undefined) {
      problems.push(`column '${declared.name}' is missing`);
    } else if (!typeMatches(declared.type, type)) {
      if (type !== 'VARCHAR') {
        problems.push(`column '${declared.name}' is ${type}, expected ${declared.type}`);
        continue;
      }
      const col = quoteIdent(declared.name);
      const reader = await connection.runAndReadAll(
        `SELECT count(*) AS bad, list(DISTINCT ${col})[1:3] AS examples FROM ${from} ` +
          `WHERE ${col} IS NOT NULL AND TRY_CAST(${col} AS ${CAST_TYPE[declared.type]}) IS NULL`,
      );
      const row = reader.getRowObjectsJson()[0]!;
      const bad = Number(row.bad);
      if (bad > 0)
        problems.push(
          `column '${declared.name}' mixes types: ${bad} value(s) are not ${declared.type} (e.g. ${JSON.stringify(row.examples)})`,
        );
    }
  }
  if (!rule.additionalColumns) {
    const declared = new Set(rule.columns.map((c) => c.name));
    const extra = columns.filter((c) => !declared.has(c.name)).map((c) => c.name);
    if (extra.length > 0) problems.push(`undeclared column(s): ${extra.join(', ')}`);
  }
  const expected = rule.columns.map((c) => `${c.name}: ${c.type}`).join(', ');
  return tableResult(rule, id, problems.length === 0, rowCount, {
    observed: columns.map((c) => `${c.name}: ${c.type}`).join(', '),
    expected,
    message: problems.length === 0 ? 'schema matches' : `schema differs: ${problems.join('; ')}`,
  });
}

/** Checks the number of rows against the expected range. */
export function checkRowCount(rule: RowCountRule, id: string, rowCount: number): RuleResult {
  const low = rule.min === undefined || rowCount >= rule.min;
  const high = rule.max === undefined || rowCount <= rule.max;
  const expected = `${rule.min ?? 0} ≤ rows${rule.max === undefined ? '' : ` ≤ ${rule.max}`}`;
  return tableResult(rule, id, low && high, rowCount, {
    observed: rowCount,
    expected,
    message: low && high ? `${rowCount} rows` : `${rowCount} rows, expected ${expected}`,
  });
}

/** The aggregate term giving the newest value of a freshness column in epoch milliseconds. */
export function freshnessTerm(rule: FreshnessRule, columns: readonly InputColumn[]): string {
  const col = quoteIdent(rule.column);
  const type = columns.find((c) => c.name === rule.column)!.type;
  return isNumericType(type) ? `CAST(max(${col}) AS DOUBLE)` : `epoch_ms(max(TRY_CAST(${col} AS TIMESTAMP)))`;
}

/** Checks that the newest value is no older than `maxAgeMs` at `now`. */
export function checkFreshness(
  rule: FreshnessRule,
  id: string,
  newest: number | null,
  now: number,
  rowCount: number,
): RuleResult {
  const expected = `newest ${rule.column} at most ${rule.maxAgeMs} ms old`;
  if (newest === null)
    return tableResult(rule, id, false, rowCount, {
      column: rule.column,
      observed: 'no values',
      expected,
      message: `freshness of '${rule.column}' cannot be judged: no non-null timestamp values`,
    });
  const age = now - newest;
  const passed = age <= rule.maxAgeMs;
  return tableResult(rule, id, passed, rowCount, {
    column: rule.column,
    observed: age,
    expected,
    message: passed
      ? `newest '${rule.column}' is ${age} ms old`
      : `stale: newest '${rule.column}' is ${age} ms old, allowed ${rule.maxAgeMs} ms`,
  });
}

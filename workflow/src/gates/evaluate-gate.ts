import type { DuckDBConnection } from '@duckdb/node-api';
import { rulesFromSchemaDefinition } from './definition-rules.js';
import { screenDuplicates } from './duplicate-screen.js';
import { GateConfigError } from './errors.js';
import { proveFromFooters } from './footer-proofs.js';
import { isRowRule, parseGateConfig, type GateConfig, type GateRule, type RowRule } from './gate-config.js';
import {
  describeInput,
  filesOf,
  firstLine,
  fromItem,
  gateInputSchema,
  unreadableFiles,
  type GateInput,
  type InputColumn,
} from './gate-input.js';
import type { GateResult, RuleResult } from './gate-result.js';
import { bindTerms, measure, measureEach, plan, type Measures, type Planned } from './plan-measure.js';
import { writeQuarantine, type FailingRowRule } from './quarantine.js';
import { rowRuleResult } from './row-results.js';
import { duplicateCountTerm, failureExpression, uniqueWindow } from './rule-sql.js';
import { checkFreshness, checkRowCount, checkSchema } from './table-rules.js';

/** Options of {@link evaluateGate}. */
export interface EvaluateGateOptions {
  /** Parquet file the failing rows of a `quarantine` gate are written to (required for that action). */
  quarantinePath?: string;
  /** Parquet file the passing rows of a `quarantine` gate are written to. @default not written */
  passedPath?: string;
  /**
   * A `quarantine` gate replaces each input file with its own passing rows (same path and
   * format), so readers of the dataset see only what passed. Files only. @default false
   */
  passedInPlace?: boolean;
  /** The clock freshness rules read, in epoch milliseconds. @default Date.now() */
  now?: number;
  /**
   * Proves `not_null` and `bounds` rules from Parquet footer statistics where they are exact, and
   * `allowed_values` on text and signed integers from the column chunks' dictionary pages where
   * every data page uses them, and scans only for the rest; results are the same as with a full
   * scan. `false` reads every rule's columns. @default true
   */
  footerStatistics?: boolean;
}

function errorResult(p: Planned, error: string, rowCount: number): RuleResult {
  const scope = isRowRule(p.rule) ? 'row' : 'table';
  return {
    id: p.id,
    type: p.rule.type,
    scope,
    passed: false,
    failedCount: 0,
    totalCount: rowCount,
    expected: '',
    message: `rule ${p.id} ${error}`,
    error,
  };
}

async function openFailure(connection: DuckDBConnection, input: GateInput, error: unknown): Promise<string[]> {
  const reasons: string[] = [];
  for (const path of filesOf(input)) {
    try {
      await describeInput(connection, fromItem(input, [path]));
    } catch (fileError) {
      reasons.push(`cannot read ${path}: ${firstLine(fileError)}`);
    }
  }
  return reasons.length > 0 ? reasons : [`cannot read the input: ${firstLine(error)}`];
}

/**
 * A `unique` rule's screen, a pass of its own: its key's hashes compared in this process
 * ({@link screenDuplicates}), or in DuckDB past the keys that screen holds. Above 0, the exact
 * count runs.
 */
async function uniqueScreen(connection: DuckDBConnection, from: string, p: Planned, rowCount: number) {
  const rule = p.rule as Extract<GateRule, { type: 'unique' }>;
  const outcome = await screenDuplicates(connection, from, rule.columns, rowCount);
  if (outcome === 'too_many') return (await measure(connection, from, [p])).values.get(p.id)!;
  return outcome === 'candidate' ? 1 : 0;
}

async function ruleResults(
  connection: DuckDBConnection,
  from: string,
  planned: readonly Planned[],
  columns: readonly InputColumn[],
  measures: Measures,
  now: number,
): Promise<RuleResult[]> {
  const n = measures.rowCount;
  const results: RuleResult[] = [];
  for (const p of planned) {
    const error = p.error ?? measures.errors.get(p.id);
    if (error !== undefined) {
      results.push(errorResult(p, error, n));
      continue;
    }
    const rule = p.rule;
    if (rule.type === 'schema') {
      try {
        results.push(await checkSchema(connection, from, rule, p.id, columns, n));
      } catch (schemaError) {
        results.push(errorResult(p, `cannot be evaluated: ${firstLine(schemaError)}`, n));
      }
    } else if (rule.type === 'row_count') results.push(checkRowCount(rule, p.id, n));
    else if (rule.type === 'freshness') results.push(checkFreshness(rule, p.id, measures.values.get(p.id)!, now, n));
    else {
      let failed = measures.values.get(p.id)!;
      if (rule.type === 'unique' && failed > 0) {
        const exact = await measure(connection, from, [{ ...p, term: duplicateCountTerm(rule.columns) }]);
        failed = exact.values.get(p.id)!;
      }
      results.push(rowRuleResult(rule, p.id, failed, n));
    }
  }
  return results;
}

function failingRowRules(broken: readonly RuleResult[], planned: readonly Planned[], columns: readonly InputColumn[]) {
  return broken.map((r, i): FailingRowRule => {
    const rule = planned.find((p) => p.id === r.id)!.rule as RowRule;
    const slot = `__gate_unique_${i}`;
    const expression = failureExpression(rule, columns, slot);
    return rule.type === 'unique'
      ? { id: r.id, expression, window: { slot, sql: uniqueWindow(rule.columns, slot) } }
      : { id: r.id, expression };
  });
}

/**
 * Evaluates a quality gate over a stage's output inside DuckDB: the Parquet footers prove the rules
 * their statistics can (see {@link proveFromFooters}), one aggregate pass measures every other rule
 * but a Parquet input's `unique` rules, whose keys' hashes are screened in a pass of their own
 * ({@link screenDuplicates}; exact counts run only when a screen sees two equal hashes); a
 * `quarantine` gate then copies the failing rows (with the ids of the rules they broke) to a
 * quarantine dataset. Expected outcomes — broken rules, unreadable files, a bad predicate, a
 * missing column — come back as a {@link GateResult}; only a misdeclared gate or call throws
 * ({@link GateConfigError}). A rule that cannot be evaluated fails the gate whatever its action: an
 * unchecked rule must not pass silently.
 *
 * @example
 * const result = await evaluateGate(connection, { name: 'trades', action: 'quarantine', rules: [
 *   { type: 'not_null', column: 'price' }, { type: 'bounds', column: 'price', min: 0 },
 * ] }, { format: 'parquet', paths: ['out/trades.parquet'] }, { quarantinePath: 'quarantine/trades.parquet' });
 * if (result.status === 'failed') throw new Error(result.reasons.join('; '));
 */
export async function evaluateGate(
  connection: DuckDBConnection,
  config: unknown,
  inputOptions: unknown,
  options: EvaluateGateOptions = {},
): Promise<GateResult> {
  const started = performance.now();
  const gate: GateConfig = parseGateConfig(config);
  const parsedInput = gateInputSchema.safeParse(inputOptions);
  if (!parsedInput.success)
    throw new GateConfigError(
      `input of gate '${gate.name}' is invalid: ${parsedInput.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  const input = parsedInput.data;
  const { quarantinePath } = options;
  if (gate.action === 'quarantine' && quarantinePath === undefined)
    throw new GateConfigError(
      `gate '${gate.name}' quarantines failing rows: pass quarantinePath, where they are written`,
    );
  if (options.passedInPlace === true && input.format === 'relation')
    throw new GateConfigError(`gate '${gate.name}': passedInPlace rewrites files, and a relation has none`);
  const base = { gate: gate.name, action: gate.action };
  const done = (): number => performance.now() - started;
  const failed = (reasons: string[], rowCount = 0, rules: RuleResult[] = []): GateResult => ({
    ...base,
    status: 'failed',
    rowCount,
    rules,
    reasons,
    durationMs: done(),
  });

  if (input.format !== 'relation' && input.paths.length === 0) return failed(['the input is empty: no files to check']);
  const from = fromItem(input);
  let columns: InputColumn[];
  try {
    columns = await describeInput(connection, from);
  } catch (error) {
    return failed(await openFailure(connection, input, error));
  }

  const rules = [...gate.rules, ...(gate.definition === undefined ? [] : rulesFromSchemaDefinition(gate.definition))];
  const planned = await bindTerms(
    connection,
    from,
    rules.map((r) => plan(r, columns)),
  );
  const proofs =
    options.footerStatistics === false ? undefined : await proveFromFooters(connection, input, planned, columns);
  const scanned = planned.filter((p) => proofs?.proven.has(p.id) !== true);
  // Parquet reads a key column alone; a second pass over CSV or a relation (a view, a query) would
  // parse or compute every row again, so their keys are screened in the shared scan.
  const screened =
    input.format === 'parquet' ? scanned.filter((p) => p.rule.type === 'unique' && p.term !== undefined) : [];
  const aggregated = scanned.filter((p) => !screened.includes(p));
  let measures: Measures;
  try {
    // When the footers prove every rule that needs rows, no row is read at all.
    measures =
      proofs !== undefined && aggregated.every((p) => p.term === undefined)
        ? { rowCount: proofs.rowCount, values: new Map(), errors: new Map() }
        : await measure(connection, from, aggregated);
    for (const p of screened) measures.values.set(p.id, await uniqueScreen(connection, from, p, measures.rowCount));
  } catch {
    const unreadable = await unreadableFiles(connection, input, columns);
    if (unreadable.length > 0) return failed(unreadable);
    try {
      measures = await measureEach(connection, from, scanned);
    } catch (error) {
      return failed([`cannot read the input: ${firstLine(error)}`]);
    }
  }
  for (const id of proofs?.proven ?? []) measures.values.set(id, 0);
  const n = measures.rowCount;
  const results = await ruleResults(connection, from, planned, columns, measures, options.now ?? Date.now());
  const errored = results.filter((r) => r.error !== undefined);
  if (errored.length > 0)
    return failed(
      errored.map((r) => r.message),
      n,
      results,
    );
  const broken = results.filter((r) => !r.passed);
  if (broken.length === 0) return { ...base, status: 'passed', rowCount: n, rules: results, durationMs: done() };
  const reasons = broken.map((r) => `${r.id}: ${r.message}`);
  if (gate.action === 'warn')
    return { ...base, status: 'warned', rowCount: n, rules: results, reasons, durationMs: done() };
  if (gate.action === 'fail') return failed(reasons, n, results);

  if (broken.some((r) => r.scope === 'table'))
    return failed(
      [...reasons, 'a table rule broke: quarantine sets rows aside and cannot repair the dataset as a whole'],
      n,
      results,
    );
  let quarantinedCount: number;
  try {
    quarantinedCount = await writeQuarantine(
      connection,
      from,
      gate.name,
      failingRowRules(broken, planned, columns),
      quarantinePath!,
      input.format !== 'relation' && options.passedInPlace === true
        ? { inPlace: input }
        : options.passedPath === undefined
          ? undefined
          : { path: options.passedPath },
    );
  } catch (error) {
    return failed(
      [...reasons, `cannot write the quarantine dataset to ${quarantinePath}: ${firstLine(error)}`],
      n,
      results,
    );
  }
  return {
    ...base,
    status: 'quarantined',
    rowCount: n,
    rules: results,
    reasons,
    quarantinedCount,
    passedCount: n - quarantinedCount,
    quarantineLocation: quarantinePath!,
    ...(options.passedInPlace === true || options.passedPath === undefined
      ? {}
      : { passedLocation: options.passedPath }),
    durationMs: done(),
  };
}

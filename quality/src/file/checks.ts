import type { ColumnFacts, FileFacts } from './file-facts.js';
import type { ColumnDefinition, SchemaDefinition } from './schema-definition.js';
import { fractionDeduction, percentText, proportionalDeduction, type CheckName } from './scoring.js';

/** One rule that failed, machine-friendly: goes to `failed_validation_rules` and its own table. */
export interface FailedRule {
  readonly check: CheckName;
  /** Stable id such as `schema.missing_column`, `format.type`, `bounds.max`, `uniqueness.key`. */
  readonly rule: string;
  /** The column, or the key's columns joined by `,`. */
  readonly column?: string;
  /** How many fields, values or rows failed the rule. */
  readonly failedCount: number;
  readonly message: string;
  /** A few offending values. */
  readonly examples?: readonly string[];
}

/** One entry of the `metrics` JSON: `passed` and `details` as the contract says, plus counts. */
export interface CheckMetric {
  readonly passed: boolean;
  readonly details: string;
  /** What this check deducted (the same number as in `deductions`). */
  readonly deduction: number;
  readonly failed: number;
  readonly total: number;
}

/** The result of one check before it is assembled into the quality row. */
export interface CheckOutcome {
  readonly metric: CheckMetric;
  readonly rules: readonly FailedRule[];
}

function outcome(
  passed: boolean,
  details: string,
  deduction: number,
  failed: number,
  total: number,
  rules: FailedRule[] = [],
): CheckOutcome {
  return { metric: { passed, details, deduction, failed, total }, rules };
}

const examples = (values: readonly string[] | undefined): { examples?: readonly string[] } =>
  values !== undefined && values.length > 0 ? { examples: values.slice(0, 5) } : {};

/**
 * Columns whose declared type fits none of their values: a schema failure. Their values are then
 * left out of the format and bounds checks so one wrong column is not charged three times.
 */
export function incompatibleColumns(facts: FileFacts, definition: SchemaDefinition): Set<string> {
  const declared = new Map(definition.columns.map((c) => [c.name, c]));
  const out = new Set<string>();
  for (const column of facts.columns) {
    if (declared.has(column.name) && column.nonNull > 0 && column.typeMismatches >= column.nonNull)
      out.add(column.name);
  }
  return out;
}

/**
 * Schema (weight 40): one field per declared column (plus each undeclared column when
 * `additionalColumns` is false). A field fails when a required column is missing, or when no
 * value of the column converts to its declared type. Deduction = 40 × failed fields / fields.
 */
export function checkSchema(facts: FileFacts, definition: SchemaDefinition, invalidDefinition?: string): CheckOutcome {
  if (invalidDefinition !== undefined) {
    const rule: FailedRule = {
      check: 'schemaValidation',
      rule: 'schema.definition_invalid',
      failedCount: 1,
      message: invalidDefinition,
    };
    return outcome(false, invalidDefinition, proportionalDeduction('schema', 1, 1), 1, 1, [rule]);
  }
  if (definition.columns.length === 0) return outcome(true, 'No schema definition: columns not validated', 0, 0, 0);
  const present = new Map(facts.columns.map((c) => [c.name, c]));
  const incompatible = incompatibleColumns(facts, definition);
  const rules: FailedRule[] = [];
  for (const column of definition.columns) {
    const found = present.get(column.name);
    if (found === undefined) {
      if (column.required) {
        rules.push({
          check: 'schemaValidation',
          rule: 'schema.missing_column',
          column: column.name,
          failedCount: 1,
          message: `required column '${column.name}' is missing`,
        });
      }
    } else if (incompatible.has(column.name)) {
      rules.push({
        check: 'schemaValidation',
        rule: 'schema.type',
        column: column.name,
        failedCount: 1,
        message: `column '${column.name}' (${found.physicalType}) holds no ${column.type} value`,
        ...examples(found.typeMismatchExamples),
      });
    }
  }
  let fields = definition.columns.length;
  if (!definition.additionalColumns) {
    const declared = new Set(definition.columns.map((c) => c.name));
    for (const column of facts.columns) {
      if (declared.has(column.name)) continue;
      fields += 1;
      rules.push({
        check: 'schemaValidation',
        rule: 'schema.unexpected_column',
        column: column.name,
        failedCount: 1,
        message: `column '${column.name}' is not in the schema definition`,
      });
    }
  }
  if (rules.length === 0)
    return outcome(true, `All ${fields} declared columns present with expected types`, 0, 0, fields);
  const details = `${rules.length} of ${fields} schema fields failed: ${rules.map((r) => r.message).join('; ')}`;
  return outcome(false, details, proportionalDeduction('schema', rules.length, fields), rules.length, fields, rules);
}

/**
 * Format (weight 35): the file parsed, and each value of a declared column converts to its type
 * and matches its `pattern` / `allowedValues`. Deduction = 35 × bad values / checked values,
 * over columns that are not schema-incompatible. A parse failure is {@link checkParseFailure}.
 */
export function checkFormat(facts: FileFacts, definition: SchemaDefinition): CheckOutcome {
  const parsed = `${facts.format} parsed, ${facts.rowCount} rows`;
  const declared = new Map(definition.columns.map((c) => [c.name, c]));
  const incompatible = incompatibleColumns(facts, definition);
  const rules: FailedRule[] = [];
  let checked = 0;
  let bad = 0;
  for (const column of facts.columns) {
    const definitionOf = declared.get(column.name);
    if (definitionOf === undefined || incompatible.has(column.name)) continue;
    checked += column.nonNull;
    bad += column.typeMismatches + column.formatMismatches;
    if (column.typeMismatches > 0) {
      rules.push({
        check: 'formatParsing',
        rule: 'format.type',
        column: column.name,
        failedCount: column.typeMismatches,
        message: `${column.typeMismatches} values of '${column.name}' are not ${definitionOf.type}`,
        ...examples(column.typeMismatchExamples),
      });
    }
    if (column.formatMismatches > 0) {
      rules.push({
        check: 'formatParsing',
        rule: definitionOf.allowedValues !== undefined ? 'format.allowed_values' : 'format.pattern',
        column: column.name,
        failedCount: column.formatMismatches,
        message: `${column.formatMismatches} values of '${column.name}' break its ${describeFormat(definitionOf)}`,
        ...examples(column.formatMismatchExamples),
      });
    }
  }
  if (bad === 0) return outcome(true, parsed, 0, 0, checked);
  const details = `${parsed}; ${bad} of ${checked} values (${percentText(bad / checked)}) do not match their declared type or format`;
  return outcome(false, details, proportionalDeduction('format', bad, checked), bad, checked, rules);
}

function describeFormat(column: ColumnDefinition): string {
  if (column.allowedValues !== undefined) return `allowed values (${column.allowedValues.slice(0, 5).join(', ')})`;
  return `pattern /${String(column.pattern)}/`;
}

/** Format when the parser could not read the file: the whole weight (35) and the parser's error. */
export function checkParseFailure(format: string, error: string): CheckOutcome {
  const message = `${format} could not be parsed: ${error}`;
  const rule: FailedRule = { check: 'formatParsing', rule: 'format.parse', failedCount: 1, message };
  return outcome(false, message, proportionalDeduction('format', 1, 1), 1, 1, [rule]);
}

/**
 * Completeness (weight 20): rows with a null in a required column present in the file.
 * Deduction = 20 × such rows / rows (the documented example: "3% of rows have nulls in required fields" → 6).
 * A missing required column is the schema check's failure, not counted again here.
 */
export function checkCompleteness(facts: FileFacts, definition: SchemaDefinition): CheckOutcome {
  const present = new Map(facts.columns.map((c) => [c.name, c]));
  const required = definition.columns.filter((c) => c.required && present.has(c.name));
  if (required.length === 0) return outcome(true, 'No required fields declared', 0, 0, facts.rowCount);
  const failedRows = Math.min(facts.rowsMissingRequired, facts.rowCount);
  if (failedRows === 0)
    return outcome(true, `All ${facts.rowCount} rows have every required field`, 0, 0, facts.rowCount);
  const rules: FailedRule[] = [];
  for (const column of required) {
    const { nulls } = present.get(column.name) as ColumnFacts;
    if (nulls > 0) {
      rules.push({
        check: 'completeness',
        rule: 'completeness.required',
        column: column.name,
        failedCount: nulls,
        message: `${nulls} rows have no '${column.name}'`,
      });
    }
  }
  const details = `${percentText(failedRows / facts.rowCount)} of rows have nulls in required fields`;
  return outcome(
    false,
    details,
    proportionalDeduction('completeness', failedRows, facts.rowCount),
    failedRows,
    facts.rowCount,
    rules,
  );
}

/**
 * Bounds (weight 15): values of columns with a declared `min`/`max`, numeric or date.
 * Deduction = 15 × out-of-range values / non-null values of bounded columns.
 */
export function checkBounds(facts: FileFacts, definition: SchemaDefinition): CheckOutcome {
  const present = new Map(facts.columns.map((c) => [c.name, c]));
  const incompatible = incompatibleColumns(facts, definition);
  const bounded = definition.columns.filter(
    (c) => (c.min !== undefined || c.max !== undefined) && present.has(c.name) && !incompatible.has(c.name),
  );
  if (bounded.length === 0) return outcome(true, 'No bounds declared', 0, 0, 0);
  const rules: FailedRule[] = [];
  let checked = 0;
  let bad = 0;
  for (const column of bounded) {
    const facts = present.get(column.name) as ColumnFacts;
    checked += facts.nonNull - facts.typeMismatches;
    bad += facts.belowMin + facts.aboveMax;
    const pairs: [number, string, string][] = [
      [facts.belowMin, 'bounds.min', `below ${String(column.min)}`],
      [facts.aboveMax, 'bounds.max', `above ${String(column.max)}`],
    ];
    for (const [count, rule, text] of pairs) {
      if (count > 0)
        rules.push({
          check: 'boundsRange',
          rule,
          column: column.name,
          failedCount: count,
          message: `${count} values of '${column.name}' are ${text}`,
          ...examples(facts.boundsExamples),
        });
    }
  }
  if (bad === 0) return outcome(true, 'All values in expected ranges', 0, 0, checked);
  const details = `${bad} of ${checked} bounded values (${percentText(bad / Math.max(1, checked))}) out of range`;
  return outcome(false, details, proportionalDeduction('bounds', bad, checked), bad, checked, rules);
}

/**
 * Uniqueness (weight 10): per declared key, the duplicate ratio 1 − distinct / rows with the key.
 * Deduction = 10 × the mean duplicate ratio over keys (97 % unique on one key → 0.3).
 */
export function checkUniqueness(facts: FileFacts, definition: SchemaDefinition): CheckOutcome {
  if (definition.keys.length === 0) return outcome(true, 'No unique keys declared', 0, 0, 0);
  const measured = new Map(facts.keys.map((k) => [k.columns.join(','), k]));
  const rules: FailedRule[] = [];
  const parts: string[] = [];
  let ratioSum = 0;
  let counted = 0;
  let duplicates = 0;
  let rows = 0;
  for (const key of definition.keys) {
    const name = key.join(',');
    const facts = measured.get(name);
    if (facts === undefined) {
      parts.push(`key (${name}) not checked: column missing`);
      continue;
    }
    const unique = facts.rowsWithKey === 0 ? 1 : facts.distinctKeys / facts.rowsWithKey;
    const dup = facts.rowsWithKey - facts.distinctKeys;
    counted += 1;
    ratioSum += 1 - unique;
    duplicates += dup;
    rows += facts.rowsWithKey;
    parts.push(
      `${key.length > 1 ? `key (${name})` : definition.keys.length > 1 ? `key ${name}` : 'Primary key'} uniqueness ${percentText(unique)}`,
    );
    if (dup > 0)
      rules.push({
        check: 'uniqueness',
        rule: 'uniqueness.key',
        column: name,
        failedCount: dup,
        message: `${dup} rows repeat a value of key (${name})`,
      });
  }
  const deduction = counted === 0 ? 0 : fractionDeduction('uniqueness', ratioSum / counted);
  return outcome(duplicates === 0, parts.join('; '), deduction, duplicates, rows, rules);
}

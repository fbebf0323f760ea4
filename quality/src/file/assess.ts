import {
  checkBounds,
  checkCompleteness,
  checkFormat,
  checkParseFailure,
  checkSchema,
  checkUniqueness,
  type CheckMetric,
  type CheckOutcome,
  type FailedRule,
} from './checks.js';
import type { FileFacts } from './file-facts.js';
import { EMPTY_SCHEMA_DEFINITION, type SchemaDefinition } from './schema-definition.js';
import { CHECK_DEDUCTION, passedScore, scoreOf, type CheckName, type Deductions } from './scoring.js';

/**
 * One file's quality: exactly the columns of `reporting.monitoring_file_data_quality` (score,
 * passed, metrics, deductions, failed_validation_message, failed_validation_rules).
 */
export interface QualityAssessment {
  readonly score: number;
  readonly passed: boolean;
  readonly metrics: Readonly<Record<CheckName, CheckMetric>>;
  readonly deductions: Readonly<Deductions>;
  /** Every failing check's details, human-readable; null when everything passed. */
  readonly failedValidationMessage: string | null;
  /** Every failed rule; null when everything passed. */
  readonly failedValidationRules: readonly FailedRule[] | null;
}

const ORDER: readonly CheckName[] = ['schemaValidation', 'formatParsing', 'completeness', 'boundsRange', 'uniqueness'];

function assemble(outcomes: Record<CheckName, CheckOutcome>, message?: string): QualityAssessment {
  const deductions: Deductions = { schema: 0, format: 0, completeness: 0, bounds: 0, uniqueness: 0 };
  const rules: FailedRule[] = [];
  const messages: string[] = [];
  for (const name of ORDER) {
    const { metric, rules: failed } = outcomes[name];
    deductions[CHECK_DEDUCTION[name]] = metric.deduction;
    rules.push(...failed);
    if (!metric.passed) messages.push(`${name}: ${metric.details}`);
  }
  const score = scoreOf(deductions);
  const metrics = Object.fromEntries(ORDER.map((name) => [name, outcomes[name].metric])) as Record<
    CheckName,
    CheckMetric
  >;
  return {
    score,
    passed: passedScore(score),
    metrics,
    deductions,
    failedValidationMessage: message ?? (messages.length === 0 ? null : messages.join('\n')),
    failedValidationRules: rules.length === 0 ? null : rules,
  };
}

/** Options of {@link assessFile}. */
export interface AssessOptions {
  /**
   * The schema definition could not be parsed (its message): the schema check fails with its whole
   * weight, and the other checks run as if nothing were declared.
   */
  invalidDefinition?: string;
}

/**
 * Runs the five checks on a parsed file's facts and scores it (see {@link DEDUCTION_WEIGHTS}).
 *
 * @example
 * const definition = parseSchemaDefinition(row.definition);
 * const quality = assessFile(facts, definition);
 * // quality.score, quality.passed, quality.metrics.completeness.details, quality.deductions.uniqueness
 */
export function assessFile(
  facts: FileFacts,
  definition: SchemaDefinition = EMPTY_SCHEMA_DEFINITION,
  options: AssessOptions = {},
): QualityAssessment {
  const used = options.invalidDefinition === undefined ? definition : EMPTY_SCHEMA_DEFINITION;
  return assemble({
    schemaValidation: checkSchema(facts, used, options.invalidDefinition),
    formatParsing: checkFormat(facts, used),
    completeness: checkCompleteness(facts, used),
    boundsRange: checkBounds(facts, used),
    uniqueness: checkUniqueness(facts, used),
  });
}

/**
 * The quality of a file its parser could not read: formatParsing fails with the format deduction
 * (35) and the parser's error; the other checks could not run, so they report `passed: false`
 * with "not evaluated" and deduct nothing. Score 65, not passed.
 */
export function assessParseFailure(format: string, error: string): QualityAssessment {
  const skipped = (): CheckOutcome => ({
    metric: {
      passed: false,
      details: 'Not evaluated: the file could not be parsed',
      deduction: 0,
      failed: 0,
      total: 0,
    },
    rules: [],
  });
  const parse = checkParseFailure(format, error);
  return assemble(
    {
      schemaValidation: skipped(),
      formatParsing: parse,
      completeness: skipped(),
      boundsRange: skipped(),
      uniqueness: skipped(),
    },
    parse.metric.details,
  );
}

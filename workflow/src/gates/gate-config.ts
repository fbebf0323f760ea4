import { COLUMN_TYPES, schemaDefinitionSchema } from '@coattail/quality';
import { z } from 'zod';
import { GateConfigError } from './errors.js';

/** What a gate does when a rule fails. */
export const GATE_ACTIONS = ['fail', 'quarantine', 'warn'] as const;
export type GateAction = (typeof GATE_ACTIONS)[number];

const column = z.string().min(1);
const bound = z.union([z.number(), z.string().min(1)]);

/**
 * Row rules may tolerate a share of failing rows (completeness 95 % = `maxFailedRatio: 0.05`).
 * @default 0
 */
const tolerance = { id: z.string().min(1).optional(), maxFailedRatio: z.number().min(0).max(1).default(0) };

const notNullRule = z.object({ type: z.literal('not_null'), column, ...tolerance }).strict();
const boundsRule = z
  .object({ type: z.literal('bounds'), column, min: bound.optional(), max: bound.optional(), ...tolerance })
  .strict()
  .refine((r) => r.min !== undefined || r.max !== undefined, { message: 'bounds needs min, max or both' });
const allowedValuesRule = z
  .object({
    type: z.literal('allowed_values'),
    column,
    values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1),
    ...tolerance,
  })
  .strict();
const uniqueRule = z.object({ type: z.literal('unique'), columns: z.array(column).min(1), ...tolerance }).strict();
const regexRule = z
  .object({ type: z.literal('regex'), column, pattern: z.string().min(1), ...tolerance })
  .strict()
  .superRefine((rule, ctx) => {
    try {
      new RegExp(rule.pattern);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        path: ['pattern'],
        message: `not a regular expression: ${(error as Error).message}`,
      });
    }
  });
/** A row passes only when the predicate is TRUE (NULL fails), as a dbt expression test would. */
const sqlRule = z.object({ type: z.literal('sql'), predicate: z.string().min(1), ...tolerance }).strict();

const schemaRule = z
  .object({
    type: z.literal('schema'),
    id: z.string().min(1).optional(),
    columns: z.array(z.object({ name: column, type: z.enum(COLUMN_TYPES) }).strict()).min(1),
    /** When false, a column the rule does not declare fails it. @default true */
    additionalColumns: z.boolean().default(true),
  })
  .strict();
const rowCountRule = z
  .object({
    type: z.literal('row_count'),
    id: z.string().min(1).optional(),
    min: z.number().int().min(0).optional(),
    max: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((r) => r.min !== undefined || r.max !== undefined, { message: 'row_count needs min, max or both' });
const freshnessRule = z
  .object({
    type: z.literal('freshness'),
    id: z.string().min(1).optional(),
    /** A timestamp/date column, or a number column of epoch milliseconds. */
    column,
    maxAgeMs: z.number().int().positive(),
  })
  .strict();

/** One rule of a gate; row rules can quarantine rows, table rules (schema, row_count, freshness) cannot. */
export const gateRuleSchema = z.union([
  notNullRule,
  boundsRule,
  allowedValuesRule,
  uniqueRule,
  regexRule,
  sqlRule,
  schemaRule,
  rowCountRule,
  freshnessRule,
]);
export type GateRuleInput = z.input<typeof gateRuleSchema>;
export type GateRule = z.output<typeof gateRuleSchema>;
export type RowRule = Extract<GateRule, { maxFailedRatio: number }>;
export type TableRule = Exclude<GateRule, RowRule>;

/**
 * A quality gate between stages, as a YAML/JSON pipeline declares it.
 *
 * @example
 * name: trades_clean
 * action: quarantine
 * definition: { columns: [{ name: price, type: number, required: true, min: 0 }] }
 * rules:
 *   - { type: unique, columns: [event_id] }
 *   - { type: sql, predicate: "quote_volume = price * quantity" }
 */
export const gateConfigSchema = z
  .object({
    name: z.string().min(1),
    /** @default 'fail' */
    action: z.enum(GATE_ACTIONS).default('fail'),
    rules: z.array(gateRuleSchema).default([]),
    /** The file-quality service's schema definition, compiled into rules (see `rulesFromSchemaDefinition`). */
    definition: schemaDefinitionSchema.optional(),
    /** The dataset name failing rows are reported under, e.g. `file://quarantine/trades`. */
    quarantineDataset: z.string().min(1).optional(),
  })
  .strict()
  .refine((g) => g.rules.length > 0 || g.definition !== undefined, {
    message: 'a gate needs at least one rule or a definition',
  });
export type GateConfigInput = z.input<typeof gateConfigSchema>;
export type GateConfig = z.output<typeof gateConfigSchema>;

/** Parses a gate declaration; throws {@link GateConfigError} listing every issue with its path. */
export function parseGateConfig(input: unknown): GateConfig {
  const parsed = gateConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  throw new GateConfigError(`gate config is invalid: ${issues.join('; ')}`, parsed.error);
}

/** True for rules judged row by row (their failing rows can be quarantined). */
export function isRowRule(rule: GateRule): rule is RowRule {
  return 'maxFailedRatio' in rule;
}

/** A stable id per rule, used in results, quarantine rows and lineage assertions. */
export function ruleId(rule: GateRule): string {
  if (rule.id !== undefined) return rule.id;
  switch (rule.type) {
    case 'unique':
      return `unique(${rule.columns.join(',')})`;
    case 'sql':
      return `sql(${rule.predicate})`;
    case 'schema':
      return 'schema';
    case 'row_count':
      return 'row_count';
    case 'not_null':
    case 'bounds':
    case 'allowed_values':
    case 'regex':
    case 'freshness':
      return `${rule.type}(${rule.column})`;
  }
}

import { parseSchemaDefinition } from '@coattail/quality';
import type { GateRule } from './gate-config.js';

/**
 * Compiles the file-quality service's schema definition (the JSON kept in
 * `reporting.monitoring_file_schema_definition`) into gate rules, so one definition describes a
 * dataset both where files land and between pipeline stages. Throws the quality package's
 * `SchemaDefinitionError` for a definition it would reject.
 */
export function rulesFromSchemaDefinition(input: unknown): GateRule[] {
  const definition = parseSchemaDefinition(input);
  const rules: GateRule[] = [];
  if (definition.columns.length > 0)
    rules.push({
      type: 'schema',
      columns: definition.columns.map((c) => ({ name: c.name, type: c.type })),
      additionalColumns: definition.additionalColumns,
    });
  for (const c of definition.columns) {
    const numeric = c.type === 'integer' || c.type === 'number';
    const bound = (value: string | number | undefined) =>
      value === undefined ? {} : { value: numeric ? Number(value) : value };
    if (c.required) rules.push({ type: 'not_null', column: c.name, maxFailedRatio: 0 });
    const min = bound(c.min);
    const max = bound(c.max);
    if ('value' in min || 'value' in max)
      rules.push({ type: 'bounds', column: c.name, min: min.value, max: max.value, maxFailedRatio: 0 });
    if (c.pattern !== undefined) rules.push({ type: 'regex', column: c.name, pattern: c.pattern, maxFailedRatio: 0 });
    if (c.allowedValues !== undefined)
      rules.push({ type: 'allowed_values', column: c.name, values: c.allowedValues, maxFailedRatio: 0 });
  }
  for (const key of definition.keys) rules.push({ type: 'unique', columns: [...key], maxFailedRatio: 0 });
  return rules;
}

import type { RowRule } from './gate-config.js';
import type { RuleResult } from './gate-result.js';

/** What a row rule expects, in words, for results and lineage assertions. */
export function describeRowRule(rule: RowRule): string {
  switch (rule.type) {
    case 'not_null':
      return `${rule.column} is not null`;
    case 'bounds':
      return `${rule.min ?? '-∞'} ≤ ${rule.column} ≤ ${rule.max ?? '+∞'}`;
    case 'allowed_values':
      return `${rule.column} in [${rule.values.join(', ')}]`;
    case 'unique':
      return `(${rule.columns.join(', ')}) is unique`;
    case 'regex':
      return `${rule.column} matches ${rule.pattern}`;
    case 'sql':
      return rule.predicate;
  }
}

/**
 * A row rule's result: it passes while the failing share stays within `maxFailedRatio` (an empty
 * input passes every row rule; `row_count` is the rule that says whether empty is acceptable).
 */
export function rowRuleResult(rule: RowRule, id: string, failedCount: number, rowCount: number): RuleResult {
  const passed = failedCount <= rule.maxFailedRatio * rowCount;
  const tolerance = rule.maxFailedRatio > 0 ? ` (tolerated: ${rule.maxFailedRatio * 100} %)` : '';
  const expected = `${describeRowRule(rule)}${tolerance}`;
  return {
    id,
    type: rule.type,
    scope: 'row',
    ...('column' in rule ? { column: rule.column } : rule.type === 'unique' ? { column: rule.columns.join(',') } : {}),
    passed,
    failedCount,
    totalCount: rowCount,
    expected,
    message: `${failedCount} of ${rowCount} row(s) break '${expected}'`,
  };
}

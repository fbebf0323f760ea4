/**
 * @coattail/workflow — multi-stage data pipelines with quality gates, incremental state, lineage,
 * late-data windows and storage optimization. The public surface is this file.
 */

// Quality gates between stages: rules evaluated by DuckDB over a stage's output; fail / quarantine / warn.
export { GateConfigError } from './gates/errors.js';
export {
  GATE_ACTIONS,
  gateConfigSchema,
  gateRuleSchema,
  isRowRule,
  parseGateConfig,
  ruleId,
  type GateAction,
  type GateConfig,
  type GateConfigInput,
  type GateRule,
  type GateRuleInput,
} from './gates/gate-config.js';
export { gateInputSchema, type GateInput, type GateInputOptions, type InputColumn } from './gates/gate-input.js';
export { gateAllowsDownstream, type GateResult, type RuleResult } from './gates/gate-result.js';
export { evaluateGate, type EvaluateGateOptions } from './gates/evaluate-gate.js';
export { rulesFromSchemaDefinition } from './gates/definition-rules.js';
export { FAILED_RULES_COLUMN, GATE_COLUMN } from './gates/quarantine.js';

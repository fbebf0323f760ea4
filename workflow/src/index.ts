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

// Lineage: OpenLineage 2-0-2 RunEvents for runs, stages and gate checks; transports; a query index.
export { LineageError } from './lineage/errors.js';
export {
  OPENLINEAGE_SCHEMA_URL,
  runEventSchema,
  type LineageDataset,
  type RunEvent,
  type RunEventType,
} from './lineage/openlineage-schema.js';
export { FACET_SCHEMA_URLS } from './lineage/facets.js';
export { datasetId, datasetKey, type DatasetId } from './lineage/dataset-name.js';
export {
  createLineageEmitter,
  DEFAULT_PRODUCER,
  type LineageEmitter,
  type LineageEmitterOptions,
  type LineageField,
  type PipelineRunRef,
  type StageDataset,
  type StageOutput,
  type StageRunRef,
} from './lineage/emitter.js';
export { LineageIndex, type JobRef, type LineageGraph, type RunRef } from './lineage/lineage-index.js';
export type { LineageTransport } from './lineage/transports/transport.js';
export { createConsoleTransport, type ConsoleTransportOptions } from './lineage/transports/console-transport.js';
export { createJsonlTransport } from './lineage/transports/jsonl-transport.js';
export {
  createHttpTransport,
  type HttpTransportOptions,
  type HttpTransportStats,
} from './lineage/transports/http-transport.js';
export { createMemoryTransport } from './lineage/transports/memory-transport.js';

// Storage optimizer: profile a dataset in DuckDB, plan codec/sort/partitions/sizes with reasons, apply.
export {
  profileDataset,
  SORTEDNESS_SAMPLE_ROWS,
  type ColumnProfile,
  type DatasetProfile,
} from './optimizer/profile-dataset.js';
export {
  planStorage,
  planOptionsSchema,
  queryPatternSchema,
  type Decision,
  type PartitionChoice,
  type PlanOptions,
  type QueryPatternInput,
  type StoragePlan,
} from './optimizer/storage-plan.js';
export {
  explainPlan,
  icebergStorageOptions,
  parquetCopyOptions,
  sortedSelect,
  writeOptimizedParquet,
  type IcebergStorageOptions,
} from './optimizer/apply-storage-plan.js';

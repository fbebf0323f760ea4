/**
 * @coattail/workflow — multi-stage data pipelines with quality gates, incremental state, lineage,
 * late-data windows and storage optimization. The public surface is this file.
 *
 * @example
 * import { FileRunStore, Orchestrator, StageRegistry, loadPipelineFile } from '@coattail/workflow';
 * const registry = new StageRegistry([myStage]);
 * const pipeline = await loadPipelineFile('pipelines/daily.yaml', registry);
 * const orchestrator = new Orchestrator({ store: new FileRunStore('.coattail/workflow'), registry });
 * const summary = await orchestrator.run(pipeline);
 */
export {
  WorkflowError,
  DefinitionError,
  RunLockedError,
  StageTimeoutError,
  RunStoreError,
  WorkflowUsageError,
  formatIssue,
  type DefinitionIssue,
  type WorkflowErrorOptions,
} from './errors.js';
export { parseDuration, durationSchema } from './duration.js';

// Definitions.
export { parseDataset, datasetOf, type DatasetRef, type DatasetScheme } from './definition/dataset.js';
export {
  pipelineSchema,
  stageSchema,
  incrementalSchema,
  partitioningSchema,
  type PipelineDefinition,
  type PipelineInput,
  type StageDefinition,
  type StageInput,
  type RetryPolicy,
  type IncrementalSpec,
  type PartitioningSpec,
} from './definition/schema.js';
export {
  parsePipeline,
  loadPipelineFile,
  validatePipelineObject,
  formatPath,
  type LoadedPipeline,
} from './definition/load.js';
export { pipeline, PipelineBuilder } from './definition/builder.js';
export { findCycle, topologicalOrder, ancestorsOf, descendantsOf, type StageGraph } from './definition/graph.js';
export { stageGraph, validateDefinition, type PathIssue } from './definition/validate.js';

// Stage types.
export { StageRegistry } from './stages/registry.js';
export type { StageType, StageContext, StageResult, OutputReport, ColumnInfo } from './stages/stage-type.js';

// Orchestrator.
export {
  Orchestrator,
  type OrchestratorOptions,
  type RunOptions,
  type RunSummary,
} from './orchestrator/orchestrator.js';
export type { RunEvent, RunListener, GateCheck, GateEvaluator, GateVerdict } from './orchestrator/events.js';
export { progressPrinter } from './orchestrator/progress.js';
export { lineageDatasetUri, lineageListener, lineageRunId } from './orchestrator/lineage-listener.js';
export { isRetryable, retryDelay, errorText } from './orchestrator/attempts.js';

// Run store.
export type {
  RunStore,
  RunRecord,
  StageRunRecord,
  AttemptRecord,
  RunStatus,
  StageStatus,
  AttemptStatus,
  RunLock,
} from './run-store/types.js';
export { FileRunStore } from './run-store/file-run-store.js';

// Incremental state.
export type { InputChanges, IncrementalMode } from './incremental/changes.js';
export { detectObjectChanges, type ObjectInfo } from './incremental/objects.js';
export { detectIcebergChanges, type IcebergObservation, type SnapshotInfo } from './incremental/iceberg.js';
export { detectWatermarkChanges } from './incremental/watermark.js';
export { detectHashChanges } from './incremental/content-hash.js';
export {
  detectStageChanges,
  commitStageChanges,
  describeChanges,
  stateKey,
  type InputObserver,
  type IncrementalStateStore,
} from './incremental/tracker.js';
export { incrementalStateSchema, type IncrementalState } from './incremental/state.js';

// Windows.
export {
  partitionFor,
  parsePartitionKey,
  partitionsBetween,
  type PartitionWindow,
  type Granularity,
} from './windows/partitions.js';
export { PostgresRunStore, WORKFLOW_DDL_DIR, type PostgresRunStoreOptions } from './run-store/postgres-run-store.js';

// Looking at inputs.
export { platformObserver, type PlatformObserverOptions } from './datasets/observer.js';
export { listLocalObjects, hashLocalContent } from './datasets/local-listing.js';
export { localPath, s3Location } from './datasets/locations.js';

// Scale-out: AWS Step Functions.
export { toStepFunctions, stageWaves, type StepFunctionsTarget, type StateMachine } from './export/step-functions.js';

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
  type RunEvent as OpenLineageRunEvent,
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

// Built-in stage types.
export {
  builtinStageTypes,
  noopStage,
  transformFilesStage,
  windowAggregateStage,
  quarantineDir,
} from './stages/builtin/index.js';

// Windows and late data.
export {
  planWindows,
  windowStateSchema,
  type WindowState,
  type WindowPlan,
  type PartitionCount,
} from './windows/late-data.js';
export { runBackfill, type BackfillOptions, type BackfillSummary } from './windows/backfill.js';
export { duckDbGateEvaluator, type EvaluateGate, type GateOutcome } from './orchestrator/gate-adapter.js';

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

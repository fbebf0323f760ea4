/**
 * @coattail/runtime/testing — the test kit: an operator harness with a manual clock, in-memory
 * metrics, and the contract suite every CheckpointStore implementation must pass.
 */
export { OperatorHarness, type HarnessRecord, type HarnessOptions } from './operator-harness.js';
export { describeCheckpointStoreContract, type TestRunner } from './checkpoint-store-contract.js';
export { ManualClock } from '../clock.js';
export { InMemoryMetrics } from '../observability/metrics.js';
export { JsonFilesSink, readJsonFiles } from './json-files-sink.js';
